import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { SdlcError, errorMessage } from '../../core/errors';
import { scoped, type Logger } from '../../core/log';
import {
  appendRun,
  createRunRecord,
  loadHistory,
  onlyTargets,
  runSuite,
  type OutputStream,
  type RerunTarget,
  type SuiteRunResult,
  type TestReport,
  type TestRunRecord,
  type TestSuite,
} from '../../core/testing';
import { ProcessTrees } from '../../core/testing/processTree';
import type { ErrorInfo, RepositoryModel } from '../repositories/repositoryModel';
import { toErrorInfo, type RepositoryStore } from '../repositories/repositoryStore';
import { historyFile } from './historyLocation';
import { loadSuites, reportFromExit } from './suites';

/** What the Test Runs view knows about one repository. */
export interface RepoTests {
  repo: RepositoryModel;
  suites: TestSuite[];
  suitesError?: ErrorInfo;
  /** Oldest first, as the history file keeps them. */
  history: TestRunRecord[];
  historyError?: ErrorInfo;
  /** Names of the suites running now. */
  running: Set<string>;
  loaded: boolean;
}

export type TestRunsState = 'loading' | 'noFolder' | 'noRepositories' | 'noSuites' | 'ready';

export type SuiteRunOutcome =
  | { cancelled: true; suite: string }
  | { cancelled: false; suite: string; error: { code: string; message: string } }
  | { cancelled: false; suite: string; result: SuiteRunResult; report: TestReport; record: TestRunRecord; error?: undefined };

/**
 * The Test Runs data: per repository of the RepositoryStore, its suites (`.sdlc.json` or detected)
 * and its run history (extension storage). Runs suites and records them. Fires `onDidChange` when
 * anything changed; the tree provider and the TestController only read it.
 */
