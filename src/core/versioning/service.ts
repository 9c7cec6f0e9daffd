/**
 * The planning service: for a repository, every releasable package (found through the ecosystem
 * adapters), where its version lives, its last release, its commits, its next release and the exact
 * files the release writes. The Versions view and `sdlc bump` only present what it returns.
 *
 * - Packages: `packages` of `.sdlc.json` when set; else the root's ecosystem decides — a lerna.json
 *   in fixed mode is ONE release unit (its version in lerna.json, tag `v${version}`, every changed
 *   package moved to it); npm/yarn/pnpm workspaces, lerna independent and Cargo workspaces give one
 *   package per member (a Cargo member with `version.workspace = true` moves with the workspace
 *   version, released at the root); a private root package.json is not a package.
 *   `versioning.ecosystems` (folder → ecosystem) settles a folder two ecosystems claim;
 *   `versioning.exclude` (folders or globs) leaves packages out.
 * - History: ONE `git tag --merged HEAD`, ONE `for-each-ref` of tag names and ONE `git log
 *   --name-only` over the widest range any package needs (history.ts), whatever the number of packages.
 * - The current version is the manifest's, unless it is behind the last release tag (a placeholder
 *   such as 0.0.0-development): then it is the tag's (`currentSource: 'tag'`, and a warning).
 * - Files: each adapter's edits (manifests, workspace roots, lockfiles, internal requirements),
 *   `versioning.versionFiles`, and the changelog; each file in exactly one plan.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import semver from 'semver';
import { SdlcError } from '../errors';
import { assertInside } from '../transaction/containment';
import type { Git, GitHubRepoRef } from '../git/git';
import { DEFAULT_CHANGELOG_SECTIONS, prependChangelog, renderChangelogSection, type ChangelogSectionConfig } from './changelog';
import { adapterFor, cargo, createHelmAdapter, detectEcosystem, diskFiles, ECOSYSTEMS, lerna, lernaIndependent, matchSegment, npm, releaseEdits } from './ecosystems';
import type { EcosystemAdapter, EcosystemId, FileEdit, RepoFiles } from './ecosystems';
import { dependentsToFollow, isBreakingMove, type Follow, type FollowMode, type WorkspacePackage } from './dependents';
import { commitsSince, historyExclude, lastReleaseFrom, readHistoryFrom, readTags, releaseHeads, type History } from './history';
import type { LastRelease } from './lastRelease';
import { dependencyRanges, readManifest, setDependencyVersion, setLockfileRanges, setLockfileWorkspaceVersion } from './manifest';
import { discoverPackages, owningPackage } from './monorepo';
import { isReleaseType, nextVersion, parseVersion, type ReleaseType } from './nextVersion';
import type { PlannedFile, ReleasePlan } from './plan';
import { recommendBump } from './recommend';
import { compileTagFormat, lenientTagFormat, looksLikeVersionTag, MONOREPO_TAG_FORMAT, monorepoTagFormats, type TagFormat } from './tagFormat';
import { setFileVersion, type VersionFileConfig } from './versionFiles';

/** The keys of `.sdlc.json` the service reads. */
export interface VersioningConfig {
  packages?: readonly string[];
  versioning?: {
    tagFormat?: string;
    changelog?: string | false;
    versionFiles?: readonly VersionFileConfig[];
    /** Folder (relative to the root, `.` for the root) → the ecosystem that owns it. */
    ecosystems?: Readonly<Record<string, string>>;
    /** Package folders (or globs: `*`, `?`, `**`) that are not released. */
    exclude?: readonly string[];
    /** Helm charts: `appVersion` follows the chart's version. */
    helm?: { appVersion?: boolean };
  };
}

export interface PlanRepositoryOptions {
  config?: VersioningConfig;
  /** `auto` (default), a release type, or an exact version. */
  bump?: 'auto' | ReleaseType | string;
  preid?: string;
  /** The repository of the changelog's links; may be a promise (read alongside the plan: only the changelog needs it). */
  github?: GitHubRepoRef | null | Promise<GitHubRepoRef | null>;
  /** YYYY-MM-DD of the release; default today (UTC). */
  date?: string;
  preMajor?: boolean;
  sections?: readonly ChangelogSectionConfig[];
  /** Plan only these package folders (a member of a fixed-mode monorepo stands for its unit); `NothingToRelease` is then an error. */
  only?: readonly string[];
  /** Reads a work-tree file by repository-relative path (null when missing). Default: the file system. */
  readFile?: (relativePath: string) => Promise<string | null>;
  signal?: AbortSignal;
}

export type PackageStatus =
  | { status: 'ready'; plan: ReleasePlan }
  | { status: 'nothing'; message: string }
  | { status: 'error'; error: unknown };

/** One releasable package (or fixed-mode unit) of the repository. */
export interface PlannedPackage {
  dir: string;
  name: string;
  /** null: no manifest, the version comes from the tags. */
  ecosystem: EcosystemId | null;
  /** One line for a person: where the version lives. */
  where: string;
  /** Folders that move with this unit (lerna fixed mode, Cargo members inheriting the workspace version). */
  members: string[];
  /** Those members as packages (the view shows them under the unit): where each one's version lives, and whether this release moves it. */
  memberPackages: MemberPackage[];
  /** The current version (null when it could not be read). */
  current: string | null;
  /** Where `current` comes from: the manifest, the last release tag (no manifest, or a placeholder behind it), or neither (0.0.0). */
  currentSource: 'manifest' | 'tag' | 'none';
  lastTag: string | null;
  state: PackageStatus;
}

/** A package that moves with a unit (a lerna fixed-mode package, a Cargo member inheriting the workspace version). */
export interface MemberPackage {
  dir: string;
  name: string;
  ecosystem: EcosystemId | null;
  /** One line for a person: where its version lives. */
  where: string;
  /** The manifest holding it (repository-relative), null when unknown. */
  manifest: string | null;
  /** The version its manifest says (null: none or unreadable). */
  version: string | null;
  /** This release moves it to the unit's next version. */
  moves: boolean;
}

export interface RepositoryPlan {
  packages: PlannedPackage[];
  /** The plans of the packages with something to release, in package order. */
  plans: ReleasePlan[];
  /** Packages in folders (or a fixed-mode unit of several): the view groups them under the repository. */
  monorepo: boolean;
  /** About the repository as a whole (e.g. version-like tags the tag format ignores). */
  warnings: string[];
}

