import semver from 'semver';
import { SdlcError } from '../errors';
import type { BaseReleaseType } from './recommend';

/** What a person can ask for; anything else is read as an exact version. */
export const RELEASE_TYPES = ['major', 'minor', 'patch', 'premajor', 'preminor', 'prepatch', 'prerelease', 'promote'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];

export interface NextVersionOptions {
  /** Prerelease identifier (`rc`, `beta`); prerelease numbering starts at 0 (`1.3.0-rc.0`). */
  preid?: string;
  /**
   * The recommended bump, used by `prerelease` on a stable version (1.2.3 + minor → 1.3.0-rc.0) and to
   * leave a prerelease line when the changes outgrow it (1.3.0-rc.1 + major → 2.0.0-rc.0).
   */
  recommended?: BaseReleaseType;
}

export function isReleaseType(value: string): value is ReleaseType {
  return (RELEASE_TYPES as readonly string[]).includes(value);
}

/** Parses a version as written in a manifest or a tag; a clear usage error when it is not semver. */
export function parseVersion(version: string, what = 'current version'): semver.SemVer {
  const v = semver.parse(version);
  if (!v) {
    throw new SdlcError('InvalidVersion', `The ${what} "${version}" is not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 1.2.3).`, { usage: true });
  }
  return v;
}

/**
 * The version after `current` for a release type or an exact version. The result is always greater
 * than `current`; when it would not be, an SdlcError (usage) says why.
 */
export function nextVersion(current: string, bump: ReleaseType | string, options: NextVersionOptions = {}): string {
  const cur = parseVersion(current);
  const preid = options.preid?.trim() || undefined;
  if (preid !== undefined && !/^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/.test(preid)) {
    throw new SdlcError('InvalidPreid', `The prerelease id "${preid}" may only contain letters, digits, "-" and ".".`, { usage: true });
  }
  let next: string | null;
  if (!isReleaseType(bump)) {
    const exact = semver.parse(bump.trim().replace(/^v(?=\d)/, ''));
    if (!exact) {
      throw new SdlcError('InvalidVersion', `"${bump}" is neither a release type (${RELEASE_TYPES.join(', ')}) nor a semantic version such as 1.2.3.`, { usage: true });
    }
    if (!semver.gt(exact, cur)) {
      throw new SdlcError('VersionNotGreater', `The version ${exact.version} is not greater than the current version ${cur.version}.`, { usage: true });
    }
    return exact.version;
  }
  switch (bump) {
    case 'promote':
      if (cur.prerelease.length === 0) {
        throw new SdlcError('NotAPrerelease', `${cur.version} is not a prerelease, so there is nothing to promote; choose patch, minor or major.`, { usage: true });
      }
      next = `${cur.major}.${cur.minor}.${cur.patch}`;
      break;
    case 'prerelease':
      next = semver.inc(cur, prereleaseType(cur, options.recommended), {}, preid, '0');
      break;
    default:
      next = semver.inc(cur, bump, {}, preid, '0');
  }
  if (!next || !semver.gt(next, cur)) {
    throw new SdlcError(
      'VersionNotGreater',
      `A ${bump} of ${cur.version}${preid ? ` with prerelease id "${preid}"` : ''} would give ${next ?? 'no version'}, which is not greater; ` +
        `use an id that sorts after "${cur.prerelease[0] ?? ''}", or promote the prerelease.`,
      { usage: true },
    );
  }
  return next;
}

/**
 * Which semver increment a `prerelease` is (the rules of standard-version): continue the current
 * prerelease line unless the recommended change is bigger than the line's own bump.
 */
function prereleaseType(cur: semver.SemVer, recommended: BaseReleaseType | undefined): semver.ReleaseType {
  if (cur.prerelease.length === 0) return recommended ? `pre${recommended}` : 'prepatch';
  if (!recommended) return 'prerelease';
  const line: BaseReleaseType = cur.patch !== 0 ? 'patch' : cur.minor !== 0 ? 'minor' : 'major';
  const rank = { major: 0, minor: 1, patch: 2 } as const;
  return rank[recommended] < rank[line] ? `pre${recommended}` : 'prerelease';
}
