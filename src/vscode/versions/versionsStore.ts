import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadConfig, type SdlcConfig } from '../../core/config/config';
import { SdlcError, errorMessage } from '../../core/errors';
import { scoped, type Logger } from '../../core/log';
import { findLastRelease } from '../../core/versioning/lastRelease';
import { manifestVersion, readManifest } from '../../core/versioning/manifest';
import { discoverPackages, owningPackage, planReleases } from '../../core/versioning/monorepo';
import { planRelease, type PlanReleaseOptions, type ReleasePlan } from '../../core/versioning/plan';
import { compileTagFormat, DEFAULT_TAG_FORMAT, MONOREPO_TAG_FORMAT } from '../../core/versioning/tagFormat';
import { ContextKeys } from '../ids';
import type { RepositoryModel } from '../repositories/repositoryModel';
import { toErrorInfo, type RepositoryStore } from '../repositories/repositoryStore';
import { PackageModel, type PackageState } from './packageModel';

export type VersionsState = 'loading' | 'noRepositories' | 'noPackages' | 'ready';

interface RepoEntry {
  repo: RepositoryModel;
  packages: PackageModel[];
  /** Packages in folders (`packages` globs or npm workspaces), not just the root: shown under a repository node. */
  monorepo: boolean;
  /** What the last load saw (HEAD, tags, changed files): an unchanged repository is not planned again. */
  fingerprint?: string;
  loaded: boolean;
  running?: Promise<void>;
  next?: Promise<void>;
  timer?: NodeJS.Timeout;
}

/**
 * The Versions view's data: for every repository of the RepositoryStore, its packages and the release
 * each would make now (planned with the versioning core, nothing written). Follows the repository store:
 * a repository that changed (HEAD, tags, files) is planned again.
 */
