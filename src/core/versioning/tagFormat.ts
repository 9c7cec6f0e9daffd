import semver from 'semver';
import { SdlcError } from '../errors';
import { validateRefName } from '../git/refName';

/** The default tag of a single-package repository. */
export const DEFAULT_TAG_FORMAT = 'v${version}';
/** The default tag of a package in a monorepo. */
export const MONOREPO_TAG_FORMAT = '${name}@${version}';

export interface TagFormat {
  /** The tag that names `version`. */
  format(version: string): string;
  /** The version a tag names, or null when the tag does not have this format or names no semver. */
  parse(tag: string): string | null;
}

/** Compiles a format with `${version}` (required) and `${name}` (the package name). */
export function compileTagFormat(template: string, packageName?: string | null): TagFormat {
  const withName = template.includes('${name}')
    ? template.split('${name}').join(requireName(template, packageName))
    : template;
  const parts = withName.split('${version}');
  if (parts.length !== 2) {
    throw new SdlcError('InvalidTagFormat', `The tag format "${template}" must contain \${version} exactly once (e.g. "v\${version}").`, { usage: true });
  }
  const [prefix, suffix] = parts;
  // The rendered tag must be a valid tag name before anything is written (`--no-${version}` would
  // be taken for an option, `v${version}:x` refused by git only after the commit).
  for (const sample of ['1.2.3', '1.2.3-rc.1+build.5']) {
    const tag = `${prefix}${sample}${suffix}`;
    const check = validateRefName(tag, 'tag');
    if (!check.ok) {
      throw new SdlcError('InvalidTagFormat', `The tag format "${template}" gives tags such as "${tag}", which is not a valid git tag name: ${check.reason} Change versioning.tagFormat in .sdlc.json.`, { usage: true });
    }
  }
  return {
    format: (version) => `${prefix}${version}${suffix}`,
    parse(tag) {
      if (tag.length <= prefix.length + suffix.length || !tag.startsWith(prefix) || !tag.endsWith(suffix)) return null;
      const version = tag.slice(prefix.length, tag.length - suffix.length);
      // Strict: `v01.2.3` or `v1.2` are not release tags.
      return semver.valid(version) === version ? version : null;
    },
  };
}

function requireName(template: string, name: string | null | undefined): string {
  if (!name) {
    throw new SdlcError('InvalidTagFormat', `The tag format "${template}" uses \${name}, but the package has no name.`, { usage: true });
  }
  return name;
}

/**
 * The default tag format of a package released with plain version tags: both `v1.2.3` and `1.2.3`
 * name a release (as conventional-recommended-bump reads them); new tags are written `v${version}`,
 * or `${version}` when `style` (the last release tag) has no `v`.
 */
export function lenientTagFormat(style?: string | null): TagFormat & { template: string } {
  const bare = style !== undefined && style !== null && !style.startsWith('v');
  return {
    template: bare ? '${version}' : DEFAULT_TAG_FORMAT,
    format: (version) => (bare ? version : `v${version}`),
    parse(tag) {
      const version = tag.startsWith('v') ? tag.slice(1) : tag;
      return semver.valid(version) === version ? version : null;
    },
  };
}

/** A tag that names a semantic version somewhere in it (`release-1.2.3`, `pkg@1.2.3`, `v1.2.3-rc.1`). */
export function looksLikeVersionTag(tag: string): boolean {
  return /(^|[^0-9])\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(tag);
}
