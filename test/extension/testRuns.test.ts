// The Test Runs view and the "SDLC Tests" controller in a real VS Code: a node:test project in the
// test workspace, run through the commands, asserted on the history and the view's tree.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { makeTestRunsProject, type TestRunsProject } from '../support/testRunsProject';
import { activate, find, labels, run, waitFor, type Item } from './helpers';
import { alive } from '../support/processes';
import { commit, makeRepo } from '../support/repos';

interface RunRecord {
  suite: string;
  kind: string;
  branch: string | null;
  commit: string | null;
  counts: { passed: number; failed: number; skipped: number };
  failed: Array<{ name: string; message?: string; location?: { file: string; line: number } }>;
  results: Record<string, string>;
}

/** A Test Runs tree item: what helpers' Item has, plus the click target. */
type RunsItem = Item & { tooltip?: string; command?: { command: string; arguments?: unknown[] }; children?: RunsItem[] };

/** A Testing view item of the "SDLC Tests" controller. */
interface TestingItem {
  id: string;
  label: string;
  description?: string;
  tags: string[];
  children: TestingItem[];
}
const inspect = () => vscode.commands.executeCommand('sdlc.testRuns._inspect') as Promise<{ state: string; items: RunsItem[]; testing?: TestingItem[] }>;
const at = (items: RunsItem[] | undefined, ...path: string[]) => find(items, ...path) as RunsItem | undefined;


