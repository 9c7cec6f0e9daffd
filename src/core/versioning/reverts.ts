import type { ConventionalCommit } from './commits';

type RevertInfo = Pick<ConventionalCommit, 'sha' | 'header' | 'revert'>;

/**
 * Drops each revert together with the commit it reverts when both are in the range, as
 * conventional-commits-filter does for conventional-recommended-bump: a reverted feature is no feature.
 * A revert of a commit outside the range stays (it is a change of this release).
 *
 * A revert names its commit by sha, and the header must match too (every captured field equal after
 * trim, as the filter's rule). Unlike the filter, the result does not depend on the order of `commits`:
 * reverts are resolved from the outermost one inward (a revert of a revert cancels that revert, which
 * then cancels nothing), which is what the filter gives for git's newest-first order. When two reverts
 * name the same commit, the first listed that is still standing pairs with it and the other stays.
 * Linear in the commits.
 */
export function withoutRevertedCommits<T extends RevertInfo>(commits: readonly T[]): T[] {
  const bySha = new Map<string, T[]>();
  for (const c of commits) {
    const list = bySha.get(c.sha);
    if (list) list.push(c);
    else bySha.set(c.sha, [c]);
  }
  // target.get(R): the commit revert R names; reverters.get(X): the reverts naming X, in list order.
  const target = new Map<T, T>();
  const reverters = new Map<T, T[]>();
  for (const r of commits) {
    const named = revertTarget(r, bySha);
    if (named) {
      target.set(r, named);
      const list = reverters.get(named);
      if (list) list.push(r);
      else reverters.set(named, [r]);
    }
  }
  if (target.size === 0) return commits.slice();

  // Kahn's order over "R reverts X": once every revert naming X is decided, the first of them still
  // standing pairs with X (in git's order: the newest, as the filter does); then X itself is decided.
  const dropped = new Set<T>();
  const undecided = new Map<T, number>();
  for (const [x, list] of reverters) undecided.set(x, list.length);
  const decided = [...target.keys()].filter((r) => !reverters.has(r));
  for (let i = 0; i < decided.length; i++) {
    const x = target.get(decided[i])!;
    const left = undecided.get(x)! - 1;
    undecided.set(x, left);
    if (left > 0) continue;
    const r = dropped.has(x) ? undefined : reverters.get(x)!.find((c) => !dropped.has(c));
    if (r) dropped.add(r).add(x);
    if (target.has(x)) decided.push(x);
  }
  // Reverts in a cycle (impossible with real shas) are never ready, and nothing of them is dropped.
  return dropped.size ? commits.filter((c) => !dropped.has(c)) : commits.slice();
}

function revertTarget<T extends RevertInfo>(r: T, bySha: Map<string, T[]>): T | undefined {
  if (!r.revert || r.revert.header === null || r.revert.sha === null) return undefined;
  const header = r.revert.header.trim();
  return bySha.get(r.revert.sha.trim())?.find((c) => c !== r && c.header.trim() === header);
}