interface Unit {
  dir: string;
  name: string;
  adapter: EcosystemAdapter | null;
  /** The manifest whose edit is listed first. */
  manifest: string | null;
  where: string;
  manifestVersion: string | null;
  members: string[];
  /** The members as units of their own (name, where the version lives), for the view. */
  memberUnits?: Unit[];
  /** Commit filter: null = every commit. */
  paths: string[] | null;
  /** null = the lenient default (`v1.2.3` or `1.2.3`). */
  tagTemplate: string | null;
  /** Edits made by the workspace root's adapter together with the other members. */
  inWorkspace: boolean;
  warnings: string[];
  error?: unknown;
}

interface Layout {
  units: Unit[];
  /** The workspace root adapter whose members are units (npm / lerna / Cargo), if any. */
  workspace: EcosystemAdapter | null;
  /** `.sdlc.json` `packages` given: the npm dependency follow-up of the explicit layout applies. */
  explicit: boolean;
}

/**
 * RepoFiles over the work tree (each file read once per planning), reads going through `readFile`
 * when given (dry runs over a pending change). Each folder is resolved (realpath, inside the root)
 * and listed once: a regular file of a listed folder is read without resolving it again, an absent
 * manifest (most probes: each adapter looks for its own) is answered by the listing, and folders and
 * file names come from it too.
 */
function repoFiles(root: string, readFile?: (p: string) => Promise<string | null>): RepoFiles {
  const disk = diskFiles(root);
  // A manifest that is a symbolic link (e.g. to a file outside) is refused with the release's own
  // containment error rather than read as absent (which would silently plan a tags-only release).
  const readLink = async (file: string) => {
    const text = await disk.read(file);
    if (text === null) await assertInside(root, file, { what: 'The manifest' });
    return text;
  };
  type Listing = { real: string; files: Set<string>; links: Set<string>; folders: string[] } | null;
  const listings = new Map<string, Promise<Listing>>();
  let top: Promise<string> | undefined;
  const listing = (dir: string) => {
    let l = listings.get(dir);
    if (!l) {
      listings.set(
        dir,
        (l = (async (): Promise<Listing> => {
          const parts = dir === '.' ? [] : dir.split('/');
          if (parts.includes('..') || path.isAbsolute(dir)) return null;
          try {
            const real = await fs.realpath(path.join(root, ...parts));
            const base = await (top ??= fs.realpath(path.resolve(root)));
            if (real !== base && !real.startsWith(base + path.sep)) return null; // a folder linked outside reads as absent
            const entries = await fs.readdir(real, { withFileTypes: true });
            const names = (pick: (e: (typeof entries)[number]) => boolean) => entries.filter(pick).map((e) => e.name).sort();
            return { real, files: new Set(names((e) => e.isFile())), links: new Set(names((e) => e.isSymbolicLink())), folders: names((e) => e.isDirectory()) };
          } catch {
            return null;
          }
        })()),
      );
    }
    return l;
  };
  const fromDisk = async (file: string): Promise<string | null> => {
    const slash = file.lastIndexOf('/');
    const name = file.slice(slash + 1);
    const l = await listing(slash < 0 ? '.' : file.slice(0, slash));
    if (l === null) return null;
    if (l.files.has(name)) return fs.readFile(path.join(l.real, name), 'utf8').catch(() => null);
    return l.links.has(name) ? readLink(file) : null;
  };
  // Planning reads each file many times (detection by every adapter, members, edits): once from disk is enough.
  const texts = new Map<string, Promise<string | null>>();
  const cachedRead = (file: string) => {
    let t = texts.get(file);
    if (!t) texts.set(file, (t = readFile ? readFile(file) : fromDisk(file)));
    return t;
  };
  return {
    read: cachedRead,
    folders: async (dir) => (await listing(dir))?.folders ?? [],
    fileNames: async (dir) => [...((await listing(dir))?.files ?? [])],
  };
}

function basenameOf(root: string, dir: string): string {
  return dir === '.' ? path.basename(root) : path.posix.basename(dir);
}

function checkEcosystems(config: VersioningConfig): Map<string, EcosystemId> {
  const out = new Map<string, EcosystemId>();
  for (const [dir, id] of Object.entries(config.versioning?.ecosystems ?? {})) {
    if (id !== 'versionFiles' && !adapterFor(id as EcosystemId)) {
      throw new SdlcError('InvalidConfig', `.sdlc.json versioning.ecosystems: "${id}" (for ${dir}) is not an ecosystem; use one of ${ECOSYSTEMS.map((a) => a.id).join(', ')}.`, { usage: true });
    }
    out.set(normalize(dir), id as EcosystemId);
  }
  return out;
}

/** The adapters with the configuration applied (`versioning.helm.appVersion`: Chart.yaml appVersion follows the release). */
function adaptersOf(config: VersioningConfig): readonly EcosystemAdapter[] {
  if (!config.versioning?.helm?.appVersion) return ECOSYSTEMS;
  const helm = createHelmAdapter({ appVersion: true });
  return ECOSYSTEMS.map((a) => (a.id === 'helm' ? helm : a));
}

