import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { SdlcError } from '../errors';
import type { Git, GitHubRepoRef } from '../git/git';
import { DEFAULT_CHANGELOG_SECTIONS, prependChangelog, renderChangelogSection, type ChangelogSectionConfig } from './changelog';
import { readCommits } from './commits';
import { findLastRelease } from './lastRelease';
import { manifestVersion, readManifest, setLockfileVersion, setManifestVersion } from './manifest';
import { isReleaseType, nextVersion, parseVersion, type ReleaseType } from './nextVersion';
import { recommendBump } from './recommend';
import { compileTagFormat, DEFAULT_TAG_FORMAT, MONOREPO_TAG_FORMAT } from './tagFormat';
import { setFileVersion, type VersionFileConfig } from './versionFiles';

export interface PlanReleaseOptions {
  /** Package folder relative to the repository root, `/`-separated; default `.`. */
  packageDir?: string;
  /** `auto` (default: the recommended bump), a release type, or an exact version. */
  bump?: 'auto' | ReleaseType | string;
  preid?: string;
  /** Default `v${version}` at the root, `${name}@${version}` for a package in a subfolder. */
  tagFormat?: string;
  /** Changelog file relative to the package folder (default `CHANGELOG.md`), or false for none. */
  changelog?: string | false;
  sections?: readonly ChangelogSectionConfig[];
  github?: GitHubRepoRef | null;
  /** YYYY-MM-DD of the release; default today (UTC). */
  date?: string;
  preMajor?: boolean;
  /** Extra files holding the version (`versioning.versionFiles`), paths relative to the REPOSITORY root. */
  versionFiles?: readonly VersionFileConfig[];
  /** Reads a work-tree file by repository-relative path; null when missing. Default: the file system. */
  readFile?: (relativePath: string) => Promise<string | null>;
  signal?: AbortSignal;
}

export interface PlannedFile {
  /** Repository-relative, `/`-separated. */
  path: string;
  /** null when the file is created. */
  before: string | null;
  after: string;
}

/** The `sdlc bump --json` document: everything a release would do, nothing done yet. */
export interface ReleasePlan {
  package: string;
  packageDir: string;
  current: string;
  next: string;
  releaseType: string;
  reason: string;
  tag: string;
  previousTag: string | null;
  commits: Array<{ sha: string; type: string; scope: string | null; subject: string; breaking: boolean }>;
  changelog: string;
  files: PlannedFile[];
  warnings: string[];
  /* ---- from the planning service (service.ts) ---- */
  /** The ecosystem whose manifest holds the version; null when only tags do. */
  ecosystem?: string | null;
  /** One line for a person: where the version lives (the adapter's description). */
  where?: string;
  /** Where `current` came from: the manifest, the last release tag (none, or a placeholder behind it), or neither. */
  currentSource?: 'manifest' | 'tag' | 'none';
  /** Folders moved to `next` with this package (lerna fixed mode, Cargo members inheriting the workspace version). */
  members?: string[];
}

