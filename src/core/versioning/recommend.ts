import type { ConventionalCommit } from './commits';
import { withoutRevertedCommits } from './reverts';

export type BaseReleaseType = 'major' | 'minor' | 'patch';

export interface Recommendation {
  releaseType: BaseReleaseType;
  /** For a person: "2 features, 1 breaking change in api". */
  reason: string;
  breakingChanges: number;
  features: number;
  fixes: number;
  /** Commits the recommendation looked at (merges and reverted pairs left out). */
  commits: number;
}

export interface RecommendOptions {
  /**
   * While the current version is below 1.0.0, a breaking change bumps minor and a feature patch
   * (conventional-recommended-bump's `preMajor`). Applies only when `currentVersion` is 0.x or not given.
   */
  preMajor?: boolean;
  currentVersion?: string;
}

const LEVELS: BaseReleaseType[] = ['major', 'minor', 'patch'];

/**
 * The release type conventional-recommended-bump 11 with the `conventionalcommits` preset gives for the
 * same commits: merge commits and reverted pairs ignored; breaking → major, feat/feature → minor, else patch.
 */
export function recommendBump(commits: readonly ConventionalCommit[], options: RecommendOptions = {}): Recommendation {
  const considered = withoutRevertedCommits(commits.filter((c) => !c.merge));
  let level = 2;
  let breakingChanges = 0;
  let features = 0;
  let fixes = 0;
  let performance = 0; // (a patch like the others; named in the reason, as the changelog has a section for them)
  const breakingScopes = new Set<string>();
  for (const c of considered) {
    if (c.breaking) {
      breakingChanges++;
      if (c.scope) breakingScopes.add(c.scope);
      level = 0;
    } else if (c.type === 'feat' || c.type === 'feature') {
      features++;
      if (level === 2) level = 1;
    } else if (c.type === 'fix') {
      fixes++;
    } else if (c.type === 'perf') {
      performance++;
    }
  }
  const preMajor = options.preMajor === true && (options.currentVersion === undefined || /^v?0\./.test(options.currentVersion));
  if (preMajor && level < 2) level++;

  const parts: string[] = [];
  if (features) parts.push(plural(features, 'feature'));
  if (fixes) parts.push(plural(fixes, 'bug fix', 'bug fixes'));
  if (performance) parts.push(plural(performance, 'performance improvement'));
  if (breakingChanges) parts.push(plural(breakingChanges, 'breaking change') + (breakingScopes.size ? ` in ${[...breakingScopes].join(', ')}` : ''));
  const others = considered.length - features - fixes - performance - breakingChanges;
  if (others) parts.push(plural(others, parts.length ? 'other commit' : 'commit'));
  let reason = parts.length ? parts.join(', ') : 'no commits since the last release';
  if (preMajor && breakingChanges) reason += ' (before 1.0.0 a breaking change is a minor release)';
  else if (preMajor && features) reason += ' (before 1.0.0 a feature is a patch release)';

  return { releaseType: LEVELS[level], reason, breakingChanges, features, fixes, commits: considered.length };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