function normalize(dir: string): string {
  const d = path.posix.normalize(dir.replace(/\\/g, '/')).replace(/\/+$/, '').replace(/^\.\//, '');
  return d === '' ? '.' : d;
}

/** Whether a folder matches one of the exclude globs (per segment; `**` any number of segments). */
export function excludedBy(patterns: readonly string[], dir: string): boolean {
  const parts = dir === '.' ? [] : dir.split('/');
  const match = (p: string[], d: string[]): boolean => {
    if (p.length === 0) return d.length === 0;
    if (p[0] === '**') return match(p.slice(1), d) || (d.length > 0 && match(p, d.slice(1)));
    return d.length > 0 && matchSegment(p[0], d[0]) && match(p.slice(1), d.slice(1));
  };
  return patterns.some((raw) => {
    const n = normalize(raw);
    return match(n === '.' ? [] : n.split('/'), parts);
  });
}

/** A package folder as a unit: its ecosystem (detected, or chosen in .sdlc.json) and where its version lives. */
async function makeUnit(root: string, dir: string, files: RepoFiles, choices: Map<string, EcosystemId>, forced?: EcosystemAdapter, adapters: readonly EcosystemAdapter[] = ECOSYSTEMS): Promise<Unit> {
  const unit: Unit = { dir, name: basenameOf(root, dir), adapter: null, manifest: null, where: 'release tags (no manifest in this folder)', manifestVersion: null, members: [], paths: dir === '.' ? null : [dir], tagTemplate: null, inWorkspace: false, warnings: [] };
  try {
    const found = forced ? { adapter: forced, detected: await forced.detect(dir, files) } : await detectEcosystem(dir, files, choices.get(dir), adapters);
    if (!found) return unit;
    unit.adapter = found.adapter;
    unit.manifest = found.detected?.manifests[0] ?? null;
    const info = await found.adapter.readVersion(dir, files);
    unit.name = info.name ?? unit.name;
    unit.where = info.where;
    unit.manifestVersion = info.version;
    unit.warnings.push(...info.warnings);
  } catch (e) {
    unit.error = e;
  }
  return unit;
}

async function isPrivateRoot(files: RepoFiles): Promise<boolean> {
  const text = await files.read('package.json');
  if (text === null) return false;
  try {
    return readManifest(text, 'package.json').private;
  } catch {
    return false;
  }
}

/**
 * A unit's tag template when the configuration names none: the lenient default (null) at the root; for
 * a Go module in a folder `folder/v1.2.3`, the only tags the go command reads as its versions; else
 * MONOREPO_TAG_FORMAT (which planRepository may change to the convention the unit's tags follow).
 */
function defaultTagTemplate(u: Pick<Unit, 'dir' | 'adapter'>): string | null {
  if (u.dir === '.') return null;
  return u.adapter?.id === 'go' ? `${u.dir}/v\${version}` : MONOREPO_TAG_FORMAT;
}

/** The release units of a repository (see the module comment). Reads files only. */
async function layout(root: string, files: RepoFiles, config: VersioningConfig): Promise<Layout> {
  const choices = checkEcosystems(config);
  const exclude = config.versioning?.exclude ?? [];
  const keep = (units: Unit[]) => units.filter((u) => !excludedBy(exclude, u.dir));
  const tagFormat = config.versioning?.tagFormat ?? null;
  const inFolder = (u: Unit) => (u.tagTemplate = tagFormat ?? defaultTagTemplate(u));

  if (config.packages && config.packages.length > 0) {
    const anyManifest = async (dir: string) => {
      for (const a of adaptersOf(config)) if (await a.detect(dir, files)) return true;
      return false;
    };
    const dirs = await discoverPackages(root, { packages: config.packages }, anyManifest);
    const units = await Promise.all(dirs.map((d) => makeUnit(root, d, files, choices, undefined, adaptersOf(config))));
    units.forEach(inFolder);
    return { units: keep(units), workspace: null, explicit: true };
  }

  let rootFound: Awaited<ReturnType<typeof detectEcosystem>> = null;
  try {
    rootFound = await detectEcosystem('.', files, choices.get('.'), adaptersOf(config));
  } catch (e) {
    return { units: [{ ...(await makeUnit(root, '.', files, new Map(), undefined, adaptersOf(config))), error: e }], workspace: null, explicit: false };
  }
  const adapter = rootFound?.adapter ?? null;
  const memberDirs = async (a: EcosystemAdapter) => ((await a.members?.('.', files)) ?? []).filter((d) => d !== '.' && !excludedBy(exclude, d));

  if (adapter?.id === 'lerna') {
    let members: string[];
    let independent: boolean;
    try {
      independent = await lernaIndependent('.', files);
      members = await memberDirs(lerna);
    } catch (e) {
      return { units: [{ ...(await makeUnit(root, '.', files, choices, undefined, adaptersOf(config))), error: e }], workspace: null, explicit: false };
    }
    if (!independent) {
      const unit = await makeUnit(root, '.', files, choices, lerna, adaptersOf(config));
      const rootManifest = await files.read('package.json');
      unit.name = rootManifest === null ? unit.name : (safeName(rootManifest) ?? unit.name);
      unit.members = members;
      unit.memberUnits = await Promise.all(members.map((d) => makeUnit(root, d, files, choices, npm, adaptersOf(config))));
      unit.paths = members;
      unit.tagTemplate = tagFormat;
      unit.inWorkspace = true;
      return { units: [unit], workspace: lerna, explicit: false };
    }
    const units = await Promise.all(members.map((d) => makeUnit(root, d, files, choices, choices.has(d) ? undefined : npm, adaptersOf(config))));
    units.forEach(inFolder);
    units.forEach((u) => (u.inWorkspace = u.adapter?.id === 'npm'));
    if (!(await isPrivateRoot(files)) && (await files.read('package.json')) !== null) {
      const r = await makeUnit(root, '.', files, choices, npm, adaptersOf(config));
      r.inWorkspace = true;
      inFolder(r);
      units.unshift(r);
    }
    return { units: keep(units), workspace: lerna, explicit: false };
  }

  if (adapter && (adapter.id === 'npm' || adapter.id === 'cargo')) {
    let members: string[] = [];
    try {
      members = await memberDirs(adapter);
    } catch (e) {
      return { units: [{ ...(await makeUnit(root, '.', files, choices, undefined, adaptersOf(config))), error: e }], workspace: null, explicit: false };
    }
    if (members.length) {
      const units = await Promise.all(members.map((d) => makeUnit(root, d, files, choices, undefined, adaptersOf(config))));
      units.forEach(inFolder);
      for (const u of units) u.inWorkspace = u.adapter === adapter;
      if (adapter.id === 'cargo') {
        // Members inheriting [workspace.package] version move with the workspace: one unit at the root.
        const inheriting = units.filter((u) => u.adapter === cargo && !u.error && u.where.includes('[workspace.package]'));
        const rest = units.filter((u) => !inheriting.includes(u));
        const r = await makeUnit(root, '.', files, choices, cargo, adaptersOf(config));
        r.inWorkspace = true;
        inFolder(r);
        const rootUsed = !r.error || inheriting.length > 0;
        if (inheriting.length) {
          r.members = inheriting.map((u) => u.dir);
          r.memberUnits = inheriting;
          if (r.error && inheriting.length) {
            // A virtual workspace: its version is [workspace.package] version, which every inheriting member names.
            r.error = undefined;
            r.where = inheriting[0].where;
            r.manifestVersion = inheriting[0].manifestVersion;
            r.manifest = 'Cargo.toml';
            r.adapter = cargo;
          }
        }
        return { units: keep(rootUsed ? [r, ...rest] : rest), workspace: cargo, explicit: false };
      }
      if (!(await isPrivateRoot(files))) {
        const r = await makeUnit(root, '.', files, choices, adapter, adaptersOf(config));
        if (r.manifestVersion !== null || r.error === undefined) {
          r.inWorkspace = true;
          inFolder(r);
          units.unshift(r);
        }
      }
      return { units: keep(units), workspace: adapter, explicit: false };
    }
  }

  const r = await makeUnit(root, '.', files, choices, adapter ?? undefined, adaptersOf(config));
  if (!adapter) r.adapter = null;
  r.tagTemplate = tagFormat;
  return { units: keep([r]), workspace: null, explicit: false };
}

function safeName(manifest: string): string | null {
  try {
    return readManifest(manifest).name;
  } catch {
    return null;
  }
}

/** The package folders of a repository as the service sees them (fixed-mode members included, for `--package`). */
export async function listPackages(root: string, config: VersioningConfig = {}, readFile?: (p: string) => Promise<string | null>): Promise<{ dirs: string[]; units: Array<{ dir: string; members: string[] }> }> {
  const { units } = await layout(root, repoFiles(root, readFile), config);
  return { dirs: units.map((u) => u.dir), units: units.map((u) => ({ dir: u.dir, members: u.members })) };
}

/**
 * One package folder as the service sees it, for readers of history that plan nothing (`sdlc
 * changelog --package`): its name, its tag format (the lenient default at the root) and the folders
 * whose commits are its own (null: every commit).
 */
export async function describePackage(root: string, dir: string, config: VersioningConfig = {}, tagNames: Iterable<string> = []): Promise<{ dir: string; name: string; format: TagFormat; paths: string[] | null }> {
  const files = repoFiles(root);
  const { units } = await layout(root, files, config);
  const d = normalize(dir);
  const unit = units.find((u) => u.dir === d) ?? units.find((u) => u.members.includes(d)) ?? (await makeUnit(root, d, files, checkEcosystems(config), undefined, adaptersOf(config)));
  if (unit.error && !units.includes(unit)) throw unit.error;
  let template = units.includes(unit) ? unit.tagTemplate : (config.versioning?.tagFormat ?? defaultTagTemplate(unit));
  if (template === MONOREPO_TAG_FORMAT && config.versioning?.tagFormat === undefined) {
    // (as planRepository: the convention of its tags, else of the other packages')
    const names = [...new Set([unit.name, ...units.filter((u) => u.tagTemplate === MONOREPO_TAG_FORMAT).map((u) => u.name)])];
    template = monorepoTagFormats(names, tagNames).get(unit.name)!;
  }
  return { dir: unit.dir, name: unit.name, format: template === null ? lenientTagFormat() : compileTagFormat(template, unit.name), paths: unit.paths };
}

/** Plans every package of a repository (or `only` some). Reads git and files; writes nothing. */
export async function planRepository(git: Pick<Git, 'run' | 'root'> & Partial<Pick<Git, 'tagLists'>>, options: PlanRepositoryOptions = {}): Promise<RepositoryPlan> {
  const config = options.config ?? {};
  const files = repoFiles(git.root, options.readFile);
  const signal = options.signal;
  const { all: refsP, merged: tagsP } = readTags(git, signal);
  tagsP.catch(() => undefined);
  const tagNamesP = refsP.then((out) => new Set(out.split('\n').map((l) => l.split('\0')[0]).filter(Boolean)));
  tagNamesP.catch(() => undefined);
  // The history is read while the packages are found: from the newest tag of every tag family (a
  // superset of the packages' last releases); used when the packages' own bases turn out to be
  // among them with the same merge base, else stopped and read from those bases (see below).
  const layoutP = layout(git.root, files, config);
  // Whether the history needs the files of each commit, once the packages are known (until then it does).
  let filesNeeded = true;
  layoutP.then((l) => (filesNeeded = needsFiles(l.units)), () => undefined); // a failure surfaces where layoutP is awaited
  const speculation = options.only ? null : speculate(git, refsP, () => filesNeeded, signal);
  let speculationUsed = false;
  try {
    const { units: found, workspace, explicit } = await layoutP;
    let units = found;
    const monorepo = units.length > 1 || units.some((u) => u.dir !== '.' || u.members.length > 0);
    const tagFormat = config.versioning?.tagFormat;
    if (units.length > 1 && tagFormat && !tagFormat.includes('${name}')) {
      throw new SdlcError('InvalidTagFormat', `The tag format "${tagFormat}" has no \${name}, so the ${units.length} packages would share their tags; use e.g. "\${name}@\${version}".`, { usage: true });
    }

    // `only`: a folder that is a unit, a member of one, or (asked for explicitly) any folder.
    let targets = units;
    if (options.only) {
      const wanted: Unit[] = [];
      for (const raw of options.only) {
        const dir = normalize(raw);
        if (dir === '..' || dir.startsWith('../') || path.posix.isAbsolute(dir) || path.win32.isAbsolute(raw)) {
          throw new SdlcError('InvalidPackage', `The package folder "${raw}" must be inside the repository.`, { usage: true });
        }
        const unit = units.find((u) => u.dir === dir) ?? units.find((u) => u.members.includes(dir));
        if (unit) {
          if (!wanted.includes(unit)) wanted.push(unit);
          continue;
        }
        const extra = await makeUnit(git.root, dir, files, checkEcosystems(config), undefined, adaptersOf(config));
        extra.tagTemplate = tagFormat ?? defaultTagTemplate(extra);
        units = [...units, extra];
        wanted.push(extra);
      }
      targets = wanted;
    }

    const tags = await tagsP;
    const formats = new Map<Unit, { format: TagFormat; last: LastRelease | null }>();
    // Without a configured format, a package's tags follow the convention its existing tags do.
    const defaulted = tagFormat === undefined ? units.filter((u) => u.tagTemplate === MONOREPO_TAG_FORMAT) : [];
    if (defaulted.length) {
      const conventions = monorepoTagFormats(defaulted.map((u) => u.name), await tagNamesP);
      for (const u of defaulted) u.tagTemplate = conventions.get(u.name)!;
    }
    for (const u of units) {
      try {
        if (u.tagTemplate === null) {
          const last = lastReleaseFrom(tags, lenientTagFormat());
          formats.set(u, { format: lenientTagFormat(last?.tag), last });
        } else {
          const format = compileTagFormat(u.tagTemplate, u.name);
          formats.set(u, { format, last: lastReleaseFrom(tags, format) });
        }
      } catch (e) {
        u.error ??= e;
      }
    }
    const warnings: string[] = [];
    const ignored = tags
      .split('\n')
      .map((l) => l.split('\0')[0])
      .filter((t) => t && looksLikeVersionTag(t) && ![...formats.values()].some((f) => f.format.parse(t) !== null));
    if (ignored.length) {
      const shown = ignored.slice(0, 3).join(', ') + (ignored.length > 3 ? ` and ${ignored.length - 3} more` : '');
      warnings.push(`${ignored.length} tag${ignored.length === 1 ? '' : 's'} (${shown}) look${ignored.length === 1 ? 's' : ''} like a release but ${ignored.length === 1 ? 'does' : 'do'} not match the tag format; set versioning.tagFormat in .sdlc.json if ${ignored.length === 1 ? 'it is' : 'they are'} yours.`);
    }

    const live = targets.filter((u) => !u.error);
    let history: History = { commits: [], bySha: new Map() };
    if (live.length) {
      const bases = live.map((u) => formats.get(u)?.last?.sha ?? null);
      const early = speculation ? await speculation.ready.catch(() => null) : null;
      const fits = early !== null && bases.every((b) => b !== null && early.shas.has(b));
      const exclude = fits && new Set(bases).size === early.shas.size ? early.exclude : await historyExclude(git, bases, signal);
      if (fits && exclude === early.exclude) {
        speculationUsed = true;
        history = await early.history;
      } else {
        speculation?.stop();
        history = await readHistoryFrom(git, exclude, signal, needsFiles(units));
      }
    }
    const tagNames = await tagNamesP;
    const bump = options.bump ?? 'auto';
    const github = await options.github;
    const rendering = { ...options, github };

    const results = new Map<Unit, PlannedPackage>();
    const plans = new Map<Unit, ReleasePlan>();
    for (const u of units) {
      const f = formats.get(u);
      const last = f?.last ?? null;
      const pkg: PlannedPackage = {
        dir: u.dir,
        name: u.name,
        ecosystem: u.adapter?.id ?? null,
        where: u.where,
        members: u.members,
        memberPackages: (u.memberUnits ?? []).map((m) => ({ dir: m.dir, name: m.name, ecosystem: m.adapter?.id ?? null, where: m.where, manifest: m.manifest, version: m.manifestVersion, moves: false })),
        current: null,
        currentSource: 'none',
        lastTag: last?.tag ?? null,
        state: { status: 'nothing', message: '' },
      };
      results.set(u, pkg);
      if (!targets.includes(u)) continue;
      try {
        if (u.error) throw u.error;
        const { current: cur, source, warning } = current(u, last);
        pkg.current = cur;
        pkg.currentSource = source;
        const planWarnings = [...u.warnings, ...(warning ? [warning] : []), ...warnings];
        const commits = commitsSince(history, last?.sha ?? null, u.paths, nestedModules(u, units));
        const where = u.dir === '.' ? '' : ` in ${u.dir}`;
        if (commits.length === 0 && (bump === 'auto' || !options.only)) {
          const message = `No commits${u.members.length && u.paths ? ' in its packages' : where} since ${last ? last.tag : 'the first commit'}: nothing to release.`;
          if (options.only) throw new SdlcError('NothingToRelease', message, { usage: true });
          pkg.state = { status: 'nothing', message };
          continue;
        }
        const recommendation = recommendBump(commits, { preMajor: options.preMajor, currentVersion: cur });
        const next = nextVersion(cur, bump === 'auto' ? recommendation.releaseType : bump, { preid: options.preid, recommended: recommendation.releaseType });
        const tag = f!.format.format(next);
        if (tagNames.has(tag)) throw new SdlcError('TagExists', `The tag ${tag} already exists; delete it or choose another version.`, { usage: true });
        if (u.adapter?.checkNext) planWarnings.push(...(await u.adapter.checkNext(u.dir, files, next)));
        const changelog = renderChangelogSection(commits, { version: next, tag, previousTag: last?.tag ?? null, date: options.date, github, sections: options.sections ?? DEFAULT_CHANGELOG_SECTIONS });
        const plan: ReleasePlan = {
          package: u.name,
          packageDir: u.dir,
          current: cur,
          next,
          releaseType: isReleaseType(bump) ? bump : bump === 'auto' ? recommendation.releaseType : 'exact',
          reason: bump === 'auto' ? recommendation.reason : `${bump} requested (recommended: ${recommendation.releaseType}, ${recommendation.reason})`,
          tag,
          previousTag: last?.tag ?? null,
          commits: commits.map((c) => ({ sha: c.sha, type: c.type, scope: c.scope, subject: c.subject, breaking: c.breaking })),
          changelog,
          files: [],
          warnings: planWarnings,
          ecosystem: u.adapter?.id ?? null,
          where: u.where,
          currentSource: source,
          members: await movingMembers(u, files, history, last?.sha ?? null, cur, next),
        };
        plans.set(u, plan);
        pkg.state = { status: 'ready', plan };
        for (const m of pkg.memberPackages) m.moves = plan.members?.includes(m.dir) ?? false;
      } catch (e) {
        if (options.only) throw e;
        pkg.state = { status: 'error', error: e };
      }
    }

    // Dependents that must follow (dependents.ts): released with them; with `only`, named in a warning (their history is not read).
    const followMode: FollowMode | null = workspace?.id === 'lerna' ? 'lerna' : workspace?.id === 'npm' || explicit ? 'npm' : null;
    if (followMode && plans.size > 0) {
      await planFollowers(units, plans, results, files, followMode, {
        last: (u) => formats.get(u)?.last ?? null,
        format: (u) => formats.get(u)?.format ?? null,
        commits: (u) => commitsSince(history, formats.get(u)?.last?.sha ?? null, u.paths, nestedModules(u, units)),
        tagNames,
        options: rendering,
        warnings,
      });
    }
    if (plans.size > 0) await planFiles(git.root, files, units, plans, { workspace, explicit, config });
    const ordered = units.filter((u) => plans.has(u)).map((u) => plans.get(u)!);
    const packages = (options.only ? units.filter((u) => targets.includes(u) || plans.has(u)) : units).map((u) => results.get(u)!);
    return { packages, plans: ordered, monorepo, warnings };
  } finally {
    speculation?.stop(!speculationUsed);
  }
}

/**
 * Whether a question about the history names folders: not when the one package is the whole tree
 * (then the history is read without the files of each commit, the larger part of git's work).
 */
function needsFiles(units: readonly Unit[]): boolean {
  return units.some((u) => u.members.length > 0 || (u.paths !== null && !u.paths.includes('.')) || nestedModules(u, units).length > 0);
}

/**
 * For a Go module, the folders of the Go modules nested in it (for the root's, every other one's): a
 * module ends where a nested go.mod starts, so their commits are theirs, not its own. (Other
 * ecosystems' packages keep every commit under their folder: a crate's fix is often its dependent's
 * too, as ripgrep's changelog shows, and the dependents follow-up handles the moves.)
 */
function nestedModules(u: Unit, units: readonly Unit[]): string[] {
  if (u.adapter?.id !== 'go' || u.members.length > 0) return [];
  return units.filter((o) => o !== u && o.adapter?.id === 'go' && o.dir !== u.dir && (u.dir === '.' || o.dir.startsWith(`${u.dir}/`))).map((o) => o.dir);
}

/**
 * Starts reading the history from the merge base of the newest tag of every tag family (history.ts
 * releaseHeads) as soon as the tag list is in: `ready` holds those tags' commits, the merge base and
 * the read under way; `stop` kills it when it is not the range the packages need.
 */
function speculate(git: Pick<Git, 'run'>, refsP: Promise<string>, filesNeeded: () => boolean, signal?: AbortSignal) {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const ready = refsP.then(async (refs) => {
    const shas = releaseHeads(refs);
    if (shas.size === 0) return null;
    const exclude = await historyExclude(git, [...shas], controller.signal);
    if (exclude === null) return null;
    // Without the files only when the packages are known by now to be the whole tree (a repository of
    // one package is laid out long before this; a large monorepo is not, and is read with them).
    const history = readHistoryFrom(git, exclude, controller.signal, filesNeeded());
    history.catch(() => undefined); // stopped, or read again from the packages' bases
    return { shas, exclude, history };
  });
  ready.catch(() => undefined);
  return {
    ready,
    /** Done with it: `abort` kills the read when it was not used. */
    stop: (abort = true) => {
      signal?.removeEventListener('abort', onAbort);
      if (abort) controller.abort();
    },
  };
}

/**
 * Members of a fixed unit that move to `next`: for Cargo (inherited version) all of them; for lerna
 * (its collect-updates and version commands) the ones with commits since the tag plus their local
 * dependents, transitively — and every one when a moving package's move is breaking (a major move,
 * a minor one below 1.0.0) or when none changed (an explicit bump: lerna.json never runs ahead of
 * all of them).
 */
async function movingMembers(u: Unit, files: RepoFiles, history: History, since: string | null, cur: string, next: string): Promise<string[]> {
  if (u.members.length === 0) return [];
  if (u.adapter?.id !== 'lerna') return [...u.members];
  const changed = u.members.filter((m) => commitsSince(history, since, [m]).length > 0);
  if (changed.length === 0) return [...u.members];
  const nodes = await workspacePackages(u.members, files, () => cur);
  const follow = dependentsToFollow(nodes, new Map(changed.map((m) => [m, next])), 'lerna', () => next);
  const moving = new Set([...changed, ...follow.keys()]);
  const breaking = nodes.some((n) => moving.has(n.dir) && isBreakingMove(semver.gt(n.version, cur) ? n.version : cur, next));
  return breaking ? [...u.members] : u.members.filter((m) => moving.has(m));
}

/** The npm packages of some folders with their versions (`fallback` when the manifest has none) and dependencies; unreadable manifests are left out. */
async function workspacePackages(dirs: readonly string[], files: RepoFiles, fallback: (dir: string) => string | null): Promise<WorkspacePackage[]> {
  const out: WorkspacePackage[] = [];
  for (const dir of dirs) {
    const file = dir === '.' ? 'package.json' : `${dir}/package.json`;
    const text = await files.read(file);
    if (text === null) continue;
    try {
      const info = readManifest(text, file);
      const version = info.version !== null && semver.valid(info.version) ? info.version : fallback(dir);
      if (info.name === null || version === null) continue;
      out.push({ dir, name: info.name, version, dependencies: dependencyRanges(text, file) });
    } catch {
      // A broken manifest is reported by its own package's plan.
    }
  }
  return out;
}

/**
 * Dependents that follow the planned npm packages (dependents.ts): lerna releases every local
 * dependent; npm/yarn/pnpm workspaces the ones whose range the new version leaves. Each becomes a
 * plan of its own (a patch, or what its own commits recommend), its changelog saying why.
 */
async function planFollowers(
  units: Unit[],
  plans: Map<Unit, ReleasePlan>,
  results: Map<Unit, PlannedPackage>,
  files: RepoFiles,
  mode: FollowMode,
  ctx: {
    last: (u: Unit) => LastRelease | null;
    format: (u: Unit) => TagFormat | null;
    commits: (u: Unit) => ReturnType<typeof commitsSince>;
    tagNames: ReadonlySet<string>;
    /** with the GitHub repository resolved */
    options: Omit<PlanRepositoryOptions, 'github'> & { github: GitHubRepoRef | null | undefined };
    warnings: string[];
  },
): Promise<void> {
  const npmUnits = units.filter((u) => u.adapter?.id === 'npm' && !u.error);
  const byDir = new Map(npmUnits.map((u) => [u.dir, u]));
  const dirOfName = new Map(npmUnits.map((u) => [u.name, u.dir]));
  const currentOf = (u: Unit): string | null => {
    const planned = plans.get(u);
    if (planned) return planned.current;
    try {
      return current(u, ctx.last(u)).current;
    } catch {
      return null;
    }
  };
  const nodes = (await workspacePackages(npmUnits.map((u) => u.dir), files, (d) => currentOf(byDir.get(d)!))).map((n) => ({ ...n, version: currentOf(byDir.get(n.dir)!) ?? n.version }));
  const moved = new Map([...plans].filter(([u]) => byDir.has(u.dir)).map(([u, plan]) => [u.dir, plan.next]));
  if (moved.size === 0) return;

  // What a follower moves to: its own commits' recommendation, at least a patch (with `only`, a patch: its commits are not read).
  const warnOnly = !!ctx.options.only;
  const nextOf = new Map<string, { next: string; commits: ReturnType<typeof commitsSince>; recommendation: ReturnType<typeof recommendBump> } | Error>();
  const compute = (dir: string) => {
    let known = nextOf.get(dir);
    if (!known) {
      const u = byDir.get(dir)!;
      try {
        const cur = currentOf(u);
        if (cur === null) throw new SdlcError('InvalidVersion', `${u.where}: no version to start from.`, { usage: true });
        const commits = warnOnly ? [] : ctx.commits(u);
        const recommendation = recommendBump(commits, { preMajor: ctx.options.preMajor, currentVersion: cur });
        known = { next: nextVersion(cur, commits.length ? recommendation.releaseType : 'patch'), commits, recommendation };
      } catch (e) {
        known = e instanceof Error ? e : new Error(String(e));
      }
      nextOf.set(dir, known);
    }
    return known;
  };
  const stuck: Array<{ dir: string } & Follow> = [];
  const followers = dependentsToFollow(nodes, moved, mode, (p) => {
    const k = compute(p.dir);
    return k instanceof Error ? p.version : k.next;
  }, stuck);
  const planOf = (name: string) => [...plans.entries()].find(([u]) => u.name === name)?.[1];
  for (const s of stuck) {
    const message = `${s.dir === '.' ? '' : `${s.dir}/`}package.json: "${s.dependency}": "${s.range}" does not allow ${s.to}, and the release cannot rewrite that range; change it by hand.`;
    (planOf(s.dependency)?.warnings ?? ctx.warnings).push(message);
  }
  if (warnOnly) {
    for (const [dir, why] of followers) {
      const u = byDir.get(dir)!;
      const message = `${u.name} (${dir}) ${mode === 'lerna' ? `depends on ${why.dependency}` : `names ${why.dependency} as "${why.range}"`}, which ${why.to} ${mode === 'lerna' ? 'moves' : 'leaves'}: it should be released too (plan every package, not only this one, to release them together).`;
      // The warning goes to the plan the dependency chain starts from.
      let root = why;
      for (let up = followers.get(dirOfName.get(root.dependency) ?? ''); up; up = followers.get(dirOfName.get(root.dependency) ?? '')) root = up;
      (planOf(root.dependency)?.warnings ?? ctx.warnings).push(message);
    }
    return;
  }

  for (const u of units) {
    const why = followers.get(u.dir);
    if (!why || plans.has(u)) continue;
    const pkg = results.get(u)!;
    try {
      const k = compute(u.dir);
      if (k instanceof Error) throw k;
      const last = ctx.last(u);
      const format = ctx.format(u);
      if (!format) continue;
      const { current: cur, source, warning } = current(u, last);
      const tag = format.format(k.next);
      if (ctx.tagNames.has(tag)) throw new SdlcError('TagExists', `The tag ${tag} already exists; delete it or choose another version.`, { usage: true });
      const cause = mode === 'lerna' ? `it depends on ${why.dependency}, which moves to ${why.to}` : `${why.dependency} moves to ${why.to} and its range "${why.range}" no longer matches`;
      const note = `**Note:** ${k.commits.length ? '' : 'Version bump only: '}${cause}.`;
      const changelog = renderChangelogSection(k.commits, { version: k.next, tag, previousTag: last?.tag ?? null, date: ctx.options.date, github: ctx.options.github, sections: ctx.options.sections ?? DEFAULT_CHANGELOG_SECTIONS, note });
      const plan: ReleasePlan = {
        package: u.name,
        packageDir: u.dir,
        current: cur,
        next: k.next,
        releaseType: k.commits.length ? k.recommendation.releaseType : 'patch',
        reason: k.commits.length ? `${k.recommendation.reason}; ${cause}` : `dependents follow: ${cause}`,
        tag,
        previousTag: last?.tag ?? null,
        commits: k.commits.map((c) => ({ sha: c.sha, type: c.type, scope: c.scope, subject: c.subject, breaking: c.breaking })),
        changelog,
        files: [],
        warnings: [...u.warnings, ...(warning ? [warning] : []), ...ctx.warnings],
        ecosystem: u.adapter?.id ?? null,
        where: u.where,
        currentSource: source,
        members: [],
      };
      plans.set(u, plan);
      pkg.current = cur;
      pkg.currentSource = source;
      pkg.state = { status: 'ready', plan };
    } catch (e) {
      if (ctx.options.only) throw e;
      pkg.state = { status: 'error', error: e };
    }
  }
}

function current(u: Unit, last: LastRelease | null): { current: string; source: PlannedPackage['currentSource']; warning: string | null } {
  const manifest = u.manifestVersion;
  if (manifest === null) return { current: last?.version ?? '0.0.0', source: last ? 'tag' : 'none', warning: null };
  parseVersion(manifest, `version in ${u.where}`);
  if (!last || semver.eq(manifest, last.version)) return { current: manifest, source: 'manifest', warning: null };
  if (semver.lt(manifest, last.version)) {
    return {
      current: last.version,
      source: 'tag',
      warning: `${u.where} says ${manifest}, behind the last release tag ${last.tag}${semver.prerelease(manifest) ? ' (a placeholder)' : ''}; the current version is ${last.version}, from the tag.`,
    };
  }
  return { current: manifest, source: 'manifest', warning: `${u.where} says ${manifest} but the last release tag is ${last.tag}; the next version is computed from ${manifest}.` };
}

/** Fills `plan.files` of every plan: adapter edits, dependency follow-ups, version files, changelogs; each file in one plan. */
async function planFiles(
  root: string,
  files: RepoFiles,
  units: Unit[],
  plans: Map<Unit, ReleasePlan>,
  how: { workspace: EcosystemAdapter | null; explicit: boolean; config: VersioningConfig },
): Promise<void> {
  const edits = new Map<string, { before: string | null; after: string }>();
  const order: string[] = [];
  const put = (e: FileEdit | PlannedFile) => {
    const file = 'file' in e ? e.file : e.path;
    const prev = edits.get(file);
    if (prev && prev.after !== e.before) throw new SdlcError('ConflictingEdits', `Two edits of ${file} do not compose; release its packages one at a time.`);
    if (!prev) order.push(file);
    edits.set(file, { before: prev ? prev.before : e.before, after: e.after });
  };
  const view: RepoFiles = { read: async (f) => (edits.has(f) ? edits.get(f)!.after : files.read(f)), folders: (d) => files.folders(d), fileNames: (d) => files.fileNames(d) };

  const primary = new Map<Unit, string | null>();
  const together = [...plans.keys()].filter((u) => u.inWorkspace && how.workspace);
  if (together.length) {
    const moving = new Map<string, string>();
    let rootVersion: string | null = null;
    for (const u of together) {
      const next = plans.get(u)!.next;
      if (u.dir === '.') rootVersion = next;
      else moving.set(u.dir, next);
      for (const m of plans.get(u)!.members ?? []) moving.set(m, next);
      primary.set(u, u.manifest);
    }
    const rootAdapter = how.workspace!.id === 'lerna' && rootVersion === null ? lerna : how.workspace!;
    // Lerna independent: the root's own version (if planned) is its package.json, the workspace root is lerna.json.
    const rootIsNpmPackage = how.workspace!.id === 'lerna' && together.some((u) => u.dir === '.' && u.adapter?.id === 'npm');
    for (const e of await releaseEdits(rootIsNpmPackage ? npm : rootAdapter, '.', files, rootVersion, moving)) put(e);
  }
  for (const [u, plan] of plans) {
    if (together.includes(u) || !u.adapter) continue;
    const moving = new Map((plan.members ?? []).map((m) => [m, plan.next]));
    for (const e of await releaseEdits(u.adapter, u.dir, view, u.adapter.id === 'go' ? null : plan.next, moving)) put(e);
    primary.set(u, u.manifest);
  }

  // `.sdlc.json` packages (no workspace adapter): internal npm ranges in every package and the root lockfile follow.
  if (how.explicit) {
    const npmUnits = units.filter((u) => u.adapter?.id === 'npm');
    for (const [u, plan] of plans) {
      if (u.adapter?.id !== 'npm') continue;
      for (const other of npmUnits) {
        const manifest = other.dir === '.' ? 'package.json' : `${other.dir}/package.json`;
        const text = await view.read(manifest);
        if (text === null) continue;
        const after = setDependencyVersion(text, plan.package, plan.next, manifest, plan.current);
        if (after !== text) put({ path: manifest, before: text, after });
      }
      if (u.dir !== '.') {
        for (const lock of ['package-lock.json', 'npm-shrinkwrap.json']) {
          const text = await view.read(lock);
          if (text === null) continue;
          const after = setLockfileWorkspaceVersion(text, u.dir, plan.next, lock);
          if (after !== text) put({ path: lock, before: text, after });
        }
      }
    }
    const moves = new Map([...plans].filter(([u]) => u.adapter?.id === 'npm').map(([, plan]) => [plan.package, { from: plan.current, to: plan.next }]));
    for (const lock of moves.size ? ['package-lock.json', 'npm-shrinkwrap.json'] : []) {
      const text = await view.read(lock);
      if (text === null) continue;
      const after = setLockfileRanges(text, moves, lock);
      if (after !== text) put({ path: lock, before: text, after });
    }
  }

  // Assign each file to the plan of the deepest planned package holding it, else to the first plan.
  const planned = [...plans.keys()];
  const dirs = planned.map((u) => u.dir);
  const ownerOf = (file: string) => {
    const d = owningPackage(dirs, file);
    return planned.find((u) => u.dir === d) ?? planned[0];
  };
  for (const file of order) {
    const e = edits.get(file)!;
    if (e.before === e.after) continue;
    const u = ownerOf(file);
    const list = plans.get(u)!.files;
    const item = { path: file, before: e.before, after: e.after };
    if (file === primary.get(u)) list.unshift(item);
    else list.push(item);
  }

  // versioning.versionFiles (paths relative to the repository root) belong to the package holding them.
  const allDirs = units.map((u) => u.dir);
  for (const vf of how.config.versioning?.versionFiles ?? []) {
    const p = normalize(vf.path);
    const owner = owningPackage(allDirs, p);
    const u = planned.find((x) => x.dir === owner || x.members.includes(owner ?? ''));
    if (!u) continue;
    const plan = plans.get(u)!;
    const existing = plan.files.find((f) => f.path === p);
    const text = existing ? existing.after : await files.read(p);
    if (text === null) {
      throw new SdlcError('VersionFileMissing', `The version file ${p} (versioning.versionFiles in .sdlc.json) does not exist; fix its path or create it.`, { usage: true });
    }
    const edited = setFileVersion(text, vf.pattern, plan.next, p);
    const other = [...new Set(edited.found)].filter((v) => v !== plan.current && v !== plan.next);
    if (other.length) plan.warnings.push(`${p} said ${other.join(', ')} rather than ${plan.current}; it is set to ${plan.next}.`);
    if (existing) existing.after = edited.text;
    else plan.files.push({ path: p, before: text, after: edited.text });
  }

  const changelog = how.config.versioning?.changelog;
  if (changelog !== false) {
    for (const [u, plan] of plans) {
      const p = u.dir === '.' ? (changelog ?? 'CHANGELOG.md') : `${u.dir}/${changelog ?? 'CHANGELOG.md'}`;
      const before = await files.read(p);
      plan.files.push({ path: p, before, after: prependChangelog(before, plan.changelog) });
      if (before === null && changelog === undefined) {
        const history = await otherHistoryFile(u.dir, files);
        if (history) {
          plan.warnings.push(`${p} will be created, but ${history} looks like this package's history: set versioning.changelog in .sdlc.json to "${history.slice(history.lastIndexOf('/') + 1)}" to write there instead (false for no changelog).`);
        }
      }
    }
  }
  void root;
}

/** Names projects keep their release history under when it is not CHANGELOG.md (e.g. requests' HISTORY.md). */
const OTHER_HISTORY_FILES = ['HISTORY.md', 'CHANGES.md', 'NEWS.md', 'RELEASES.md', 'CHANGELOG.rst', 'HISTORY.rst', 'CHANGES.rst', 'NEWS.rst', 'CHANGELOG.txt', 'CHANGES.txt', 'CHANGELOG', 'HISTORY', 'CHANGES', 'NEWS'];

/** The first of OTHER_HISTORY_FILES in `dir` (a path from the root), or null: one listing of the folder. */
async function otherHistoryFile(dir: string, files: RepoFiles): Promise<string | null> {
  const present = new Set(await files.fileNames(dir));
  const name = OTHER_HISTORY_FILES.find((n) => present.has(n));
  return name === undefined ? null : dir === '.' ? name : `${dir}/${name}`;
}

/** Reads a work-tree file (null when missing): the default reader. */
export async function readWorkTree(root: string, relativePath: string): Promise<string | null> {
  return fs.readFile(path.join(root, ...relativePath.split('/')), 'utf8').catch(() => null);
}
