/**
 * Monorepos: the package folders of a repository (`packages` of `.sdlc.json`, else npm `workspaces`
 * of the root `package.json`, else the root alone), and which package holds a file. Planning is the
 * planning service's (service.ts).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SdlcError } from '../errors';
import { readManifest } from './manifest';

/** Folders never searched for packages. */
const SKIPPED = new Set(['node_modules', '.git']);

/**
 * Package folders relative to the root, `/`-separated, sorted; `.` for the root. Globs support `*`
 * and `**` per path segment and a leading `!` to exclude. A folder matched by a glob is a package
 * when it has a `package.json` (a literal folder is one even without), or when `isPackage` says so
 * (the planning service: a manifest of any ecosystem).
 */
export async function discoverPackages(root: string, config: { packages?: readonly string[] } = {}, isPackage?: (dir: string) => Promise<boolean>): Promise<string[]> {
  let patterns = config.packages;
  if (!patterns || patterns.length === 0) {
    const text = await fs.readFile(path.join(root, 'package.json'), 'utf8').catch(() => null);
    const workspaces = text === null ? [] : readManifest(text, 'package.json').workspaces;
    patterns = workspaces.length ? workspaces : ['.'];
  }
  const include = new Set<string>();
  const exclude = new Set<string>();
  for (const raw of patterns) {
    const negative = raw.startsWith('!');
    const pattern = normalizePattern(negative ? raw.slice(1) : raw);
    const literal = !/[*?[]/.test(pattern);
    const found = literal ? [pattern] : await expand(root, pattern.split('/'));
    for (const dir of found) {
      if (negative) exclude.add(dir);
      else if (literal || (isPackage ? await isPackage(dir) : await exists(path.join(root, dir, 'package.json')))) include.add(dir);
    }
  }
  return [...include].filter((d) => !exclude.has(d)).sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a.localeCompare(b)));
}

function normalizePattern(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '').replace(/^\.\//, '');
  if (n.startsWith('..') || path.posix.isAbsolute(n)) {
    throw new SdlcError('InvalidPackage', `The package pattern "${p}" must be inside the repository.`, { usage: true });
  }
  return n === '' ? '.' : n;
}

async function expand(root: string, segments: string[], at = ''): Promise<string[]> {
  if (segments.length === 0) return [at === '' ? '.' : at];
  const [head, ...rest] = segments;
  const children = async () =>
    (await fs.readdir(path.join(root, at), { withFileTypes: true }).catch(() => []))
      .filter((e) => e.isDirectory() && !SKIPPED.has(e.name))
      .map((e) => e.name);
  const join = (name: string) => (at === '' ? name : `${at}/${name}`);
  if (head === '**') {
    const out = await expand(root, rest, at);
    for (const name of await children()) out.push(...(await expand(root, segments, join(name))));
    return out;
  }
  if (!/[*?[]/.test(head)) return expand(root, rest, join(head));
  const re = globSegment(head);
  const out: string[] = [];
  for (const name of await children()) if (re.test(name) && !name.startsWith('.')) out.push(...(await expand(root, rest, join(name))));
  return out;
}

function globSegment(segment: string): RegExp {
  let re = '';
  for (const ch of segment) re += ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** The package folder (of `dirs`) that holds a repository-relative file: the deepest, else `.`. */
export function owningPackage(dirs: readonly string[], file: string): string | null {
  let best: string | null = null;
  for (const d of dirs) {
    if (d === '.' ? true : file.startsWith(`${d}/`)) {
      if (best === null || best === '.' || (d !== '.' && d.length > best.length)) best = d;
    }
  }
  return best;
}
