import type { ConventionalCommit } from './commits';

/**
 * Drops each revert together with the commit it reverts when both are in the range (newest first),
 * as conventional-commits-filter does for conventional-recommended-bump: a reverted feature is no
 * feature. A revert of a commit outside the range stays (it is a change of this release).
 */
export function withoutRevertedCommits<T extends Pick<ConventionalCommit, 'sha' | 'header' | 'revert'>>(commits: readonly T[]): T[] {
  const pending: T[] = [];
  const dropped = new Set<T>();
  for (const commit of commits) {
    const i = pending.findIndex((r) => matchesRevert(commit, r.revert!));
    if (i >= 0) {
      dropped.add(commit).add(pending[i]);
      pending.splice(i, 1);
    } else if (commit.revert) {
      pending.push(commit);
    }
  }
  return dropped.size ? commits.filter((c) => !dropped.has(c)) : commits.slice();
}

function matchesRevert(commit: Pick<ConventionalCommit, 'sha' | 'header'>, revert: { header: string | null; sha: string | null }): boolean {
  // Same rule as the filter: every captured field equal after trim (`header`, and `hash` against the full sha).
  return revert.header !== null && revert.sha !== null && commit.header.trim() === revert.header.trim() && commit.sha === revert.sha.trim();
}
