import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadConfig, type SdlcConfig } from '../../core/config/config';
import { errorMessage } from '../../core/errors';
import { scoped, type Logger } from '../../core/log';
import { planRepository, type MemberPackage } from '../../core/versioning/service';
import { ContextKeys } from '../ids';
import type { RepositoryModel } from '../repositories/repositoryModel';
import { toErrorInfo, type RepositoryStore } from '../repositories/repositoryStore';
import { PackageModel, type PackageState } from './packageModel';

interface PlannedView {
  dir: string;
  name: string;
  ecosystem: string | null;
  where: string | null;
  members: MemberPackage[];
  state: PackageState;
}

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

  /**
   * Repository events come in bursts (snapshot, then GitHub): plan once they settle. The first plan of
   * a repository starts as soon as it has been read (the view waits for it; what comes after is planned
   * again only if HEAD, tags or files changed).
   */
  private schedule(repo: RepositoryModel): void {
    const entry = this.entry(repo);
    clearTimeout(entry.timer);
    if (!entry.loaded && !entry.running && repo.snapshot) {
      void this.reload(repo);
      return;
    }
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
      const planned = config instanceof Error ? config : await this.planAll(repo, config).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      const list = planned instanceof Error ? [{ dir: '.', name: repo.name, ecosystem: null, where: null, members: [], state: { status: 'error' as const, error: toErrorInfo(planned) } }] : planned.packages;
      entry.monorepo = planned instanceof Error ? false : planned.monorepo;
      const packages: PackageModel[] = [];
      for (const p of list) {
        const model = entry.packages.find((m) => m.dir === p.dir) ?? new PackageModel(repo, p.dir, p.name);
        model.name = p.name;
        model.ecosystem = p.ecosystem;
        model.where = p.where;
        model.members = p.members;
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
   * The release every package would make now, from the planning service (the same plans as
   * `SDLC: Bump Version…` and `sdlc bump`): one read of the history for all packages, each package
   * with its ecosystem and where its version lives; a package that cannot be planned shows its error.
   */
  private async planAll(repo: RepositoryModel, config: SdlcConfig): Promise<{ monorepo: boolean; packages: PlannedView[] }> {
    const result = await planRepository(repo.git, { config, github: repo.githubRemote()?.github ?? null });
    // A root with no manifest and no release tag, found only because nothing else was, is not a package.
    const implicit = !config.packages?.length;
    const packages: PlannedView[] = [];
    for (const p of result.packages) {
      if (implicit && p.dir === '.' && p.ecosystem === null && p.lastTag === null && p.state.status !== 'error') continue;
      const where = p.where + (p.currentSource === 'tag' && p.lastTag ? ` (current version ${p.current ?? ''} from the tag ${p.lastTag})` : '');
      const base = { dir: p.dir, name: p.name, ecosystem: p.ecosystem, where, members: p.memberPackages };
      if (p.state.status === 'ready') {
        const plan = p.state.plan;
        for (const w of result.warnings) if (!plan.warnings.includes(w)) plan.warnings.push(w);
        packages.push({ ...base, state: { status: 'ready', plan } });
      } else if (p.state.status === 'nothing') {
        packages.push({ ...base, state: { status: 'nothing', current: p.current ?? '0.0.0', lastTag: p.lastTag, message: p.state.message } });
      } else {
        packages.push({ ...base, state: { status: 'error', error: toErrorInfo(p.state.error) } });
      }
    }
    return { monorepo: result.monorepo && packages.length > 0, packages };
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
