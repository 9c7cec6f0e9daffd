/**
 * GitHub Actions data of each repository's current branch: workflow runs, and per run (loaded when
 * asked for) jobs with steps and artifacts. Polls only while a run of the branch is in progress
 * (ETags: an unchanged list is a 304; backoff through `Poller`; paused while the window is not
 * focused), and tells when a run it watched finishes. Fires `onDidChange` on any change.
 */
import * as vscode from 'vscode';
import { errorMessage, SdlcError } from '../../core/errors';
import type { GitHubRepoRef } from '../../core/git/git';
import { GitHubActions, isRunInProgress, type WorkflowArtifact, type WorkflowJob, type WorkflowRun } from '../../core/github/actions';
import { GitHubError } from '../../core/github/github';
import { Poller } from '../../core/github/poller';
import { scoped, type Logger } from '../../core/log';
import type { GitHubAuth } from '../auth';
import type { ErrorInfo, RepositoryModel } from '../repositories/repositoryModel';
import type { RepositoryStore } from '../repositories/repositoryStore';

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: ErrorInfo };

export interface RepoCi {
  root: string;
  repo: GitHubRepoRef;
  branch: string;
  state: 'loading' | 'ready' | 'signedOut' | 'error';
  error?: ErrorInfo;
  runs: WorkflowRun[];
  jobs: Map<number, Loadable<WorkflowJob[]>>;
  artifacts: Map<number, Loadable<WorkflowArtifact[]>>;
  poller?: Poller;
  /** Runs seen in progress: a notification when they finish. */
  watched: Set<number>;
  loading?: Promise<void>;
}

export interface CiNotification {
  root: string;
  runId: number;
  message: string;
}

