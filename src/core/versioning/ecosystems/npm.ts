/**
 * npm / yarn / pnpm: `package.json` `version` (read and written through manifest.ts), workspaces from
 * `workspaces` (npm, yarn) or `pnpm-workspace.yaml`, `package-lock.json` / `npm-shrinkwrap.json`
 * entries, and internal dependency ranges (`workspace:` ranges are left alone: pnpm and yarn
 * replace them when publishing).
 */
import { applyEdits, findNodeAtLocation, modify, parseTree, type Node } from 'jsonc-parser';
import { DEPENDENCY_FIELDS, manifestVersion, readManifest, setLockfileVersion, setLockfileWorkspaceVersion, setManifestVersion, updateRange } from '../manifest';
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

/** The lockfile of `dir` with the root's and the members' entries at their new versions. */
async function lockfiles(dir: string, files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]> {
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
    out.push(...edit(file, text, after));
  }
  return out;
}

/** Internal ranges on moved members follow their new versions (operator kept); `workspace:` ranges stay. */
async function dependencyEdits(dir: string, files: RepoFiles, versions: ReadonlyMap<string, string>): Promise<FileEdit[]> {
  const names = new Map<string, string>();
  for (const [member, version] of versions) {
    const { info } = await manifest(files, member);
    if (info.name) names.set(info.name, checkVersionText(version));
  }
  const out: FileEdit[] = [];
  for (const member of [dir, ...(await members(dir, files))]) {
    const { file, text } = await manifest(files, member);
    let after = text;
    const root = parseTree(text) as Node;
    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, version] of names) {
        const node = findNodeAtLocation(root, [field, name]);
        if (!node || node.type !== 'string' || (node.value as string).startsWith('workspace:')) continue;
        const next = updateRange(node.value as string, version);
        if (next !== null && next !== node.value) after = applyEdits(after, modify(after, [field, name], next, {}));
      }
    }
    out.push(...edit(file, text, after));
  }
  return out;
}

async function detect(dir: string, files: RepoFiles) {
  return (await files.read(join(dir, MANIFEST))) === null ? null : { ecosystem: 'npm' as const, dir, manifests: [join(dir, MANIFEST)] };
}

export const npm: EcosystemAdapter = { id: 'npm', detect, readVersion, writeVersion, members, lockfiles, dependencyEdits };