describe('Test Runs', function () {
  this.timeout(90000);
  const workspace = process.env.SDLC_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  let project: TestRunsProject;
  let repoLabel: string;

  before(async () => {
    assert.ok(workspace, 'the harness must open a workspace folder (SDLC_TEST_WORKSPACE)');
    project = await makeTestRunsProject(path.join(workspace, 'testruns-app'), { slow: true });
    await activate();
    // The repository appears once the Repositories store has found it (watcher or this refresh).
    const repo = await waitFor('the test repository in the Test Runs view', async () => {
      await run('sdlc.testRuns.refresh');
      return (await inspect()).items.find((i) => i.label.endsWith('testruns-app'));
    });
    repoLabel = repo.label;
    await run('sdlc.testRuns.clearHistory', { repository: project.dir, confirm: false });
  });

  it('lists the suites of .sdlc.json with their kinds, not run yet', async () => {
    const view = await inspect();
    assert.equal(view.state, 'ready');
    const suites = find(view.items, repoLabel, 'Suites');
    assert.deepEqual(labels(suites), ['unit', 'api', 'slow']);
    assert.deepEqual(suites?.children?.map((s) => s.description), ['unit · not run yet', 'integration · not run yet', 'acceptance · not run yet']);
    // CI is the section plugged in from ciSection.ts.
    assert.deepEqual(labels(find(view.items, repoLabel)), ['Suites', 'History', 'Regressions', 'Flaky', 'CI']);
  });

  it('runs a suite: the record has branch, commit, counts and the failed test with its location', async () => {
    const record = await run<RunRecord>('sdlc.testRuns.runSuite', { repository: project.dir, suite: 'unit' });
    assert.equal(record.error, undefined, JSON.stringify(record.error));
    assert.equal(record.suite, 'unit');
    assert.equal(record.kind, 'unit');
    assert.equal(record.branch, 'main');
    assert.match(record.commit ?? '', /^[0-9a-f]{40}$/);
    assert.deepEqual(record.counts, { passed: 2, failed: 1, skipped: 0 });
    assert.deepEqual(record.failed.map((f) => f.name), ['divides wrongly']);
    const location = record.failed[0].location;
    assert.equal(location?.file, path.join(project.dir, 'calc.test.mjs'));
    assert.equal(location?.line, 16);

    const view = await inspect();
    const suite = find(view.items, repoLabel, 'Suites', 'unit');
    assert.match(suite?.description ?? '', /^unit · 2 passed, 1 failed · just now$/);
    assert.equal(suite?.icon, 'error');
    const history = find(view.items, repoLabel, 'History');
    assert.equal(history?.description, '1 run');
    const runItem = find(history?.children, 'unit: 2 passed, 1 failed');
    assert.ok(runItem, JSON.stringify(history));
    assert.match(runItem.description ?? '', new RegExp(`main ${record.commit!.slice(0, 7)} · unit · `));
    const failure = at(runItem.children as RunsItem[], 'divides wrongly');
    assert.equal(failure?.command?.command, 'sdlc.testRuns.openFailure');
  });

  it('opens a failure at its source line', async () => {
    const view = await inspect();
    const failure = at(view.items, repoLabel, 'History', 'unit: 2 passed, 1 failed', 'divides wrongly');
    const opened = await run<{ file: string; line: number }>('sdlc.testRuns.openFailure', failure?.command?.arguments?.[0]);
    assert.deepEqual(opened, { file: path.join(project.dir, 'calc.test.mjs'), line: 16 });
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, path.join(project.dir, 'calc.test.mjs'));
    assert.equal(editor?.selection.active.line, 15);
    assert.match(editor!.document.lineAt(15).text, /assert\.equal\(6 \/ 2, 4\)/);
  });

  it('shows a regression when a test that passed in the previous run fails', async () => {
    await project.setProduct(7);
    const record = await run<RunRecord>('sdlc.testRuns.runSuite', { repository: project.dir, suite: 'unit' });
    assert.deepEqual(record.counts, { passed: 1, failed: 2, skipped: 0 });
    const view = await inspect();
    const regressions = find(view.items, repoLabel, 'Regressions');
    assert.equal(regressions?.description, '1');
    assert.deepEqual(labels(regressions), ['multiplies']);
    assert.match(regressions?.children?.[0].description ?? '', /^unit · /);
    // "divides wrongly" failed before too: not a regression.
    await project.setProduct(6);
    await run('sdlc.testRuns.runSuite', { repository: project.dir, suite: 'unit' });
    assert.deepEqual(labels(find((await inspect()).items, repoLabel, 'Regressions')), ['No regressions']);
  });

  it('marks a test flaky when its outcome flips back and forth at the same commit', async () => {
    for (const outcome of ['pass', 'fail', 'pass', 'fail'] as const) {
      await project.setFlip(outcome);
      const record = await run<RunRecord>('sdlc.testRuns.runSuite', { repository: project.dir, suite: 'api' });
      assert.deepEqual(record.counts, outcome === 'pass' ? { passed: 2, failed: 0, skipped: 0 } : { passed: 1, failed: 1, skipped: 0 });
    }
    const view = await inspect();
    const flaky = find(view.items, repoLabel, 'Flaky');
    // "multiplies" went pass → fail → pass at the same commit in the regression test: 2 flips, flaky too.
    assert.deepEqual(labels(flaky), ['flips', 'multiplies']);
    assert.deepEqual(flaky?.children?.map((c) => c.description), ['api · 3 flips · last failed', 'unit · 2 flips · last passed']);
    const history = find(view.items, repoLabel, 'History');
    assert.equal(history?.description, '7 runs');
    assert.deepEqual(history?.children?.slice(0, 2).map((c) => c.label), ['api: 1 passed, 1 failed', 'api: 2 passed, 0 failed']);
  });

  it('cancels a running suite and ends the processes it started; nothing is recorded', async () => {
    const before = find((await inspect()).items, repoLabel, 'History')?.description;
    const pending = run<{ cancelled?: boolean }>('sdlc.testRuns.runSuite', { repository: project.dir, suite: 'slow' });
    await waitFor('the slow suite to start its grandchild', async () => existsSync(project.pidFile) && readFileSync(project.pidFile, 'utf8').trim() !== '');
    const pid = Number(readFileSync(project.pidFile, 'utf8'));
    assert.ok(alive(pid));
    const suite = find((await inspect()).items, repoLabel, 'Suites', 'slow');
    assert.equal(suite?.icon, 'loading~spin');
    assert.equal(suite?.contextValue, 'suite running');
    const cancel = await run<{ cancelled: number }>('sdlc.testRuns.cancel', { repository: project.dir, suite: 'slow' });
    assert.equal(cancel.cancelled, 1);
    assert.deepEqual(await pending, { cancelled: true, suite: 'slow' });
    await waitFor('the grandchild to be gone', async () => !alive(pid), 10000);
    assert.equal(find((await inspect()).items, repoLabel, 'History')?.description, before);
    assert.equal(find((await inspect()).items, repoLabel, 'Suites', 'slow')?.icon, 'circle-outline');
  });

  it('refuses an unknown suite with a clear error', async () => {
    const result = await run('sdlc.testRuns.runSuite', { repository: project.dir, suite: 'nope' });
    assert.equal(result.error?.code, 'UnknownSuite');
    assert.match(result.error?.message ?? '', /no suite "nope" \(suites: unit, api, slow\)/);
  });

  it('runs all suites of a kind', async () => {
    const result = await run<{ runs: RunRecord[] }>('sdlc.testRuns.runAll', { repository: project.dir, kind: 'integration' });
    assert.deepEqual(result.runs.map((r) => r.suite), ['api']);
  });

  it('re-runs only the failed tests of the last run (node --test --test-name-pattern)', async () => {
    await project.setProduct(7);
    const first = await run<RunRecord>('sdlc.testRuns.runSuite', { repository: project.dir, suite: 'unit' });
    assert.deepEqual(first.counts, { passed: 1, failed: 2, skipped: 0 });
    const rerun = await run<{ filtered: boolean; runner: string; pattern: string; run: RunRecord }>('sdlc.testRuns.rerunFailed', { repository: project.dir, suite: 'unit' });
    assert.equal(rerun.error, undefined, JSON.stringify(rerun.error));
    assert.equal(rerun.filtered, true);
    assert.equal(rerun.runner, 'node-test');
    // Exactly the two failed tests ran: "adds" is neither run nor reported as skipped.
    assert.deepEqual(rerun.run.counts, { passed: 0, failed: 2, skipped: 0 });
    assert.deepEqual(Object.keys(rerun.run.results).sort(), Object.keys(first.results).filter((id) => first.results[id] === 'failed').sort());
    // Fixed one: the next re-run of the failed tests has 1 passed, 1 failed.
    await project.setProduct(6);
    const again = await run<{ run: RunRecord }>('sdlc.testRuns.rerunFailed', { repository: project.dir, suite: 'unit' });
    assert.deepEqual(again.run.counts, { passed: 1, failed: 1, skipped: 0 });
    const view = await inspect();
    assert.match(find(view.items, repoLabel, 'History')?.children?.[0].label ?? '', /^unit: 1 passed, 1 failed/);
  });

  it('clears the history', async () => {
    await run('sdlc.testRuns.clearHistory', { repository: project.dir, confirm: false });
    const view = await inspect();
    assert.equal(find(view.items, repoLabel, 'History')?.description, '0 runs');
    assert.deepEqual(labels(find(view.items, repoLabel, 'Flaky')), ['No flaky tests']);
  });
});

