import * as path from 'node:path';
import * as vscode from 'vscode';
import { SdlcError, errorMessage } from '../../core/errors';
import { redact } from '../../core/secrets';
import { TEST_KINDS, planRerun, type RerunTarget, type TestCase, type TestKind, type TestReport, type TestSuite } from '../../core/testing';
import { runnableSuites, topLevelSuites } from '../../core/testing/suite';
import type { RepoTests, SuiteRunOutcome, TestRunsStore } from './testRunsStore';

export const TEST_CONTROLLER_ID = 'sdlc.tests';
export const UNTRUSTED_MESSAGE = 'Test suites run commands from the repository: they are disabled in Restricted Mode. Trust the workspace to run them.';

/** Which suite a test item belongs to (every item's id starts with its suite's id). */
interface ItemData {
  root: string;
  suite?: string;
  /** A test (leaf) item: what a name filter selects it by. */
  test?: RerunTarget;
}

/** Suites to run, each whole or only some of its tests (a filtered re-run). */
export type SuiteSelection = Map<string, readonly RerunTarget[] | undefined>;

/**
 * The "SDLC Tests" TestController: repositories → suites (tagged with their kind) → file → describe
 * → test, filled from each run's report. One run profile per kind plus "All" (the default).
 * Runs go through the TestRunsStore, so they land in the history like every other run.
 */