/** Plans a release of one package: reads git and files, writes nothing. */
export async function planRelease(git: Pick<Git, 'run' | 'root'>, options: PlanReleaseOptions = {}): Promise<ReleasePlan> {
  const dir = normalizeDir(options.packageDir ?? '.');
  const rel = (file: string) => (dir === '.' ? file : `${dir}/${file}`);
  const read = options.readFile ?? ((p: string) => readWorkTreeFile(git.root, p));
  const warnings: string[] = [];

  const manifestPath = rel('package.json');
  const manifestText = await read(manifestPath);
  const manifest = manifestText === null ? null : readManifest(manifestText, manifestPath);
  const name = manifest?.name ?? (dir === '.' ? path.basename(git.root) : path.posix.basename(dir));
  const format = compileTagFormat(options.tagFormat ?? (dir === '.' ? DEFAULT_TAG_FORMAT : MONOREPO_TAG_FORMAT), name);

  // Every tag name, read alongside (not after the commits): whether the new tag exists is then a lookup.
  const tagNames = git.run(['for-each-ref', '--format=%(refname:strip=2)', 'refs/tags'], { signal: options.signal }).then((out) => new Set(out.split('\n')));
  tagNames.catch(() => undefined); // awaited below; a failure surfaces there
  // The files a plan may touch, read while git works.
  const lockPaths = ['package-lock.json', 'npm-shrinkwrap.json'].map(rel);
  const locks = Promise.all(lockPaths.map((p) => read(p)));
  locks.catch(() => undefined);
  const last = await findLastRelease(git, format, { signal: options.signal });
  const current = manifestText !== null ? manifestVersion(manifestText, manifestPath) : (last?.version ?? '0.0.0');
  if (last && manifestText !== null && last.version !== parseVersion(current).version) {
    warnings.push(`${manifestPath} says ${current} but the last release tag is ${last.tag}; the next version is computed from ${current}.`);
  }

  const commits = (await readCommits(git, { from: last?.tag ?? null, paths: dir === '.' ? [] : [dir], signal: options.signal })).filter((c) => !c.merge);
  const recommendation = recommendBump(commits, { preMajor: options.preMajor, currentVersion: current });
  const bump = options.bump ?? 'auto';
  if (bump === 'auto' && commits.length === 0) {
    throw new SdlcError('NothingToRelease', `No commits${dir === '.' ? '' : ` in ${dir}`} since ${last ? last.tag : 'the first commit'}: nothing to release.`, { usage: true });
  }
  const next = nextVersion(current, bump === 'auto' ? recommendation.releaseType : bump, { preid: options.preid, recommended: recommendation.releaseType });
  const tag = format.format(next);
  if ((await tagNames).has(tag)) {
    throw new SdlcError('TagExists', `The tag ${tag} already exists; delete it or choose another version.`, { usage: true });
  }

  const changelog = renderChangelogSection(commits, {
    version: next,
    tag,
    previousTag: last?.tag ?? null,
    date: options.date,
    github: options.github,
    sections: options.sections ?? DEFAULT_CHANGELOG_SECTIONS,
  });

  const files: PlannedFile[] = [];
  if (manifestText !== null) files.push({ path: manifestPath, before: manifestText, after: setManifestVersion(manifestText, next, manifestPath) });
  const lockTexts = await locks;
  lockPaths.forEach((p, i) => {
    const text = lockTexts[i];
    if (text !== null) files.push({ path: p, before: text, after: setLockfileVersion(text, next, p) });
  });
  for (const vf of options.versionFiles ?? []) {
    const p = normalizeDir(vf.path);
    const planned = files.find((f) => f.path === p);
    const text = planned ? planned.after : await read(p);
    if (text === null) {
      throw new SdlcError('VersionFileMissing', `The version file ${p} (versioning.versionFiles in .sdlc.json) does not exist; fix its path or create it.`, { usage: true });
    }
    const edited = setFileVersion(text, vf.pattern, next, p);
    const other = [...new Set(edited.found)].filter((v) => v !== current && v !== next);
    if (other.length) warnings.push(`${p} said ${other.join(', ')} rather than ${current}; it is set to ${next}.`);
    if (planned) planned.after = edited.text;
    else files.push({ path: p, before: text, after: edited.text });
  }
  if (options.changelog !== false) {
    const p = rel(options.changelog ?? 'CHANGELOG.md');
    const before = await read(p);
    files.push({ path: p, before, after: prependChangelog(before, changelog) });
  }

  return {
    package: name,
    packageDir: dir,
    current,
    next,
    releaseType: isReleaseType(bump) ? bump : bump === 'auto' ? recommendation.releaseType : 'exact',
    reason: bump === 'auto' ? recommendation.reason : `${bump} requested (recommended: ${recommendation.releaseType}, ${recommendation.reason})`,
    tag,
    previousTag: last?.tag ?? null,
    commits: commits.map((c) => ({ sha: c.sha, type: c.type, scope: c.scope, subject: c.subject, breaking: c.breaking })),
    changelog,
    files,
    warnings,
  };
}

function normalizeDir(dir: string): string {
  const d = path.posix.normalize(dir.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (d.startsWith('..') || path.posix.isAbsolute(d)) {
    throw new SdlcError('InvalidPackage', `The package folder "${dir}" must be inside the repository.`, { usage: true });
  }
  return d === '' ? '.' : d;
}

async function readWorkTreeFile(root: string, relativePath: string): Promise<string | null> {
  try {
    return await readFile(path.join(root, ...relativePath.split('/')), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