// An npm project without .sdlc.json: its suites come from package.json, where `test` runs two other
// test scripts (issue 10, 11–12). Each suite appends its name to runs.log, so the test can count runs.
const RECORD = "import { appendFileSync } from 'node:fs';\nexport const record = (name) => appendFileSync(new URL('./runs.log', import.meta.url), `${name}\\n`);\n";
const NPM_PROJECT: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'testruns-npm',
      private: true,
      scripts: {
        test: 'npm run test:unit && npm run test:api',
        'test:unit': 'node --test',
        'test:api': 'node api-check.mjs',
        'test:e2e': 'node e2e-check.mjs',
      },
    },
    null,
    2,
  )}\n`,
  'record.mjs': RECORD,
  'calc.test.mjs': "import { test } from 'node:test';\nimport { record } from './record.mjs';\nrecord('test:unit');\ntest('adds', () => {});\n",
  'api-check.mjs': "import { record } from './record.mjs';\nrecord('test:api');\n",
  'e2e-check.mjs': "import { record } from './record.mjs';\nrecord('test:e2e');\n",
  '.gitignore': 'runs.log\n',
};

describe('Test Runs: suites detected from package.json', function () {
  this.timeout(120000);
  const workspace = process.env.SDLC_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const dir = path.join(workspace, 'testruns-npm');
  let repoLabel: string;
  const runsLog = () => (existsSync(path.join(dir, 'runs.log')) ? readFileSync(path.join(dir, 'runs.log'), 'utf8').trim().split('\n').sort() : []);

  before(async () => {
    await makeRepo({ dir, commits: 0 });
    await commit(dir, 'test: npm project', NPM_PROJECT);
    await activate();
    const repo = await waitFor('the npm project in the Test Runs view', async () => {
      await run('sdlc.testRuns.refresh');
      return (await inspect()).items.find((i) => i.label.endsWith('testruns-npm') && find(i.children, 'Suites')?.children?.length);
    });
    repoLabel = repo.label;
    await run('sdlc.testRuns.clearHistory', { repository: dir, confirm: false });
  });

  it('shows `test` as the group of the suites it runs, and each kind with why in the tooltip', async () => {
    const view = await inspect();
    const suites = find(view.items, repoLabel, 'Suites') as RunsItem | undefined;
    assert.deepEqual(labels(suites), ['test', 'test:e2e']);
    const group = at(suites?.children, 'test');
    assert.equal(group?.description, 'group · 2 suites');
    assert.equal(group?.icon, 'layers');
    assert.deepEqual(labels(group), ['test:unit', 'test:api']);
    assert.match(group?.tooltip ?? '', /runs `test:unit`, `test:api` \(npm run\)/);
    assert.match(group?.tooltip ?? '', /"Run All" runs each test once/);
    const api = at(group?.children as RunsItem[], 'test:api');
    assert.match(api?.description ?? '', /^integration · not run yet$/);
    assert.match(api?.tooltip ?? '', /Kind: \*\*integration\*\*, guessed because the name "test:api" has "api"/);
    assert.match(at(suites?.children, 'test:e2e')?.tooltip ?? '', /Kind: \*\*acceptance\*\*, guessed because the name "test:e2e" has "e2e"/);
    assert.match(at(group?.children as RunsItem[], 'test:unit')?.tooltip ?? '', /Kind: \*\*unit\*\*, guessed because nothing in its name or command names another kind/);

    // The Testing view: the same group, with the kind and why as the item's description.
    const repoItem = view.testing?.find((i) => i.id === dir || i.label.endsWith('testruns-npm'));
    assert.ok(repoItem, JSON.stringify(view.testing?.map((i) => i.label)));
    assert.deepEqual(repoItem.children.map((c) => c.label), ['test', 'test:e2e']);
    const testItem = repoItem.children[0];
    assert.equal(testItem.description, 'group of 2: test:unit, test:api (npm run)');
    assert.deepEqual(testItem.tags.sort(), ['integration', 'unit']);
    assert.deepEqual(testItem.children.map((c) => c.label), ['test:unit', 'test:api']);
    assert.equal(testItem.children[1].description, 'integration — the name "test:api" has "api"');
    assert.equal(repoItem.children[1].description, 'acceptance — the name "test:e2e" has "e2e"');
  });

  it('Run All runs each suite once (not `test` and then its parts again)', async () => {
    const result = await run<{ runs: RunRecord[] }>('sdlc.testRuns.runAll', { repository: dir });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.deepEqual(result.runs.map((r) => `${r.suite}:${r.kind}`), ['test:unit:unit', 'test:api:integration', 'test:e2e:acceptance']);
    assert.deepEqual(runsLog(), ['test:api', 'test:e2e', 'test:unit']);
    assert.deepEqual(result.runs[0].counts, { passed: 1, failed: 0, skipped: 0 });
  });

  it('running the group runs its parts, each once', async () => {
    rmSync(path.join(dir, 'runs.log'), { force: true });
    const result = await run<{ group: string; runs: RunRecord[] }>('sdlc.testRuns.runSuite', { repository: dir, suite: 'test' });
    assert.equal(result.group, 'test');
    assert.deepEqual(result.runs.map((r) => r.suite), ['test:unit', 'test:api']);
    assert.deepEqual(runsLog(), ['test:api', 'test:unit']);
  });

  it('Run All of a kind picks among the parts', async () => {
    rmSync(path.join(dir, 'runs.log'), { force: true });
    const result = await run<{ runs: RunRecord[] }>('sdlc.testRuns.runAll', { repository: dir, kind: 'integration' });
    assert.deepEqual(result.runs.map((r) => r.suite), ['test:api']);
    assert.deepEqual(runsLog(), ['test:api']);
  });
});