export class TestRunsStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly entries = new Map<string, RepoTests>();
  private readonly log: Logger;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private loading?: Promise<void>;
  private reloadTimer?: NodeJS.Timeout;
  /**
   * Every suite process this store started: disposing the store (the extension deactivates: window
   * closed or reloaded) ends their whole trees, as Cancel does.
   */
  readonly processes = new ProcessTrees();

  constructor(
    private readonly repositories: RepositoryStore,
    private readonly options: { log: Logger; storageDir: string; historyLimit?: () => number },
  ) {
    this.log = scoped(options.log, 'Tests');
    const configWatcher = vscode.workspace.createFileSystemWatcher('**/{.sdlc.json,package.json}');
    const schedule = () => this.scheduleReload();
    this.disposables.push(
      configWatcher,
      configWatcher.onDidChange(schedule),
      configWatcher.onDidCreate(schedule),
      configWatcher.onDidDelete(schedule),
      repositories.onDidChange((repo) => {
        if (repo === undefined) void this.refresh();
      }),
    );
  }

  get state(): TestRunsState {
    const s = this.repositories.state;
    if (s === 'loading' || this.loading) return 'loading';
    if (s === 'noFolder') return 'noFolder';
    if (s !== 'ready') return 'noRepositories';
    const all = this.list();
    return all.some((e) => e.suites.length > 0 || e.history.length > 0 || e.suitesError) ? 'ready' : 'noSuites';
  }

  /** The repositories, in the order of the Repositories view. */
  list(): RepoTests[] {
    return this.repositories.repositories.map((r) => this.entries.get(r.root)).filter((e): e is RepoTests => e !== undefined);
  }

  async entryFor(root: string): Promise<RepoTests> {
    if (this.repositories.state === 'loading') await this.repositories.rescan();
    const repo = this.repositories.find(root);
    if (!repo) throw new SdlcError('NotARepository', `${root} is not one of the workspace's repositories.`, { usage: true });
    await this.ensureLoaded();
    let entry = this.entries.get(repo.root);
    if (!entry) {
      await this.refresh();
      entry = this.entries.get(repo.root);
    }
    if (!entry) throw new SdlcError('NotARepository', `${root} is not one of the workspace's repositories.`, { usage: true });
    return entry;
  }

  historyFile(root: string): string {
    return historyFile(root, this.options.storageDir);
  }

  /** Loads everything once (the first caller waits; later callers get what is there). */
  async ensureLoaded(): Promise<void> {
    if (this.repositories.state === 'loading') await this.repositories.rescan();
    if (this.loading) return this.loading;
    if (this.repositories.repositories.some((r) => !this.entries.get(r.root)?.loaded)) await this.refresh();
  }

  /** Re-reads suites and history of every repository (`rescan`: look for repositories again first). */
  async refresh(options: { rescan?: boolean } = {}): Promise<void> {
    if (options.rescan) await this.repositories.rescan();
    return this.reload();
  }

  private reload(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
      this.changed.fire();
    });
    return this.loading;
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.refresh(), 300);
  }

  private async load(): Promise<void> {
    if (this.repositories.state === 'loading') await this.repositories.rescan();
    const repos = this.repositories.repositories;
    for (const root of [...this.entries.keys()]) if (!repos.some((r) => r.root === root)) this.entries.delete(root);
    await Promise.all(
      repos.map(async (repo) => {
        const entry = this.entries.get(repo.root) ?? { repo, suites: [], history: [], running: new Set<string>(), loaded: false };
        this.entries.set(repo.root, entry);
        try {
          entry.suites = await loadSuites(repo.root);
          entry.suitesError = undefined;
        } catch (e) {
          entry.suites = [];
          entry.suitesError = toErrorInfo(e);
          this.log.warn(`suites of ${repo.root}: ${entry.suitesError.message}`);
        }
        await this.readHistory(entry);
        entry.loaded = true;
      }),
    );
  }

  private async readHistory(entry: RepoTests): Promise<void> {
    try {
      entry.history = await loadHistory(this.historyFile(entry.repo.root));
      entry.historyError = undefined;
    } catch (e) {
      entry.historyError = toErrorInfo(e);
      this.log.warn(`history of ${entry.repo.root}: ${entry.historyError.message}`);
    }
  }

  /** Re-reads the history files (another writer, e.g. a CI import, changed them). */
  async reloadHistory(): Promise<void> {
    await Promise.all(this.list().map((e) => this.readHistory(e)));
    this.changed.fire();
  }

  /**
   * Runs one suite and records it in the history. Cancelled runs are not recorded. A run without a
   * report (none configured, or it could not be read) is recorded as one test named after the suite,
   * failed unless the command exited 0 with no report expected.
   */
  async run(
    entry: RepoTests,
    suite: TestSuite,
    options: { signal?: AbortSignal; onOutput?: (text: string, stream: OutputStream) => void; only?: readonly RerunTarget[] } = {},
  ): Promise<SuiteRunOutcome> {
    if (entry.running.has(suite.name)) throw new SdlcError('AlreadyRunning', `The suite "${suite.name}" is already running.`);
    entry.running.add(suite.name);
    this.changed.fire();
    try {
      const revision = revisionOf(entry.repo);
      const result = await runSuite(suite, { signal: options.signal, onOutput: options.onOutput, logger: this.log, processes: this.processes });
      if (result.cancelled) return { cancelled: true, suite: suite.name };
      // A filtered re-run: the tests the filter left out (node --test reports them skipped) are not part of it.
      const report = result.report ? (options.only ? onlyTargets(result.report, options.only) : result.report) : reportFromExit(suite, result);
      for (const w of report.warnings ?? []) this.log.warn(`[Tests] ${suite.name}: ${w}`);
      const { branch, commit } = await revision;
      const record = createRunRecord(report, { suite: suite.name, kind: suite.kind, branch, commit });
      try {
        entry.history = await appendRun(this.historyFile(entry.repo.root), record, { limit: this.options.historyLimit?.() });
        entry.historyError = undefined;
      } catch (e) {
        entry.historyError = toErrorInfo(e);
        this.log.error(`recording the run of ${suite.name}: ${errorMessage(e)}`);
      }
      return { cancelled: false, suite: suite.name, result, report, record };
    } finally {
      entry.running.delete(suite.name);
      this.changed.fire();
    }
  }

  async clearHistory(entry: RepoTests): Promise<void> {
    await fs.rm(this.historyFile(entry.repo.root), { force: true });
    entry.history = [];
    entry.historyError = undefined;
    this.changed.fire();
  }

  /** Ends every running suite's process tree (SIGTERM now, SIGKILL after a grace) and stops watching. */
  dispose(): void {
    clearTimeout(this.reloadTimer);
    void this.processes.dispose().catch((e: unknown) => this.log.error(`ending the suites' processes: ${errorMessage(e)}`));
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/** Branch and commit the run is about, read when it starts (a checkout during the run does not move it). */
async function revisionOf(repo: RepositoryModel): Promise<{ branch: string | null; commit: string | null }> {
  const [commit, branch] = await Promise.all([
    repo.git.resolve('HEAD').catch(() => null),
    repo.git
      .run(['symbolic-ref', '--short', '-q', 'HEAD'])
      .then((s) => s.trim() || null)
      .catch(() => null),
  ]);
  return { branch, commit };
}
