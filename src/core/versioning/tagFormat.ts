import semver from 'semver';
import { SdlcError } from '../errors';
import { validateRefName } from '../git/refName';

/** The default tag of a single-package repository. */
export const DEFAULT_TAG_FORMAT = 'v${version}';
/** The default tag of a package in a monorepo. */
export const MONOREPO_TAG_FORMAT = '${name}@${version}';

/**
 * The tags of a package in a monorepo, when the configuration names no format: the first of these
 * its existing tags follow (lerna and changesets `name@1.2.3`, release-please `name-v1.2.3`,
 * cargo-release and ripgrep's crates `name-1.2.3`, `name/v1.2.3`), else MONOREPO_TAG_FORMAT.
 */
export const MONOREPO_TAG_CONVENTIONS: readonly string[] = [MONOREPO_TAG_FORMAT, '${name}-v${version}', '${name}-${version}', '${name}/v${version}'];

/**
 * The tag template of each package of a monorepo whose configuration names none: the first of
 * MONOREPO_TAG_CONVENTIONS under which `tagNames` hold a release of it; for a package without one (a
 * new crate) the convention most of the others follow; else MONOREPO_TAG_FORMAT.
 */
export function monorepoTagFormats(names: readonly string[], tagNames: Iterable<string>): Map<string, string> {
  const all = [...tagNames];
  const own = new Map(names.map((name) => [name, conventionOf(name, all)]));
  const counts = new Map<string, number>();
  for (const t of own.values()) if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
  const usual = [...counts].sort((a, b) => b[1] - a[1] || MONOREPO_TAG_CONVENTIONS.indexOf(a[0]) - MONOREPO_TAG_CONVENTIONS.indexOf(b[0]))[0]?.[0] ?? MONOREPO_TAG_FORMAT;
  return new Map(names.map((name) => [name, own.get(name) ?? usual]));
}

/** The first of MONOREPO_TAG_CONVENTIONS under which `tagNames` hold a release of package `name`, or null. */
function conventionOf(name: string, tagNames: readonly string[]): string | null {
  const names = tagNames.filter((t) => t.startsWith(name)); // (a cheap pass first: every convention starts with the name)
  for (const template of MONOREPO_TAG_CONVENTIONS) {
    let format: TagFormat;
    try {
      format = compileTagFormat(template, name);
    } catch {
      continue; // (a name no tag of this convention can carry)
    }
    if (names.some((t) => format.parse(t) !== null)) return template;
  }
  return null;
}

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