export class CiStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly entries = new Map<string, RepoCi>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly log: Logger;
  private focused = vscode.window.state.focused;
  /** Notifications shown (for tests and the log). */
  readonly notifications: CiNotification[] = [];

  constructor(
    readonly repositories: RepositoryStore,
    private readonly auth: GitHubAuth,
    log: Logger,
  ) {
    this.log = scoped(log, 'CI');
    this.disposables.push(
      auth.onDidChange(() => this.reloadAll()),
      repositories.onDidChange((repo) => repo && this.branchMayHaveChanged(repo)),
      vscode.window.onDidChangeWindowState((s) => {
        this.focused = s.focused;
        for (const e of this.entries.values()) if (s.focused) e.poller?.resume(); else e.poller?.pause();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('sdlc.ci.pollInterval') && this.restartPollers()),
    );
  }

  dispose(): void {
    for (const e of this.entries.values()) e.poller?.dispose();
    this.entries.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }

  /** Actions API of the signed-in client; `SignedOut` when there are no credentials. */
  async actions(): Promise<GitHubActions> {
    const github = await this.auth.github();
    if (!github) throw new SdlcError('SignedOut', 'Sign in to GitHub to see and control CI runs.');
    return new GitHubActions(github);
  }

  /** The CI data of a repository's current branch; starts loading it on first ask. Undefined without a GitHub remote or branch. */
  entryFor(model: RepositoryModel): RepoCi | undefined {
    const remote = model.githubRemote();
    const branch = model.snapshot?.head.branch;
    if (!remote || !branch) return undefined;
    let entry = this.entries.get(model.root);
    if (!entry || entry.branch !== branch || entry.repo.owner !== remote.github.owner || entry.repo.repo !== remote.github.repo) {
      entry?.poller?.dispose();
      entry = { root: model.root, repo: remote.github, branch, state: 'loading', runs: [], jobs: new Map(), artifacts: new Map(), watched: new Set() };
      this.entries.set(model.root, entry);
      void this.load(entry);
    }
    return entry;
  }

  /** Something outside the store changed what the section shows (e.g. an import into the history). */
  touch(): void {
    this.changed.fire();
  }

  entryByRoot(root: string): RepoCi | undefined {
    return this.entries.get(root);
  }

  /** Re-reads the runs (and the jobs / artifacts already shown). Resolves when done. */
  async refresh(entry: RepoCi): Promise<void> {
    await this.load(entry);
  }

  /** Loads the jobs of a run once (refresh re-reads them). */
  ensureJobs(entry: RepoCi, runId: number): Loadable<WorkflowJob[]> {
    return this.ensure(entry.jobs, runId, () => this.loadJobs(entry, runId));
  }

  ensureArtifacts(entry: RepoCi, runId: number): Loadable<WorkflowArtifact[]> {
    return this.ensure(entry.artifacts, runId, () => this.loadArtifacts(entry, runId));
  }

  async loadJobs(entry: RepoCi, runId: number): Promise<WorkflowJob[]> {
    return loadInto(entry.jobs, runId, async () => (await this.actions()).listJobs({ repo: entry.repo, runId }));
  }

  async loadArtifacts(entry: RepoCi, runId: number): Promise<WorkflowArtifact[]> {
    return loadInto(entry.artifacts, runId, async () => (await this.actions()).listArtifacts({ repo: entry.repo, runId }));
  }

  /** The cached value, or 'loading' while it loads in the background; the view updates when it is ready or failed. */
  private ensure<T>(cache: Map<number, Loadable<T>>, runId: number, load: () => Promise<T>): Loadable<T> {
    const current = cache.get(runId);
    if (current) return current;
    cache.set(runId, { state: 'loading' });
    // A failure is kept in the cache as an error state (shown as a node), not an unhandled rejection.
    void load().then(
      () => this.changed.fire(),
      () => this.changed.fire(),
    );
    return { state: 'loading' };
  }

  private load(entry: RepoCi): Promise<void> {
    // Coalesced: one load per repository at a time.
    entry.loading ??= this.fetchRuns(entry)
      .then(() => undefined)
      .finally(() => (entry.loading = undefined));
    return entry.loading;
  }

  /** One poll: the runs of the branch; jobs of runs that changed and are shown. 'changed' when anything did. */
  private async fetchRuns(entry: RepoCi): Promise<'changed' | 'unchanged'> {
    if (!(await this.auth.token())) {
      entry.state = 'signedOut';
      entry.runs = [];
      this.updatePolling(entry);
      this.changed.fire();
      return 'unchanged';
    }
    let runs: WorkflowRun[];
    try {
      runs = await (await this.actions()).listWorkflowRuns(entry.repo, { branch: entry.branch });
    } catch (e) {
      entry.state = 'error';
      entry.error = errorInfo(e);
      this.log.warn(`runs of ${entry.repo.owner}/${entry.repo.repo}@${entry.branch}: ${entry.error.message}`);
      this.changed.fire();
      throw e;
    }
    if (this.entries.get(entry.root) !== entry) return 'unchanged'; // replaced meanwhile (branch switch)
    const before = new Map(entry.runs.map((r) => [r.id, r]));
    const changedRuns = runs.filter((r) => before.get(r.id)?.updatedAt !== r.updatedAt || isRunInProgress(r));
    const changed = entry.state !== 'ready' || runs.length !== entry.runs.length || changedRuns.some((r) => before.get(r.id)?.updatedAt !== r.updatedAt);
    entry.state = 'ready';
    entry.error = undefined;
    entry.runs = runs;
    // Jobs and artifacts already shown follow their run.
    await Promise.all(
      changedRuns.flatMap((r) => [
        entry.jobs.get(r.id)?.state === 'ready' ? this.loadJobs(entry, r.id).catch(() => undefined) : undefined,
        entry.artifacts.has(r.id) && before.get(r.id)?.updatedAt !== r.updatedAt ? this.loadArtifacts(entry, r.id).catch(() => undefined) : undefined,
      ]),
    );
    this.notifyFinished(entry, runs);
    this.updatePolling(entry);
    // Running runs' durations move on: the view updates on every poll while something runs.
    if (changed || runs.some(isRunInProgress)) this.changed.fire();
    return changed ? 'changed' : 'unchanged';
  }

  private notifyFinished(entry: RepoCi, runs: WorkflowRun[]): void {
    for (const run of runs) {
      if (isRunInProgress(run)) {
        entry.watched.add(run.id);
        continue;
      }
      if (!entry.watched.delete(run.id)) continue;
      const message = `${run.name} #${run.runNumber} on ${entry.branch}: ${run.conclusion ?? 'completed'}`;
      this.log.info(`run finished: ${message}`);
      if (!vscode.workspace.getConfiguration('sdlc.ci').get<boolean>('notifyOnCompletion', true)) continue;
      this.notifications.push({ root: entry.root, runId: run.id, message });
      const show = run.conclusion === 'failure' || run.conclusion === 'timed_out' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(message, 'Open on GitHub').then((a) => a && vscode.env.openExternal(vscode.Uri.parse(run.htmlUrl)));
    }
  }

  /** Polls while a run is in progress; stops when none is. */
  private updatePolling(entry: RepoCi): void {
    const active = entry.state === 'ready' && entry.runs.some(isRunInProgress);
    if (!active) {
      entry.poller?.dispose();
      entry.poller = undefined;
      return;
    }
    if (entry.poller) return;
    const seconds = Math.max(1, vscode.workspace.getConfiguration('sdlc.ci').get<number>('pollInterval', 15));
    entry.poller = new Poller({
      tick: () => this.fetchRuns(entry),
      baseIntervalMs: seconds * 1000,
      maxIntervalMs: Math.max(seconds * 1000, 300_000),
      logger: this.log,
    });
    entry.poller.start();
    if (!this.focused) entry.poller.pause();
  }

  private restartPollers(): void {
    for (const e of this.entries.values()) {
      e.poller?.dispose();
      e.poller = undefined;
      this.updatePolling(e);
    }
  }

  private reloadAll(): void {
    for (const e of this.entries.values()) void this.load(e).catch(() => undefined);
  }

  private branchMayHaveChanged(model: RepositoryModel): void {
    const entry = this.entries.get(model.root);
    if (!entry) return;
    if (model.snapshot?.head.branch !== entry.branch) {
      entry.poller?.dispose();
      this.entries.delete(model.root);
      this.changed.fire();
    }
  }
}

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof GitHubError) return { code: e.githubCode, message: e.message, resetAt: e.details.resetAt };
  if (e instanceof SdlcError) return { code: e.code, message: e.message };
  return { code: 'Unknown', message: errorMessage(e) };
}

/** Runs `fetch` and stores its result (or its failure) in `cache` under `runId`; failures are rethrown. */
async function loadInto<T>(cache: Map<number, Loadable<T>>, runId: number, fetch: () => Promise<T>): Promise<T> {
  try {
    const value = await fetch();
    cache.set(runId, { state: 'ready', value });
    return value;
  } catch (e) {
    cache.set(runId, { state: 'error', error: errorInfo(e) });
    throw e;
  }
}
