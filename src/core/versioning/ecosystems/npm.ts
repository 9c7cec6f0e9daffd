/**
 * npm / yarn / pnpm: `package.json` `version` (read and written through manifest.ts), workspaces from
 * `workspaces` (npm, yarn) or `pnpm-workspace.yaml`, `package-lock.json` / `npm-shrinkwrap.json`
 * entries, and internal dependency ranges (`workspace:` ranges are left alone: pnpm and yarn
 * replace them when publishing).
 */
import { applyEdits, findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import semver from 'semver';
import { dependencyRanges, manifestVersion, movedRange, readManifest, setLockfileRanges, setLockfileVersion, setLockfileWorkspaceVersion, setManifestVersion } from '../manifest';
import { checkVersionText, edit, join, locate, required } from './text';
import { expandMembers } from './members';
import { yamlStrings } from './yamlText';
import type { EcosystemAdapter, FileEdit, RepoFiles, VersionInfo } from './types';

const MANIFEST = 'package.json';
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];

async function manifest(files: RepoFiles, dir: string) {
  const file = join(dir, MANIFEST);
  const text = await required(files, file, 'the npm package manifest');
  return { file, text, info: readManifest(text, file) };
}

async function readVersion(dir: string, files: RepoFiles): Promise<VersionInfo> {
  const { file, text, info } = await manifest(files, dir);
  const version = manifestVersion(text, file);
  const node = findNodeAtLocation(parseTree(text)!, ['version'])!;
  return { name: info.name, version, where: `${file} version`, location: locate(file, text, node.offset + 1), warnings: [] };
}

async function writeVersion(dir: string, files: RepoFiles, version: string): Promise<FileEdit[]> {
  const { file, text } = await manifest(files, dir);
  manifestVersion(text, file);
  return edit(file, text, setManifestVersion(text, checkVersionText(version), file));
}

/** Workspace globs of the manifest in `dir` (npm/yarn `workspaces`, else `pnpm-workspace.yaml` `packages`). */
export async function workspacePatterns(dir: string, files: RepoFiles): Promise<{ patterns: string[]; from: string }> {
  const { file, info } = await manifest(files, dir);
  if (info.workspaces.length) return { patterns: info.workspaces, from: file };
  const pnpmFile = join(dir, 'pnpm-workspace.yaml');
  const pnpm = await files.read(pnpmFile);
  return { patterns: pnpm === null ? [] : yamlStrings(pnpm, pnpmFile, 'packages'), from: pnpmFile };
}

async function members(dir: string, files: RepoFiles): Promise<string[]> {
  const { patterns, from } = await workspacePatterns(dir, files);
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return include.length ? (await expandMembers(files, dir, include, MANIFEST, from, exclude)).filter((d) => d !== dir) : [];
}

/** The lockfile of `dir` with the root's and the members' entries at their new versions, and the ranges recorded for them moved as in the manifests. */
async function lockfiles(dir: string, files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]> {
  const moves = await movingNames(files, versions);
  const out: FileEdit[] = [];
  for (const name of LOCKFILES) {
    const file = join(dir, name);
    const text = await files.read(file);
    if (text === null) continue;
    let after = text;
    for (const [member, version] of versions) {
      if (member === dir) after = setLockfileVersion(after, checkVersionText(version), file);
      else after = setLockfileWorkspaceVersion(after, dir === '.' ? member : member.slice(dir.length + 1), checkVersionText(version), file);
    }
    after = setLockfileRanges(after, moves, file);
    out.push(...edit(file, text, after));
  }
  return out;
}

/**
 * Internal ranges on moved members follow their new versions (operator kept); `workspace:` ranges
 * stay, and so does a range the member's current version does not satisfy (it names a published
 * version: npm installs it from the registry rather than linking the member).
 */
async function dependencyEdits(dir: string, files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]> {
  return rangeEdits([dir, ...(await members(dir, files))], files, versions);
}

/** Package name → its current version (from the manifest; null when none) and the version it moves to, for the members that move. */
async function movingNames(files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<Map<string, { from: string | null; to: string }>> {
  const names = new Map<string, { from: string | null; to: string }>();
  for (const [member, version] of versions) {
    const text = await files.read(join(member, MANIFEST));
    if (text === null) continue; // lerna.json's own version (no package.json at the root)
    const info = readManifest(text, join(member, MANIFEST));
    if (info.name) names.set(info.name, { to: checkVersionText(version), from: info.version !== null && semver.valid(info.version) ? info.version : null });
  }
  return names;
}

/** The range edits of `dependencyEdits` in the manifests of `dirs` (lerna: its own member list). */
export async function rangeEdits(dirs: readonly string[], files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]> {
  const names = await movingNames(files, versions);
  const out: FileEdit[] = [];
  for (const member of dirs) {
    const file = join(member, MANIFEST);
    const text = await files.read(file);
    if (text === null) continue; // a lerna root without package.json
    readManifest(text, file);
    let after = text;
    // The manifest's own dependencies, looked up among the moving names (not every name looked up in the manifest).
    for (const { field, name, range } of dependencyRanges(text, file)) {
      const moving = names.get(name);
      const next = moving ? movedRange(range, moving.from, moving.to) : null;
      if (next !== null) after = applyEdits(after, modify(after, [field, name], next, {}));
    }
    out.push(...edit(file, text, after));
  }
  return out;
}

async function detect(dir: string, files: RepoFiles) {
  return (await files.read(join(dir, MANIFEST))) === null ? null : { ecosystem: 'npm' as const, dir, manifests: [join(dir, MANIFEST)] };
}

export const npm: EcosystemAdapter = { id: 'npm', detect, readVersion, writeVersion, members, lockfiles, dependencyEdits };
