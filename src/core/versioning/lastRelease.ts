import semver from 'semver';
import { checkRef } from './commits';
import type { GitRunner } from './gitRunner';
import type { TagFormat } from './tagFormat';

export interface LastRelease {
  tag: string;
  version: string;
  /** The commit the tag points at (peeled). */
  sha: string;
}

export interface LastReleaseOptions {
  /** Consider prerelease tags (`v1.3.0-rc.1`); default true, as conventional-recommended-bump does. */
  prereleases?: boolean;
  /** Default HEAD. */
  ref?: string;
  signal?: AbortSignal;
}

/**
 * The release tag with the highest version among the tags reachable from HEAD that match the format;
 * other tags are ignored. null when there is none (then every commit since the root is unreleased).
 * One git call.
 */
export async function findLastRelease(git: GitRunner, format: TagFormat, options: LastReleaseOptions = {}): Promise<LastRelease | null> {
  const out = await git.run(
    ['tag', '--merged', checkRef(options.ref ?? 'HEAD'), '--list', '--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)'],
    { signal: options.signal },
  );
  return pickLastRelease(out, format, options.prereleases ?? true);
}

/** The last output split into [name, sha, peeled] (a monorepo picks from one output once per package). */
let split: { output: string; lines: string[][] } | null = null;

/** Picks the release from `git tag --format=name%00sha%00peeled` lines. */
export function pickLastRelease(output: string, format: TagFormat, prereleases = true): LastRelease | null {
  if (split?.output !== output) split = { output, lines: output.split('\n').map((line) => line.split('\0')) };
  let best: LastRelease | null = null;
  for (const [tag, sha, peeled] of split.lines) {
    if (!tag || !sha) continue;
    const version = format.parse(tag);
    if (!version || (!prereleases && semver.prerelease(version))) continue;
    if (!best || semver.gt(version, best.version)) best = { tag, version, sha: peeled || sha };
  }
  return best;
}
