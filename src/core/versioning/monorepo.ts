/**
 * Monorepos: the packages of a repository (`packages` of `.sdlc.json`, else npm `workspaces` of the
 * root `package.json`, else the root alone), and the release of every package that changed since
 * its own tag, planned together so that internal dependency ranges follow the new versions and each
 * file is written once.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SdlcError } from '../errors';
import type { Git } from '../git/git';
import { readManifest, setDependencyVersion, setLockfileWorkspaceVersion } from './manifest';
import { planRelease, type PlannedFile, type PlanReleaseOptions, type ReleasePlan } from './plan';
import type { VersionFileConfig } from './versionFiles';

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

export interface PlanReleasesOptions extends Omit<PlanReleaseOptions, 'packageDir' | 'versionFiles'> {
  /** Package folders (discoverPackages); default: discovered from `config`. */
  packages?: readonly string[];
  config?: { packages?: readonly string[] };
  /** Release only these folders (a subset of `packages`, e.g. `sdlc bump --package`): planned even without commits when the bump is explicit, and `NothingToRelease` is an error. */
  only?: readonly string[];
  /** Assigned to the package whose folder holds them (the deepest), else to the root package. */
  versionFiles?: readonly VersionFileConfig[];
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

/**
 * Plans the release of every package whose folder changed since its own last tag (packages with no
 * commits are left out; with an explicit bump too), then moves the ranges of internal dependencies
 * in every package of the repository to the new versions (operator kept) and the versions of the
 * workspace entries of the root lockfile. Each file appears in exactly one plan. Empty when nothing
 * changed. Writes nothing.
 */
export async function planReleases(git: Pick<Git, 'run' | 'root'>, options: PlanReleasesOptions = {}): Promise<ReleasePlan[]> {
  const dirs = options.packages ? [...options.packages] : await discoverPackages(git.root, options.config);
  const read = options.readFile ?? ((p: string) => fs.readFile(path.join(git.root, ...p.split('/')), 'utf8').catch(() => null));
  const monorepo = dirs.length > 1 || dirs[0] !== '.' || (options.only ?? []).some((d) => d !== '.');
  if (dirs.length > 1 && options.tagFormat && !options.tagFormat.includes('${name}')) {
    throw new SdlcError('InvalidTagFormat', `The tag format "${options.tagFormat}" has no \${name}, so the ${dirs.length} packages would share their tags; use e.g. "\${name}@\${version}".`, { usage: true });
  }
  const plans: ReleasePlan[] = [];
  const targets = options.only ? [...options.only] : dirs;
  const owners = [...new Set([...dirs, ...targets])];
  for (const dir of targets) {
    const versionFiles = (options.versionFiles ?? []).filter((vf) => owningPackage(owners, vf.path.replace(/\\/g, '/')) === dir);
    let plan: ReleasePlan;
    try {
      plan = await planRelease(git, { ...options, readFile: read, packageDir: dir, versionFiles });
    } catch (e) {
      if (!options.only && e instanceof SdlcError && e.code === 'NothingToRelease') continue;
      throw e;
    }
    if (!options.only && plan.commits.length === 0) continue;
    plans.push(plan);
  }
  if (!monorepo || plans.length === 0) return plans;

  // The files of the plans, by path, to chain edits on what is already planned.
  const planned = new Map<string, { file: PlannedFile; plan: ReleasePlan }>();
  for (const plan of plans) for (const file of plan.files) planned.set(file.path, { file, plan });
  const fileOf = async (p: string, cause: ReleasePlan): Promise<PlannedFile | null> => {
    const hit = planned.get(p);
    if (hit) return hit.file;
    const text = await read(p);
    if (text === null) return null;
    const file: PlannedFile = { path: p, before: text, after: text };
    planned.set(p, { file, plan: cause });
    cause.files.push(file);
    return file;
  };

  const manifests = dirs.map((d) => (d === '.' ? 'package.json' : `${d}/package.json`));
  for (const plan of plans) {
    for (const manifest of manifests) {
      const known = planned.get(manifest)?.file.after ?? (await read(manifest));
      if (known === null || setDependencyVersion(known, plan.package, plan.next, manifest) === known) continue;
      const file = (await fileOf(manifest, plan))!;
      file.after = setDependencyVersion(file.after, plan.package, plan.next, manifest);
    }
    if (plan.packageDir !== '.') {
      for (const lock of ['package-lock.json', 'npm-shrinkwrap.json']) {
        const known = planned.get(lock)?.file.after ?? (await read(lock));
        if (known === null || setLockfileWorkspaceVersion(known, plan.packageDir, plan.next, lock) === known) continue;
        const file = (await fileOf(lock, plan))!;
        file.after = setLockfileWorkspaceVersion(file.after, plan.packageDir, plan.next, lock);
      }
    }
  }
  // A file touched only by dependency edits that ended up unchanged is left out.
  for (const plan of plans) plan.files = plan.files.filter((f) => f.before !== f.after);
  return plans;
}