export class SuiteTestController implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController(TEST_CONTROLLER_ID, 'SDLC Tests');
  private readonly tags = new Map<TestKind, vscode.TestTag>(TEST_KINDS.map((k) => [k, new vscode.TestTag(k)]));
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  private readonly disposables: vscode.Disposable[] = [this.controller];
  /** Cancellation of the runs in progress, by `root::suite`. */
  private readonly active = new Map<string, vscode.CancellationTokenSource>();
  /** Every suite's item by its id, wherever it sits (at the top of its repository or inside a group). */
  private readonly suiteItems = new Map<string, vscode.TestItem>();

  constructor(private readonly store: TestRunsStore) {
    this.controller.createRunProfile('All', vscode.TestRunProfileKind.Run, (request, token) => this.runRequest(request, token), true);
    for (const kind of TEST_KINDS) {
      this.controller.createRunProfile(capitalize(kind), vscode.TestRunProfileKind.Run, (request, token) => this.runRequest(request, token, kind), false, this.tags.get(kind));
    }
    this.controller.refreshHandler = () => this.store.refresh();
    this.controller.resolveHandler = async () => {
      await this.store.ensureLoaded();
      this.sync();
    };
    this.disposables.push(store.onDidChange(() => this.sync()));
  }

  /**
   * Keeps repository and suite items in step with the store (results under suites are kept). A
   * script that runs other suites (`test` → `test:unit`, `test:e2e`) is the group of its parts:
   * its item holds theirs, and running it runs each of them once.
   */
  sync(): void {
    const roots: vscode.TestItem[] = [];
    const seen = new Set<string>();
    for (const entry of this.store.list()) {
      if (entry.suites.length === 0) continue;
      const repoItem = this.controller.items.get(entry.repo.root) ?? this.controller.createTestItem(entry.repo.root, entry.repo.name, vscode.Uri.file(entry.repo.root));
      this.data.set(repoItem, { root: entry.repo.root });
      const byName = new Map(entry.suites.map((s) => [s.name, s]));
      const itemOf = (suite: TestSuite, path: ReadonlySet<string>): vscode.TestItem => {
        const id = suiteId(entry.repo.root, suite.name);
        const item = this.suiteItems.get(id) ?? this.controller.createTestItem(id, suite.name);
        this.suiteItems.set(id, item);
        seen.add(id);
        const group = suite.group?.partsOnly ? suite.group : undefined;
        item.description = group ? `group of ${group.parts.length}: ${group.parts.join(', ')} (${group.via})` : `${suite.kind}${suite.kindReason ? ` — ${suite.kindReason}` : ''}`;
        item.tags = group ? [...new Set(runnableSuites(entry.suites, [suite]).map((s) => this.tags.get(s.kind)!))] : [this.tags.get(suite.kind)!];
        item.busy = group ? runnableSuites(entry.suites, [suite]).some((s) => entry.running.has(s.name)) : entry.running.has(suite.name);
        this.data.set(item, { root: entry.repo.root, suite: suite.name });
        if (group) {
          const next = new Set(path).add(suite.name);
          const parts = group.parts.map((p) => byName.get(p)).filter((s): s is TestSuite => s !== undefined && !next.has(s.name));
          item.children.replace(parts.map((p) => itemOf(p, next)));
        }
        return item;
      };
      repoItem.children.replace(topLevelSuites(entry.suites).map((s) => itemOf(s, new Set())));
      roots.push(repoItem);
    }
    for (const id of [...this.suiteItems.keys()]) if (!seen.has(id)) this.suiteItems.delete(id);
    this.controller.items.replace(roots);
  }

  /** Runs suites of one repository as one test run; used by commands (tests, palette, Test Runs view). */
  async runSuites(entry: RepoTests, suites: TestSuite[], only?: SuiteSelection): Promise<SuiteRunOutcome[]> {
    assertTrusted();
    this.sync();
    const items = suites.map((s) => this.suiteItem(entry.repo.root, s.name)).filter((i): i is vscode.TestItem => i !== undefined);
    const request = new vscode.TestRunRequest(items);
    const source = new vscode.CancellationTokenSource();
    try {
      return await this.execute(request, entry, suites, source.token, only);
    } finally {
      source.dispose();
    }
  }

  /** Cancels runs in progress (of one suite, one repository, or all); returns how many. */
  cancel(root?: string, suite?: string): number {
    let n = 0;
    for (const [key, source] of this.active) {
      const [r, s] = splitKey(key);
      if ((root === undefined || r === root) && (suite === undefined || s === suite)) {
        source.cancel();
        n++;
      }
    }
    return n;
  }

  private async runRequest(request: vscode.TestRunRequest, token: vscode.CancellationToken, kind?: TestKind): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      return;
    }
    await this.store.ensureLoaded();
    this.sync();
    // Which suites of which repositories: the included items' suites, or all. When only test (leaf)
    // items of a suite are included — the Testing view's "Rerun Failed Tests", or one test — and its
    // runner takes a name filter, only those tests run; any other item runs its whole suite.
    const wanted = new Map<string, Set<string>>();
    const tests = new Map<string, RerunTarget[] | null>();
    const add = (root: string, suite: string) => (wanted.get(root) ?? wanted.set(root, new Set()).get(root)!).add(suite);
    const entries = this.store.list();
    if (request.include) {
      for (const item of request.include) {
        const d = this.dataOf(item);
        if (!d) continue;
        const entry = entries.find((e) => e.repo.root === d.root);
        if (!entry) continue;
        // A repository or a group: each suite it runs, once.
        const chosen = d.suite === undefined ? runnableSuites(entry.suites) : runnableSuites(entry.suites, entry.suites.filter((s) => s.name === d.suite));
        for (const s of chosen) add(d.root, s.name);
        const single = chosen.length === 1 && chosen[0].name === d.suite;
        if (single && d.suite !== undefined) {
          const key = `${d.root}\u001f${d.suite}`;
          const list = tests.has(key) ? tests.get(key)! : [];
          tests.set(key, d.test && list ? [...list, d.test] : null);
        } else {
          for (const s of chosen) tests.set(`${d.root}\u001f${s.name}`, null);
        }
      }
    } else {
      for (const e of entries) for (const s of runnableSuites(e.suites)) add(e.repo.root, s.name);
    }
    for (const item of request.exclude ?? []) {
      const d = this.dataOf(item);
      if (!d?.suite || item.id !== suiteId(d.root, d.suite)) continue;
      const entry = entries.find((e) => e.repo.root === d.root);
      for (const s of runnableSuites(entry?.suites ?? [], (entry?.suites ?? []).filter((x) => x.name === d.suite))) wanted.get(d.root)?.delete(s.name);
    }
    for (const entry of entries) {
      const names = wanted.get(entry.repo.root);
      if (!names) continue;
      const only: SuiteSelection = new Map();
      // `names` holds runnable suites only (groups were replaced by their parts above).
      const suites = entry.suites
        .filter((s) => names.has(s.name) && !s.group?.partsOnly && (kind === undefined || s.kind === kind))
        .map((s) => {
          const targets = tests.get(`${entry.repo.root}\u001f${s.name}`);
          if (!targets || targets.length === 0) return s;
          const plan = planRerun(s, targets.map((t) => ({ id: '', name: t.name, suite: [...t.suite] })));
          if (!plan.filtered) return s;
          only.set(s.name, plan.targets);
          return plan.suite;
        });
      if (suites.length === 0 || token.isCancellationRequested) continue;
      try {
        await this.execute(request, entry, suites, token, only);
      } catch (e) {
        void vscode.window.showErrorMessage(errorMessage(e));
      }
    }
  }

  private async execute(request: vscode.TestRunRequest, entry: RepoTests, suites: TestSuite[], token: vscode.CancellationToken, only?: SuiteSelection): Promise<SuiteRunOutcome[]> {
    const run = this.controller.createTestRun(request, suites.length === 1 ? `${entry.repo.name}: ${suites[0].name}` : entry.repo.name, true);
    const outcomes: SuiteRunOutcome[] = [];
    const sources: vscode.CancellationTokenSource[] = [];
    try {
      for (const suite of suites) {
        const item = this.suiteItem(entry.repo.root, suite.name);
        if (item) run.enqueued(item);
      }
      for (const suite of suites) {
        const item = this.suiteItem(entry.repo.root, suite.name);
        const source = new vscode.CancellationTokenSource();
        sources.push(source);
        const key = `${entry.repo.root}\u001f${suite.name}`;
        this.active.set(key, source);
        const abort = new AbortController();
        const subs = [token.onCancellationRequested(() => source.cancel()), run.token.onCancellationRequested(() => source.cancel()), source.token.onCancellationRequested(() => abort.abort())];
        if (token.isCancellationRequested || run.token.isCancellationRequested) source.cancel();
        try {
          if (item) run.started(item);
          const targets = only?.get(suite.name);
          run.appendOutput(`\x1b[2m> ${suite.name} (${suite.kind})${targets ? `, only ${targets.length} test${targets.length === 1 ? '' : 's'}` : ''} in ${suite.cwd}\x1b[0m\r\n`, undefined, item);
          const outcome = await this.store.run(entry, suite, {
            signal: abort.signal,
            only: targets,
            // The runner has redacted the output already; redacting again costs little and keeps it so here.
            onOutput: (text) => run.appendOutput(redact(text).replace(/\r?\n/g, '\r\n'), undefined, item),
          });
          outcomes.push(outcome);
          if (!item) continue;
          if (outcome.cancelled) {
            run.skipped(item);
            run.appendOutput('\r\nCancelled.\r\n', undefined, item);
          } else if (!outcome.error) {
            this.report(run, item, entry, suite, outcome.report, targets !== undefined);
            for (const w of outcome.report.warnings ?? []) run.appendOutput(`\x1b[33m! ${redact(w).replace(/\r?\n/g, '\r\n')}\x1b[0m\r\n`, undefined, item);
          }
        } catch (e) {
          if (item) run.errored(item, new vscode.TestMessage(errorMessage(e)));
          if (!(e instanceof SdlcError) || suites.length === 1) throw e;
          outcomes.push({ cancelled: false, suite: suite.name, error: { code: e.code, message: e.message } });
        } finally {
          this.active.delete(key);
          vscode.Disposable.from(...subs).dispose();
        }
      }
      return outcomes;
    } finally {
      run.end();
      for (const s of sources) s.dispose();
    }
  }

  /**
   * The report → test items under the suite (file → describe → test) and their results. `partial`
   * (a filtered re-run): the items of the tests that did not run are kept, the report's are updated.
   */
  private report(run: vscode.TestRun, suiteItem: vscode.TestItem, entry: RepoTests, suite: TestSuite, report: TestReport, partial = false): void {
    const tag = this.tags.get(suite.kind)!;
    const data: ItemData = { root: entry.repo.root, suite: suite.name };
    const children = new Map<string, vscode.TestItem>();
    const child = (parent: vscode.TestItem | undefined, id: string, label: string, uri?: vscode.Uri): vscode.TestItem => {
      let item = children.get(id);
      if (!item && partial) {
        item = (parent ?? suiteItem).children.get(id);
        if (item) children.set(id, item);
      }
      if (!item) {
        item = this.controller.createTestItem(id, label, uri);
        item.tags = [tag];
        this.data.set(item, data);
        children.set(id, item);
        if (parent) parent.children.add(item);
      }
      return item;
    };
    const top: vscode.TestItem[] = [];
    const results: Array<[vscode.TestItem, TestCase]> = [];
    for (const t of report.tests) {
      const uri = t.file ? vscode.Uri.file(path.resolve(suite.cwd, t.file)) : undefined;
      let parent: vscode.TestItem | undefined;
      let prefix = suiteItem.id;
      if (t.file) {
        prefix += `\u001f${t.file}`;
        const isNew = !children.has(prefix);
        parent = child(undefined, prefix, path.basename(t.file), uri);
        parent.description = path.dirname(t.file) === '.' ? undefined : path.dirname(t.file);
        if (isNew) top.push(parent);
      }
      for (const name of t.suite) {
        prefix += `\u001f${name}`;
        const isNew = !children.has(prefix);
        const item = child(parent, prefix, name, uri);
        if (isNew && !parent) top.push(item);
        parent = item;
      }
      const testUri = t.location ? vscode.Uri.file(path.resolve(suite.cwd, t.location.file)) : uri;
      const item = child(parent, `${suiteItem.id}\u0001${t.id}`, t.name, testUri);
      this.data.set(item, { ...data, test: { name: t.name, suite: t.suite } });
      if (!parent && !top.includes(item)) top.push(item);
      if (t.location && testUri) item.range = new vscode.Range(t.location.line - 1, 0, t.location.line - 1, 0);
      results.push([item, t]);
    }
    if (partial) for (const item of top) suiteItem.children.add(item);
    else suiteItem.children.replace(top);
    for (const [item, t] of results) {
      if (t.status === 'passed') run.passed(item, t.durationMs);
      else if (t.status === 'skipped') run.skipped(item);
      else run.failed(item, failureMessage(t, suite.cwd), t.durationMs);
    }
    if (report.tests.length === 0) run.passed(suiteItem, report.durationMs);
  }

  private suiteItem(root: string, suite: string): vscode.TestItem | undefined {
    return this.suiteItems.get(suiteId(root, suite));
  }

  private dataOf(item: vscode.TestItem): ItemData | undefined {
    return this.data.get(item) ?? (this.controller.items.get(item.id) ? { root: item.id } : undefined);
  }

  dispose(): void {
    for (const s of this.active.values()) s.cancel();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

export function failureMessage(t: TestCase, cwd: string): vscode.TestMessage {
  const text = redact(t.message ?? 'failed');
  const message = t.expected !== undefined && t.actual !== undefined ? vscode.TestMessage.diff(text, redact(t.expected), redact(t.actual)) : new vscode.TestMessage(text);
  if (t.location) {
    const col = Math.max(0, (t.location.column ?? 1) - 1);
    message.location = new vscode.Location(vscode.Uri.file(path.resolve(cwd, t.location.file)), new vscode.Position(t.location.line - 1, col));
  }
  return message;
}

function assertTrusted(): void {
  if (!vscode.workspace.isTrusted) throw new SdlcError('Untrusted', UNTRUSTED_MESSAGE);
}

function suiteId(root: string, suite: string): string {
  return `${root}\u001fsuite\u001f${suite}`;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\u001f');
  return [key.slice(0, i), key.slice(i + 1)];
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
