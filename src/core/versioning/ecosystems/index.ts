/**
 * Ecosystem adapters: where a package's version lives in each ecosystem, and how to change it
 * without touching anything else.
 *
 * Every adapter implements `EcosystemAdapter` (types.ts) over `RepoFiles` (relative, `/`-separated
 * paths; `diskFiles(root)` or `memoryFiles({...})`):
 * - `detect(dir, files)`: which manifest(s) of the folder the ecosystem claims, or null;
 * - `readVersion(dir, files)`: `{ name, version, where, location, warnings }`, `where` being one line
 *   for the tooltip ("Cargo.toml [workspace.package] version") and `location` file:line:column;
 * - `writeVersion(dir, files, version)`: `FileEdit`s (`{ file, before, after }`) of every file where
 *   the version lives; only the version's characters change (comments, order, indentation, CRLF kept);
 * - optional `members` (workspace member folders), `lockfiles` (lockfile entries of moved members),
 *   `dependencyEdits` (internal requirements that follow), `checkNext` (warnings about a next version).
 * Bad input is an `SdlcError` with `usage: true` whose message starts with file:line:column.
 *
 * Parsers with source positions do the finding: jsonc-parser (package.json, lerna.json, lockfiles),
 * toml-eslint-parser (Cargo.toml, Cargo.lock, pyproject.toml), `yaml` (Chart.yaml,
 * pnpm-workspace.yaml), htmlparser2 in XML mode (pom.xml, *.csproj, Directory.Build.props); line
 * scanners for the line formats (gradle.properties, setup.cfg, go.mod, Python `__version__ = "…"`).
 * The planning service (../service.ts) uses them for the Versions view, Bump Version and `sdlc bump`.
 */
import { SdlcError } from '../../errors';
import { readManifest } from '../manifest';
import { cargo } from './cargo';
import { dotnet } from './dotnet';
import { go } from './go';
import { gradle } from './gradle';
import { helm } from './helm';
import { lerna } from './lerna';
import { maven } from './maven';
import { npm } from './npm';
import { python } from './python';
import type { Detected, EcosystemAdapter, EcosystemId, RepoFiles } from './types';

export * from './types';
export { diskFiles, memoryFiles } from './files';
export { releaseEdits } from './releaseEdits';
export { cargo, cargoRequirement } from './cargo';
export { dotnet } from './dotnet';
export { go, goMajorWarning, goModulePath } from './go';
export { gradle, propertyValue } from './gradle';
export { createHelmAdapter, helm, type HelmOptions } from './helm';
export { lerna, lernaIndependent } from './lerna';
export { maven } from './maven';
export { npm, workspacePatterns } from './npm';
export { findAssignment, iniValue, python } from './python';
export { createVersionFilesAdapter } from './versionFilesAdapter';
export { expandMembers, matchSegment } from './members';
export { xmlElements, xmlFind, xmlSetText, xmlText, type XmlElement } from './xml';
export { parseYaml, yamlScalar, yamlSetScalar, yamlStrings } from './yamlText';
export { find as tomlFind, parseToml, setString as tomlSetString } from './toml';

/** Every built-in adapter (versionFiles is made from configuration: `createVersionFilesAdapter`). */
export const ECOSYSTEMS: readonly EcosystemAdapter[] = [lerna, npm, cargo, python, maven, gradle, go, helm, dotnet];

export function adapterFor(id: EcosystemId): EcosystemAdapter | undefined {
  return ECOSYSTEMS.find((a) => a.id === id);
}

async function hasVersion(files: RepoFiles, manifest: string): Promise<boolean> {
  const text = await files.read(manifest);
  if (text === null) return false;
  try {
    return readManifest(text, manifest).version !== null;
  } catch {
    return true; // a broken manifest still claims its folder (and reports its error)
  }
}

/** Ecosystems that may share a folder with another without a choice: lerna.json sits next to package.json. */
const IMPLIED: Partial<Record<EcosystemId, EcosystemId[]>> = { lerna: ['npm'] };

/**
 * The ecosystem of a folder: the one detected, or the configured `choice`. Two claiming the folder
 * without a choice → usage error naming both (set it in .sdlc.json); none → null.
 */
export async function detectEcosystem(dir: string, files: RepoFiles, choice?: EcosystemId, adapters: readonly EcosystemAdapter[] = ECOSYSTEMS): Promise<{ adapter: EcosystemAdapter; detected: Detected } | null> {
  const found: { adapter: EcosystemAdapter; detected: Detected }[] = [];
  for (const adapter of adapters) {
    const detected = await adapter.detect(dir, files);
    if (detected) found.push({ adapter, detected });
  }
  if (choice) {
    const chosen = found.find((f) => f.adapter.id === choice);
    if (!chosen) throw new SdlcError('EcosystemNotFound', `${dir}: configured as ${choice}, but no ${choice} manifest is there (found: ${found.map((f) => f.adapter.id).join(', ') || 'none'}).`, { usage: true });
    return chosen;
  }
  let claims = found.filter((f) => !found.some((g) => IMPLIED[g.adapter.id]?.includes(f.adapter.id)));
  if (claims.length > 1) {
    // A package.json without a version (tooling only: commitlint, husky …) next to another manifest claims nothing.
    const versionless = await Promise.all(claims.map(async (c) => c.adapter.id === 'npm' && !(await hasVersion(files, c.detected.manifests[0]))));
    claims = claims.filter((_, i) => !versionless[i]);
  }
  if (claims.length > 1) {
    throw new SdlcError(
      'AmbiguousEcosystem',
      `${dir}: ${claims.map((f) => `${f.adapter.id} (${f.detected.manifests.join(', ')})`).join(' and ')} both claim this folder; choose one in .sdlc.json: "versioning": { "ecosystems": { "${dir}": "${claims[0].adapter.id}" } }.`,
      { usage: true },
    );
  }
  return claims[0] ?? null;
}
