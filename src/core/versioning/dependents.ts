/**
 * Dependents that must be released because a package they depend on moves.
 *
 * - lerna (fixed and independent mode) releases every package with a LOCAL dependency on a package
 *   that moves, transitively (lerna's collect-updates: changed packages plus their dependents). A
 *   dependency is local when it is a `workspace:` / `file:` / `link:` spec, or a range the package's
 *   current version satisfies (otherwise it names a published version: lerna's package graph).
 * - npm / yarn / pnpm workspaces (and `.sdlc.json` packages): a dependent follows when its range
 *   matched the old version, no longer matches the new one, and the release rewrites it (a plain
 *   operator + version: `~1.0.0` → `~1.1.0`); ranges that still match are rewritten without a release
 *   of their own; a devDependency never makes its package follow (it does not reach the package's
 *   users: changesets' rule). A range that stops matching but cannot be rewritten (`>=1 <2`) is a
 *   warning.
 */
import semver from 'semver';
import { updateRange } from './manifest';

export type FollowMode = 'lerna' | 'npm';

export interface WorkspacePackage {
  /** Its folder (unique). */
  dir: string;
  name: string;
  /** The version the plan starts from. */
  version: string;
  /** `field`: dependencies, devDependencies, peerDependencies or optionalDependencies (default dependencies). */
  dependencies: ReadonlyArray<{ name: string; range: string; field?: string }>;
}

/** Why a package follows: the dependency that moved, to which version, and the range naming it. */
export interface Follow {
  dependency: string;
  from: string;
  to: string;
  range: string;
}

const LOCAL_PROTOCOL = /^(workspace|file|link):/;

/** lerna's package graph: is this spec a link to the workspace package at `version`? */
export function isLocalLink(range: string, version: string): boolean {
  if (LOCAL_PROTOCOL.test(range)) return true;
  const r = semver.validRange(range, { loose: false });
  return r !== null && semver.satisfies(version, r, { includePrerelease: true });
}

/** npm mode: does a dependent with `range` on a package moving `from` → `to` have to be released? */
export function rangeLeftBehind(range: string, from: string, to: string): 'follow' | 'stuck' | null {
  if (LOCAL_PROTOCOL.test(range)) return null; // left alone: the package manager resolves it at publish
  const r = semver.validRange(range);
  if (r === null || !semver.satisfies(from, r, { includePrerelease: true }) || semver.satisfies(to, r, { includePrerelease: true })) return null;
  return updateRange(range, to) === null ? 'stuck' : 'follow';
}

/**
 * The packages that follow the ones in `moved` (folder → new version), transitively: folder → why.
 * `bump(pkg)` is the version a follower moves to (its own moves may take further dependents along).
 * `stuck` collects the ranges that stop matching and that the release cannot rewrite (npm mode).
 */
export function dependentsToFollow(
  packages: readonly WorkspacePackage[],
  moved: ReadonlyMap<string, string>,
  mode: FollowMode,
  bump: (pkg: WorkspacePackage) => string,
  stuck: Array<{ dir: string } & Follow> = [],
): Map<string, Follow> {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const byDir = new Map(packages.map((p) => [p.dir, p]));
  const next = new Map(moved);
  const out = new Map<string, Follow>();
  const queue = [...moved.keys()];
  for (let i = 0; i < queue.length; i++) {
    const dep = byDir.get(queue[i]);
    if (!dep || byName.get(dep.name) !== dep) continue;
    const to = next.get(dep.dir)!;
    for (const p of packages) {
      if (p === dep || next.has(p.dir)) continue;
      for (const d of p.dependencies) {
        if (d.name !== dep.name) continue;
        let verdict: 'follow' | 'stuck' | null;
        if (mode === 'lerna') verdict = isLocalLink(d.range, dep.version) ? 'follow' : null;
        else verdict = rangeLeftBehind(d.range, dep.version, to);
        if (verdict === 'stuck') stuck.push({ dir: p.dir, dependency: dep.name, from: dep.version, to, range: d.range });
        if (verdict !== 'follow' || next.has(p.dir) || (mode === 'npm' && d.field === 'devDependencies')) continue;
        out.set(p.dir, { dependency: dep.name, from: dep.version, to, range: d.range });
        next.set(p.dir, bump(p));
        queue.push(p.dir);
      }
    }
  }
  return out;
}

/** lerna's isBreakingChange: a major move, a minor one below 1.0.0, a patch one below 0.1.0. */
export function isBreakingMove(from: string, to: string): boolean {
  const type = semver.diff(from, to);
  if (type === 'major') return true;
  if (type === 'minor') return semver.lt(from, '1.0.0');
  if (type === 'patch') return semver.lt(from, '0.1.0');
  return false;
}
