/**
 * Reading and pruning the artifacts folder: every `build.json` under `<out>/<target>/<version>/`,
 * and deleting one artifact (its SBOM and its line of SHA256SUMS go with it) or a whole build.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { compare, valid } from 'semver';
import { SdlcError } from '../errors';
import { BUILD_RECORD, SUMS_FILE, writeRecord, type BuildRecord, type BuiltPackage } from './build';
import { formatSums, sha256File } from './checksum';

/** Every recorded build, per target newest version first (semver order, else newest build time). */
export async function listBuilds(outDir: string): Promise<BuiltPackage[]> {
  const builds: BuiltPackage[] = [];
  for (const target of await readdir(outDir)) {
    for (const version of await readdir(path.join(outDir, target))) {
      if (version.includes('.partial-')) continue;
      const folder = path.join(outDir, target, version);
      const record = await readRecord(folder);
      if (record) builds.push({ record, folder });
    }
  }
  return builds.sort((a, b) => (a.record.target === b.record.target ? newestFirst(a.record, b.record) : a.record.target < b.record.target ? -1 : 1));
}

export function newestFirst(a: BuildRecord, b: BuildRecord): number {
  const va = valid(a.version);
  const vb = valid(b.version);
  if (va && vb && va !== vb) return compare(vb, va);
  return b.time < a.time ? -1 : b.time > a.time ? 1 : 0;
}

export async function readRecord(folder: string): Promise<BuildRecord | null> {
  try {
    const value = JSON.parse(await fs.readFile(path.join(folder, BUILD_RECORD), 'utf8')) as BuildRecord;
    return value && value.v === 1 && Array.isArray(value.artifacts) ? value : null;
  } catch {
    return null;
  }
}

/** Deletes one artifact of a build; the build folder goes when it was the last one. */
export async function deleteArtifact(folder: string, name: string): Promise<void> {
  const record = await readRecord(folder);
  const artifact = record?.artifacts.find((a) => a.name === name);
  if (!record || !artifact) throw new SdlcError('ArtifactNotFound', `There is no artifact ${name} in ${folder}.`, { usage: true });
  const rest = record.artifacts.filter((a) => a !== artifact);
  if (rest.length === 0) return deleteBuild(folder);
  await fs.rm(path.join(folder, name), { force: true });
  if (artifact.sbom) await fs.rm(path.join(folder, artifact.sbom), { force: true });
  record.artifacts = rest;
  await fs.writeFile(path.join(folder, SUMS_FILE), formatSums(await sumsOf(folder, rest)));
  await writeRecord(folder, record);
}

/** Deletes a build folder (only one that holds a build record). */
export async function deleteBuild(folder: string): Promise<void> {
  if (!(await readRecord(folder))) throw new SdlcError('ArtifactNotFound', `${folder} is not a build folder (no ${BUILD_RECORD}).`, { usage: true });
  await fs.rm(folder, { recursive: true, force: true });
}

async function sumsOf(folder: string, artifacts: BuildRecord['artifacts']): Promise<Array<{ name: string; sha256: string }>> {
  const out: Array<{ name: string; sha256: string }> = [];
  for (const a of artifacts) {
    out.push({ name: a.name, sha256: a.sha256 });
    if (a.sbom) out.push({ name: a.sbom, sha256: (await sha256File(path.join(folder, a.sbom))).sha256 });
  }
  return out;
}

async function readdir(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}
