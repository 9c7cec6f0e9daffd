/** Package creation: targets, builds (working tree, tag, reproducibility check), checksums, records. */
export { artifactsOf, buildPackages, defaultArtifactsDir, safeName, targetsOf, BUILD_RECORD, SUMS_FILE } from './build';
export type { ArtifactInfo, ArtifactRecord, BuildOptions, BuildRecord, BuiltPackage, ReproducibilityResult } from './build';
export { formatSums, parseSums, sha256File } from './checksum';
export { deleteArtifact, deleteBuild, listBuilds, readRecord } from './records';
export { detectIn, resolveTargets, tomlVersion } from './targets';
export type { GoPlatform, PackageTarget, TargetKind } from './targets';
export { changelogSection } from './notes';
