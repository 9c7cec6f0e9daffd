/**
 * The Deployments view's data: for every repository with a GitHub remote, its environments (GitHub's
 * merged with `.sdlc.json`), what is deployed in each now, the recent history, the deployments of
 * runs waiting for a review, and health (probed in the background while the view is visible, at the
 * environment's `healthInterval`, backing off on failure; latency p50/p95 and uptime over the last
 * hour kept per check). Fires `onDidChange`; `onHealthChange` when an environment changes state.
 */
import * as vscode from 'vscode';
import { resolveActor } from '../../core/audit/actor';
import { assertValidConfig, loadConfig, type SdlcConfig } from '../../core/config/config';
import { commitCiState, ContinuousDelivery, type TickOutcome } from '../../core/deploy/continuous';
import { Deployer, type DeployEvent } from '../../core/deploy/deployer';
import { currentDeployment, type DeployEnvironment, type DeploymentSummary } from '../../core/deploy/environments';
import { GitHubDeployments, type PendingDeployment } from '../../core/deploy/githubDeploy';
import { probeAll, worstState, type HealthState, type ProbeResult } from '../../core/deploy/health';
import { environmentChecks, type EnvironmentCheck } from '../../core/deploy/healthConfig';
import { HealthHistory, nextProbeDelay, type HealthStats } from '../../core/deploy/healthHistory';
import { SdlcError, errorMessage } from '../../core/errors';
import { scoped, type Logger } from '../../core/log';
import type { AuditService } from '../audit';
import type { GitHubAuth } from '../auth';
import type { RepositoryModel } from '../repositories/repositoryModel';
import type { RepositoryStore } from '../repositories/repositoryStore';

/** Deployments per page of an environment's history in the view. */
export const HISTORY_PAGE = 10;

export interface EnvironmentView {
  env: DeployEnvironment;
  current: DeploymentSummary | null;
  /** Newest first: the first `historyPages` pages of HISTORY_PAGE deployments. */
  history: DeploymentSummary[];
  historyPages: number;
  /** GitHub has older deployments than `history` holds (the last page was full). */
  historyMore: boolean;
  health: HealthState | 'unknown';
  checks: Array<ProbeResult & { target: string | null; stats: HealthStats }>;
  continuous: boolean;
}

export interface PendingRun {
  runId: number;
  runUrl: string;
  name: string;
  ref: string;
  environments: PendingDeployment[];
}

export interface RepoDeployments {
  repo: RepositoryModel;
  state: 'loading' | 'ready' | 'error' | 'signedOut' | 'noGitHub';
  error?: string;
  environments: EnvironmentView[];
  pending: PendingRun[];
}

