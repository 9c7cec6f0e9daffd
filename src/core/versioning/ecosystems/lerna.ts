/**
 * lerna.json: fixed mode (one `version` for every package, kept in lerna.json; tag `v${version}`) or
 * `"version": "independent"` (each package keeps its own version; tags `name@version`). Packages
 * from lerna.json `packages`, else the npm/yarn/pnpm workspaces; lockfiles and ranges as for npm.
 */
import { applyEdits, findNodeAtLocation, modify, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { badInput, checkVersionText, edit, join, locate, required } from './text';
import { expandMembers } from './members';
import { npm, rangeEdits, workspacePatterns } from './npm';
import type { EcosystemAdapter, FileEdit, RepoFiles, VersionInfo } from './types';

const LERNA = 'lerna.json';

async function config(dir: string, files: RepoFiles) {
  const file = join(dir, LERNA);
  const text = await required(files, file, 'the lerna configuration');
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  if (errors.length || !root || root.type !== 'object') throw badInput('InvalidJson', locate(file, text, errors[0]?.offset ?? 0), 'not a valid JSON object. Fix the file and try again.');
  const version = findNodeAtLocation(root, ['version']);
  if (!version || version.type !== 'string') throw badInput('MissingVersion', locate(file, text, version?.offset ?? 0), 'no "version" (a version such as "1.0.0" for fixed mode, or "independent").');
  return { file, text, root, version };
}

/** Is this lerna.json in independent mode? */
export async function lernaIndependent(dir: string, files: RepoFiles): Promise<boolean> {
  return (await config(dir, files)).version.value === 'independent';
}

/** Member folders (no lerna.json of their own) are npm packages. */
async function isMember(dir: string, files: RepoFiles): Promise<boolean> {
  return (await files.read(join(dir, LERNA))) === null && (await files.read(join(dir, 'package.json'))) !== null;
}

async function readVersion(dir: string, files: RepoFiles): Promise<VersionInfo> {
  if (await isMember(dir, files)) return npm.readVersion(dir, files);
  const { file, text, version } = await config(dir, files);
  const location = locate(file, text, version.offset + 1);
  if (version.value === 'independent') {
    return { name: null, version: null, where: `${file} "independent": each package keeps its own version (tags name@version)`, location, warnings: [] };
  }
  return { name: null, version: version.value as string, where: `${file} version (fixed mode: every package released at this version, tag v\${version})`, location, warnings: [] };
}

async function writeVersion(dir: string, files: RepoFiles, version: string): Promise<FileEdit[]> {
  if (await isMember(dir, files)) return npm.writeVersion(dir, files, version);
  const { file, text, version: node } = await config(dir, files);
  if (node.value === 'independent') return [];
  return edit(file, text, applyEdits(text, modify(text, ['version'], checkVersionText(version), {})));
}

async function members(dir: string, files: RepoFiles): Promise<string[]> {
  const { file, root } = await config(dir, files);
  const packages = findNodeAtLocation(root as Node, ['packages']);
  const patterns = (packages?.children ?? []).filter((n) => n.type === 'string').map((n) => n.value as string);
  if (patterns.length) return (await expandMembers(files, dir, patterns, 'package.json', file)).filter((d) => d !== dir);
  const ws = (await files.read(join(dir, 'package.json'))) === null ? { patterns: [] } : await workspacePatterns(dir, files);
  return ws.patterns.length ? npm.members!(dir, files) : (await expandMembers(files, dir, ['packages/*'], 'package.json', file)).filter((d) => d !== dir);
}

async function detect(dir: string, files: RepoFiles) {
  return (await files.read(join(dir, LERNA))) === null ? null : { ecosystem: 'lerna' as const, dir, manifests: [join(dir, LERNA)] };
}

export const lerna: EcosystemAdapter = {
  id: 'lerna',
  detect,
  readVersion,
  writeVersion,
  members,
  lockfiles: (dir, files, versions) => npm.lockfiles!(dir, files, new Map([...versions].filter(([d]) => d !== dir))),
  dependencyEdits: async (dir, files, versions) => rangeEdits([dir, ...(await members(dir, files))], files, versions),
};