export class VersionsStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PackageModel | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly entries = new Map<string, RepoEntry>();
  private readonly log: Logger;
  private readonly subscription: vscode.Disposable;
  private lastState?: VersionsState;

  constructor(
    private readonly repos: RepositoryStore,
    log: Logger,
  ) {
    this.log = scoped(log, 'Versions');
    this.subscription = repos.onDidChange((repo) => (repo ? this.schedule(repo) : this.reconcile()));
    this.reconcile();
  }

  dispose(): void {
    for (const e of this.entries.values()) clearTimeout(e.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }

  get state(): VersionsState {
    if (this.repos.state === 'loading') return 'loading';
    if (this.repos.state !== 'ready') return 'noRepositories';
    if (this.packages.length) return 'ready';
    // A repository that could not be read at all has no packages to wait for.
    const waiting = this.repos.repositories.some((r) => !this.entries.get(r.root)?.loaded && !(r.error && !r.snapshot));
    return waiting ? 'loading' : 'noPackages';
  }

  /** Every package, in the order of the repositories. */
  get packages(): PackageModel[] {
    return this.repos.repositories.flatMap((r) => this.entries.get(r.root)?.packages ?? []);
  }

  /** The repositories with their packages, in order; `monorepo` when the packages are folders of it. */
  get groups(): Array<{ repo: RepositoryModel; monorepo: boolean; packages: PackageModel[] }> {
    return this.repos.repositories.flatMap((repo) => {
      const e = this.entries.get(repo.root);
      return e?.packages.length ? [{ repo, monorepo: e.monorepo, packages: e.packages }] : [];
    });
  }

  /** Whether the last load found the repository's packages in folders (a monorepo). */
  isMonorepo(repo: RepositoryModel): boolean {
    return this.entries.get(repo.root)?.monorepo ?? false;
  }

  find(root: string, dir = '.'): PackageModel | undefined {
    const normal = path.resolve(root);
    const d = normalizeDir(dir);
    return this.entries.get(normal)?.packages.find((p) => p.dir === d);
  }

  /** The package a file belongs to: the deepest package folder containing it. */
  packageOf(fsPath: string): PackageModel | undefined {
    let best: PackageModel | undefined;
    for (const p of this.packages) {
      const rel = path.relative(p.absoluteDir, fsPath);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      if (!best || p.absoluteDir.length > best.absoluteDir.length) best = p;
    }
    return best;
  }

  /** Waits for the loads under way (tests, commands that read the model). */
  async settled(): Promise<void> {
    if (this.repos.state === 'loading') await this.repos.rescan();
    await Promise.all([...this.entries.values()].map((e) => e.next ?? e.running));
  }

  /** Re-reads every repository and plans every package again. */
  async refreshAll(): Promise<void> {
    await this.repos.rescan();
    await Promise.all(this.repos.repositories.map(async (repo) => {
      await this.repos.refresh(repo);
      await this.reload(repo, true);
    }));
  }

  /** Plans the packages of one repository again (coalesced like RepositoryStore.refresh). */
  reload(repo: RepositoryModel, force = false): Promise<void> {
    const entry = this.entry(repo);
    clearTimeout(entry.timer);
    if (entry.running) {
      entry.next ??= entry.running.then(() => {
        entry.next = undefined;
        return this.reload(repo, force);
      });
      return entry.next;
    }
    entry.running = this.load(entry, force).finally(() => (entry.running = undefined));
    return entry.running;
  }

  private entry(repo: RepositoryModel): RepoEntry {
    let entry = this.entries.get(repo.root);
    if (!entry || entry.repo !== repo) {
      entry = { repo, packages: [], monorepo: false, loaded: false };
      this.entries.set(repo.root, entry);
    }
    return entry;
  }

  private reconcile(): void {
    const roots = new Set(this.repos.repositories.map((r) => r.root));
    for (const [root, e] of this.entries) if (!roots.has(root)) {
      clearTimeout(e.timer);
      this.entries.delete(root);
    }
    for (const repo of this.repos.repositories) if (!this.entries.has(repo.root) && repo.snapshot) void this.reload(repo);
    this.fire(undefined);
  }

  /** Repository events come in bursts (snapshot, then GitHub): plan once they settle. */
  private schedule(repo: RepositoryModel): void {
    const entry = this.entry(repo);
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void this.reload(repo), 150);
  }

  private async load(entry: RepoEntry, force: boolean): Promise<void> {
    const { repo } = entry;
    const s = repo.snapshot;
    if (!s) return; // not read yet: its change event brings us back
    const fingerprint = JSON.stringify([s.head, s.tags.map((t) => `${t.name}:${t.sha}`), s.files]);
    if (!force && entry.loaded && fingerprint === entry.fingerprint) return;
    entry.fingerprint = fingerprint;
    const started = Date.now();
    try {
      if (s.empty) {
        entry.packages = [];
        return;
      }
      const config: SdlcConfig | Error = await loadConfig(repo.root).then(
        (c) => c.config,
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      );
      const found = config instanceof Error ? config : await discoverPackages(repo.root, config).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      const dirs = found instanceof Error ? ['.'] : found;
      entry.monorepo = dirs.length > 1 || dirs[0] !== '.';
      const planned =
        found instanceof Error || config instanceof Error
          ? [{ dir: '.', name: repo.name, state: { status: 'error' as const, error: toErrorInfo(found) } }]
          : await this.planAll(repo, dirs, config);
      const packages: PackageModel[] = [];
      for (const p of planned) {
        const model = entry.packages.find((m) => m.dir === p.dir) ?? new PackageModel(repo, p.dir, p.name);
        model.name = p.name;
        model.state = p.state;
        packages.push(model);
      }
      entry.packages = packages;
      this.log.info(`${repo.name}: ${packages.map((p) => `${p.name} ${describeState(p.state)}`).join(', ') || 'no package'} [${Date.now() - started} ms]`);
    } catch (e) {
      this.log.error(`${repo.name}: planning failed: ${errorMessage(e)}`);
      for (const p of entry.packages) p.state = { status: 'error', error: toErrorInfo(e) };
    } finally {
      entry.loaded = true;
      this.fire(undefined);
    }
  }

  /**
   * The release every package would make now, planned together as `SDLC: Bump Version…` on the
   * repository would (planReleases: internal dependency ranges follow, each file in one plan). When
   * that fails, each package is planned alone so the error shows on the package it is about.
   */
  private async planAll(repo: RepositoryModel, dirs: string[], config: SdlcConfig): Promise<Array<{ dir: string; name: string; state: PackageState }>> {
    const base: PlanReleaseOptions = { tagFormat: config.versioning?.tagFormat, changelog: config.versioning?.changelog, github: repo.githubRemote()?.github ?? null };
    const versionFiles = config.versioning?.versionFiles ?? [];
    let together: ReleasePlan[] | undefined;
    try {
      together = await planReleases(repo.git, { ...base, packages: dirs, versionFiles });
    } catch (e) {
      if (dirs.length > 1) this.log.info(`${repo.name}: planning the packages together failed (${errorMessage(e)}); planning each alone`);
    }
    // The root found only because nothing else was (no `packages`, no workspaces) must look like a package.
    const implicitRoot = dirs.length === 1 && dirs[0] === '.' && !config.packages?.length;
    const out: Array<{ dir: string; name: string; state: PackageState }> = [];
    for (const dir of dirs) {
      const own = versionFiles.filter((vf) => owningPackage(dirs, vf.path.replace(/\\/g, '/')) === dir);
      const planned = await this.plan(repo, dir, { ...base, versionFiles: own }, implicitRoot, together);
      if (planned) out.push({ dir, ...planned });
    }
    return out;
  }

  /**
   * The release a package would make now (taken from `together` when given, else planned alone), or
   * null when the implicit root is not a package (no package.json and no release tag).
   */
  private async plan(
    repo: RepositoryModel,
    dir: string,
    base: PlanReleaseOptions,
    implicitRoot: boolean,
    together: ReleasePlan[] | undefined,
  ): Promise<{ name: string; state: PackageState } | null> {
    const manifestPath = path.join(repo.root, ...(dir === '.' ? [] : dir.split('/')), 'package.json');
    const manifestText = await fs.readFile(manifestPath, 'utf8').catch(() => null);
    const relManifest = dir === '.' ? 'package.json' : `${dir}/package.json`;
    let name = dir === '.' ? repo.name : path.posix.basename(dir);
    try {
      if (manifestText !== null) name = readManifest(manifestText, relManifest).name ?? name;
    } catch {
      /* reported by planRelease below, with line and column */
    }
    const hidden = (previousTag: string | null | undefined) => implicitRoot && manifestText === null && !previousTag;
    /** No commits since the last release: `message` is planRelease's, else said the same way. */
    const nothing = async (message?: string) => {
      const format = compileTagFormat(base.tagFormat ?? (dir === '.' ? DEFAULT_TAG_FORMAT : MONOREPO_TAG_FORMAT), name);
      const last = await findLastRelease(repo.git, format);
      if (hidden(last?.tag)) return null;
      const current = manifestText !== null ? manifestVersion(manifestText, relManifest) : (last?.version ?? '0.0.0');
      return { name, state: { status: 'nothing' as const, current, lastTag: last?.tag ?? null, message: message ?? `No commits${dir === '.' ? '' : ` in ${dir}`} since ${last ? last.tag : 'the first commit'}: nothing to release.` } };
    };
    try {
      if (together) {
        const plan = together.find((p) => p.packageDir === dir);
        if (!plan) return await nothing();
        if (hidden(plan.previousTag)) return null;
        return { name: plan.package, state: { status: 'ready', plan } };
      }
      const plan = await planRelease(repo.git, { ...base, packageDir: dir });
      if (hidden(plan.previousTag)) return null;
      return { name: plan.package, state: { status: 'ready', plan } };
    } catch (e) {
      if (e instanceof SdlcError && e.code === 'NothingToRelease') {
        try {
          return await nothing(e.message);
        } catch (inner) {
          return { name, state: { status: 'error', error: toErrorInfo(inner) } };
        }
      }
      if (implicitRoot && manifestText === null) {
        this.log.info(`${repo.name}: ${dir} is not a package (${errorMessage(e)})`);
        return null;
      }
      return { name, state: { status: 'error', error: toErrorInfo(e) } };
    }
  }

  private fire(pkg: PackageModel | undefined): void {
    const state = this.state;
    if (state !== this.lastState) {
      this.lastState = state;
      void vscode.commands.executeCommand('setContext', ContextKeys.versionsState, state);
    }
    this.changed.fire(pkg);
  }
}

function normalizeDir(dir: string): string {
  const d = path.posix.normalize(dir.replace(/\\/g, '/')).replace(/\/+$/, '');
  return d === '' || d === './' ? '.' : d;
}

export function describeState(state: PackageState): string {
  switch (state.status) {
    case 'loading':
      return 'loading…';
    case 'ready':
      return `${state.plan.current} → ${state.plan.next} (${state.plan.releaseType})`;
    case 'nothing':
      return `${state.current} · nothing to release`;
    case 'error':
      return state.error.code;
  }
}