export class DeploymentsStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly healthChanged = new vscode.EventEmitter<{ repo: string; environment: string; from: HealthState | 'unknown'; to: HealthState | 'unknown' }>();
  readonly onHealthChange = this.healthChanged.event;
  private readonly log: Logger;
  private readonly entries = new Map<string, RepoDeployments>();
  private readonly history = new HealthHistory();
  private readonly continuous = new Map<string, { cd: ContinuousDelivery; timer: NodeJS.Timeout }>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private probeTimer?: NodeJS.Timeout;
  private failures = 0;
  private visible = false;
  private loading?: Promise<void>;
  private again?: Promise<void>;
  /** The shortest `healthInterval` (seconds) of the configured environments, default 60. */
  private intervalSeconds = 60;

  constructor(
    private readonly repos: RepositoryStore,
    private readonly auth: GitHubAuth,
    private readonly audit: AuditService,
    log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.log = scoped(log, 'Deployments');
    this.subscriptions.push(
      // A repository's remotes are known only once its first snapshot is read: one that looked
      // remote-less at the first load is loaded again when its GitHub remote shows up.
      repos.onDidChange((r) => (r === undefined || (this.entries.get(r.root)?.state === 'noGitHub' && r.githubRemote()) ? void this.refresh() : undefined)),
      auth.onDidChange(() => void this.refresh()),
    );
  }

  dispose(): void {
    clearTimeout(this.probeTimer);
    for (const c of this.continuous.values()) clearInterval(c.timer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
    this.healthChanged.dispose();
  }

  get repositories(): RepoDeployments[] {
    return this.repos.repositories.map((r) => this.entries.get(r.root) ?? { repo: r, state: 'loading', environments: [], pending: [] });
  }

  get pendingCount(): number {
    return [...this.entries.values()].reduce((n, e) => n + e.pending.reduce((m, p) => m + p.environments.length, 0), 0);
  }

  /** Background health probing only while the view is visible. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    clearTimeout(this.probeTimer);
    if (visible) this.scheduleProbe(0);
  }

  /** Reloads every repository; a refresh asked for while one runs makes one more run after it (never lost, never two at once). */
  refresh(): Promise<void> {
    if (this.loading) {
      this.again ??= this.loading.then(() => {
        this.again = undefined;
        return this.refresh();
      });
      return this.again;
    }
    this.loading = Promise.all(this.repos.repositories.map((r) => this.load(r))).then(
      () => {
        this.loading = undefined;
        this.changed.fire();
        // Health of what was just loaded, at once (not a whole interval later) while the view is visible.
        if (this.visible) this.scheduleProbe(0);
      },
      (e: unknown) => {
        this.loading = undefined;
        this.log.error(`refresh failed: ${errorMessage(e)}`);
      },
    );
    return this.loading;
  }

  /** The deployer of a repository (signed in, GitHub remote, valid config), with audit. */
  async deployer(root: string, hooks: { onEvent?: (e: DeployEvent) => void; approveWave?: (env: string, wave: string, ref: string) => Promise<boolean>; signal?: AbortSignal } = {}): Promise<{ deployer: Deployer; config: SdlcConfig; repo: RepositoryModel }> {
    const repo = this.repos.repositories.find((r) => r.root === root);
    if (!repo) throw new SdlcError('UnknownRepository', `${root} is not a repository of the workspace.`, { usage: true });
    const remote = repo.githubRemote();
    if (!remote) throw new SdlcError('NoGitHubRemote', `${repo.name} has no GitHub remote: deployments live on GitHub.`, { usage: true });
    const github = await this.auth.github();
    if (!github) throw new SdlcError('SignedOut', 'Sign in to GitHub to see and make deployments.');
    const config = assertValidConfig(await loadConfig(root));
    const log = await this.audit.logFor(root, repo.git);
    const actor = await resolveActor('vscode', repo.git, { githubLogin: this.auth.login });
    const deployer = new Deployer({
      github: new GitHubDeployments(github, remote.github),
      git: repo.git,
      config,
      audit: { log, actor },
      health: (environment, target) => this.healthOf(root, config, environment, target),
      ...hooks,
    });
    return { deployer, config, repo };
  }

  async gh(root: string): Promise<GitHubDeployments> {
    const repo = this.repos.repositories.find((r) => r.root === root);
    const remote = repo?.githubRemote();
    const github = await this.auth.github();
    if (!repo || !remote || !github) throw new SdlcError('SignedOut', 'Sign in to GitHub (and open a repository with a GitHub remote) to review deployments.');
    return new GitHubDeployments(github, remote.github);
  }

  private async load(repo: RepositoryModel): Promise<void> {
    const previous = this.entries.get(repo.root);
    const entry: RepoDeployments = { repo, state: 'loading', environments: previous?.environments ?? [], pending: previous?.pending ?? [] };
    if (!repo.githubRemote()) {
      this.entries.set(repo.root, { ...entry, state: 'noGitHub' });
      return;
    }
    if (!(await this.auth.token())) {
      this.entries.set(repo.root, { ...entry, state: 'signedOut' });
      return;
    }
    try {
      const { deployer } = await this.deployer(repo.root);
      const gh = await this.gh(repo.root);
      const envs = await deployer.environments();
      const views = await Promise.all(
        envs.map(async (env): Promise<EnvironmentView> => {
          const old = previous?.environments.find((e) => e.env.name === env.name);
          // As many pages as the user has loaded, in one request (GitHub pages hold at most 100).
          const historyPages = old?.historyPages ?? 1;
          const perPage = Math.min(100, HISTORY_PAGE * historyPages);
          const history = await deployer.history(env.name, perPage).catch(() => []);
          return {
            env,
            current: currentDeployment(history),
            history,
            historyPages: perPage / HISTORY_PAGE,
            historyMore: history.length === perPage,
            health: old?.health ?? 'unknown',
            checks: old?.checks ?? [],
            continuous: this.continuous.has(`${repo.root}\0${env.name}`),
          };
        }),
      );
      const pending = await this.pendingRuns(gh).catch(() => []);
      this.entries.set(repo.root, { repo, state: 'ready', environments: views, pending });
    } catch (e) {
      this.entries.set(repo.root, { ...entry, state: 'error', error: errorMessage(e) });
    }
  }

  private async pendingRuns(gh: GitHubDeployments): Promise<PendingRun[]> {
    const runs = await gh.waitingRuns();
    const out: PendingRun[] = [];
    for (const run of runs) {
      const environments = await gh.pendingDeployments(run.id);
      if (environments.length) out.push({ runId: run.id, runUrl: run.htmlUrl, name: run.name, ref: run.ref, environments });
    }
    return out;
  }

  /** Appends the next page of an environment's deployment history (older ones). */
  async loadMoreHistory(root: string, environment: string): Promise<number> {
    const view = this.entries.get(root)?.environments.find((v) => v.env.name === environment);
    if (!view) throw new SdlcError('UnknownEnvironment', `${environment} is not an environment shown for ${root}.`, { usage: true });
    const { deployer } = await this.deployer(root);
    const page = view.historyPages + 1;
    const older = await deployer.history(environment, HISTORY_PAGE, page);
    const seen = new Set(view.history.map((d) => d.id));
    view.history = [...view.history, ...older.filter((d) => !seen.has(d.id))];
    view.historyPages = page;
    view.historyMore = older.length === HISTORY_PAGE;
    this.changed.fire();
    return older.length;
  }

  /** Probes every environment's checks once (all concurrently), records history, notifies changes. */
  async probeNow(): Promise<boolean> {
    let allOk = true;
    let interval = Infinity;
    for (const entry of this.entries.values()) {
      if (entry.state !== 'ready') continue;
      const config = await loadConfig(entry.repo.root).then((l) => l.config, () => ({}) as SdlcConfig);
      const checks: EnvironmentCheck[] = [];
      for (const env of config.environments ?? []) {
        checks.push(...(await environmentChecks(env, entry.repo.root).catch(() => [])));
        if (env.health !== undefined || env.targets?.length) interval = Math.min(interval, env.healthInterval ?? 60);
      }
      if (checks.length === 0) continue;
      const results = await probeAll(checks.map((c) => c.spec));
      const at = this.now();
      for (const view of entry.environments) {
        const mine = results.map((r, i) => ({ r, c: checks[i] })).filter((x) => x.c.environment === view.env.name);
        if (mine.length === 0) continue;
        for (const { r } of mine) this.history.record(r, at);
        const before = view.health;
        view.checks = mine.map(({ r, c }) => ({ ...r, target: c.target, stats: this.history.stats(r.check, at) }));
        view.health = worstState(mine.map((x) => x.r.state));
        if (view.health === 'unhealthy') allOk = false;
        if (before !== view.health && before !== 'unknown') this.healthChanged.fire({ repo: entry.repo.root, environment: view.env.name, from: before, to: view.health });
      }
    }
    this.intervalSeconds = Number.isFinite(interval) ? interval : 60;
    this.changed.fire();
    return allOk;
  }

  private scheduleProbe(delay: number): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      void this.probeNow().then(
        (ok) => {
          this.failures = ok ? 0 : this.failures + 1;
          if (this.visible) this.scheduleProbe(nextProbeDelay(this.intervalMs(), this.failures));
        },
        (e: unknown) => this.log.warn(`health probe failed: ${errorMessage(e)}`),
      );
    }, delay);
  }

  private intervalMs(): number {
    return this.intervalSeconds * 1000;
  }

  private async healthOf(root: string, config: SdlcConfig, environment: string, target: string | null): Promise<HealthState | 'unknown'> {
    const env = config.environments?.find((e) => e.name === environment);
    if (!env) return 'unknown';
    const all = await environmentChecks(env, root);
    const mine = all.filter((c) => c.target === target);
    const checks = mine.length ? mine : all.filter((c) => c.target === null);
    if (!checks.length) return 'unknown';
    return worstState((await probeAll(checks.map((c) => c.spec))).map((r) => r.state));
  }

  isContinuous(root: string, environment: string): boolean {
    return this.continuous.has(`${root}\0${environment}`);
  }

  get continuousCount(): number {
    return this.continuous.size;
  }

  /** Turns continuous delivery of an environment on or off (the branch of its strategy, default main). */
  async setContinuous(root: string, environment: string, on: boolean, onOutcome: (o: TickOutcome) => void): Promise<void> {
    const key = `${root}\0${environment}`;
    const existing = this.continuous.get(key);
    if (!on) {
      if (existing) clearInterval(existing.timer);
      this.continuous.delete(key);
      this.changed.fire();
      return;
    }
    if (existing) return;
    const { deployer, config, repo } = await this.deployer(root);
    const env = config.environments?.find((e) => e.name === environment);
    const branch = env?.strategy?.branch ?? 'main';
    const github = await this.auth.github();
    const remote = repo.githubRemote();
    if (!github || !remote) throw new SdlcError('SignedOut', 'Sign in to GitHub to use continuous delivery.');
    const history = await deployer.history(environment, 10);
    const cd = new ContinuousDelivery({
      environment,
      branch,
      lastDeployed: currentDeployment(history)?.sha ?? null,
      head: async () => {
        const { data } = await github.request<{ commit?: { sha?: string } }>('GET /repos/{owner}/{repo}/branches/{branch}', { owner: remote.github.owner, repo: remote.github.repo, branch });
        return data.commit?.sha ?? null;
      },
      ci: (sha) => commitCiState(github, remote.github, sha),
      deploy: async (sha) => {
        await repo.git.run(['fetch', '--quiet', '--', remote.name, branch]).catch(() => '');
        return deployer.deploy({ environment, ref: sha, confirmed: true, reason: `continuous delivery of ${branch}`, ...(env?.deploy?.workflow ? { ref: branch } : {}) });
      },
      onOutcome,
    });
    const timer = setInterval(() => void cd.tick(), 60_000);
    this.continuous.set(key, { cd, timer });
    this.changed.fire();
    void cd.tick();
  }
}
