// CI runs (GitHub Actions) in the Test Runs view of a real VS Code, against the spec-validated fake
// GitHub: runs of the current branch → jobs → steps, job logs, re-run / cancel (audited), polling
// while a run is in progress with a notification when it finishes, artifacts imported as CI runs.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startFakeGitHub, assertNoViolations, type FakeGitHub } from '../support/fakeGithub';
import { git, headSha, makeRepo } from '../support/repos';
import { activate, find, labels, run, waitFor, type Item } from './helpers';

const TOKEN = 'ghp_ciTestTokenThatMustNeverBeLogged012345678';
const JUNIT = `<?xml version="1.0"?>
<testsuites><testsuite name="api" tests="2" failures="1">
  <testcase classname="api" name="creates a user" time="0.1"/>
  <testcase classname="api" name="rejects a duplicate" time="0.2"><failure message="expected 409, got 500">AssertionError</failure></testcase>
</testsuite></testsuites>`;

interface CiInspect {
  branch: string;
  state: string;
  polling: boolean;
  runs: Array<{ id: number; name: string; status: string; conclusion: string | null; attempt: number }>;
  notifications: Array<{ runId: number; message: string }>;
}

describe('CI runs', function () {
  this.timeout(90000);
  const workspace = process.env.SDLC_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const root = path.join(workspace, 'ci-app');
  let github: FakeGitHub;
  let failed: { id: number };
  let lint: { id: number };
  let testJob: { id: number };
  let artifact: { id: number };

  const inspectCi = () => run<CiInspect>('sdlc.ci._inspect', { repository: root });
  async function ciGroup(): Promise<Item | undefined> {
    const view = (await vscode.commands.executeCommand('sdlc.testRuns._inspect')) as { items: Item[] };
    return find(view.items, 'ci-app', 'CI');
  }

  before(async () => {
    github = await startFakeGitHub({ tokens: [TOKEN] });
    github.state.setUser({ login: 'octo', name: 'Octo Cat' });
    github.state.addRepo({ owner: 'acme', repo: 'ci-app' });
    await makeRepo({ dir: root, commits: ['feat: one'] });
    const sha = await headSha(root);
    await git(root, ['remote', 'add', 'origin', 'https://github.com/acme/ci-app.git']);
    await git(root, ['update-ref', 'refs/remotes/origin/main', sha]);

    const s = github.state;
    s.addWorkflowRun('acme', 'ci-app', { branch: 'other', sha, name: 'Elsewhere' });
    failed = s.addWorkflowRun('acme', 'ci-app', { branch: 'main', sha, name: 'CI', conclusion: 'failure' });
    s.addJob(failed.id, { name: 'build', steps: [{ name: 'Checkout' }, { name: 'Compile' }], log: 'build ok\n' });
    testJob = s.addJob(failed.id, { name: 'test', conclusion: 'failure', steps: [{ name: 'Checkout' }, { name: 'Run tests', conclusion: 'failure' }], log: 'npm test\n  1 failing\n' });
    artifact = s.addArtifact(failed.id, 'api-junit', { 'reports/api.xml': JUNIT });
    lint = s.addWorkflowRun('acme', 'ci-app', { branch: 'main', sha, name: 'Lint', status: 'in_progress' });
    s.addJob(lint.id, { name: 'eslint', steps: [{ name: 'Lint', status: 'in_progress' }] });

    await vscode.workspace.getConfiguration('sdlc.ci').update('pollInterval', 1, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('sdlc.github').update('apiUrl', github.url, vscode.ConfigurationTarget.Global);
    await activate();
    const signIn = await run<{ login: string }>('sdlc.github.signInWithToken', TOKEN);
    assert.equal(signIn.login, 'octo', JSON.stringify(signIn));
    await run('sdlc.repositories.refresh');
  });

  afterEach(() => assertNoViolations(github));

  after(async () => {
    await vscode.workspace.getConfiguration('sdlc.ci').update('pollInterval', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('sdlc.github').update('apiUrl', undefined, vscode.ConfigurationTarget.Global);
    await github?.close();
  });

  it('shows the runs of the current branch with their jobs and steps in the Test Runs view', async () => {
    const group = await waitFor('the CI runs with jobs and steps', async () => {
      const g = await ciGroup();
      const job = find(g?.children, 'CI #2', 'test');
      return job && labels(job).length === 2 ? g : undefined;
    });
    assert.deepEqual(labels(group), ['Lint #3', 'CI #2']); // the run of branch "other" is not listed
    const ci = find(group!.children, 'CI #2')!;
    assert.match(ci.description ?? '', /^failure · /);
    assert.deepEqual(labels(ci), ['build', 'test', 'Artifacts']);
    assert.deepEqual(labels(find(ci.children, 'test')), ['1. Checkout', '2. Run tests']);
    assert.match(find(ci.children, 'test', '2. Run tests')?.description ?? '', /^failure/);
    assert.match(find(group!.children, 'Lint #3')?.contextValue ?? '', /^ciRun running/);
    const state = await inspectCi();
    assert.equal(state.polling, true, 'a run is in progress: polling');
  });

  it('opens a job log in a read-only editor', async () => {
    const result = await run<{ uri: string }>('sdlc.ci.openJobLog', { repository: root, jobId: testJob.id, name: 'test' });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.uri);
    assert.equal(doc?.getText(), 'npm test\n  1 failing\n');
    assert.equal(doc?.uri.scheme, 'sdlc-ci-log');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('notices when the watched run finishes (polling with ETags) and stops polling', async () => {
    const runsPath = '/repos/acme/ci-app/actions/runs';
    // The Deployments view asks the same path for runs waiting for approval (status=waiting): not CI polls.
    const ciPolls = () => github.requests.filter((r) => r.path === runsPath && r.query.status !== 'waiting');
    // While nothing changes, polls are conditional and answered 304 (no rate limit spent). (The
    // Deployments view's 304s do not count: waiting for any 304 on the path made this test flaky.)
    await waitFor('an unchanged, conditional CI poll', async () => ciPolls().some((r) => r.status === 304 && r.headers['if-none-match']));
    github.state.updateWorkflowRun(lint.id, { status: 'completed', conclusion: 'success' });
    const state = await waitFor('the finished run', async () => {
      const s = await inspectCi();
      return s.notifications.some((n) => n.runId === lint.id) && !s.polling ? s : undefined;
    });
    assert.deepEqual(state.notifications.map((n) => n.message), ['Lint #3 on main: success']);
    const polls = ciPolls();
    assert.ok(polls.some((r) => r.status === 304 && r.headers['if-none-match']), 'unchanged polls are conditional (304)');
    assert.ok(polls.every((r) => r.query.branch === 'main'));
  });

  it('re-runs the failed jobs (audited) and cancels the run again after a confirmation', async () => {
    const rerun = await run<{ status: string }>('sdlc.ci.rerunFailedJobs', { repository: root, runId: failed.id });
    assert.equal(rerun.error, undefined, JSON.stringify(rerun.error));
    assert.equal(rerun.status, 'queued');
    assert.equal((await inspectCi()).polling, true, 'polling while the re-run is in progress');
    const cancel = await run<{ status: string }>('sdlc.ci.cancel', { repository: root, runId: failed.id, confirm: false });
    assert.equal(cancel.status, 'cancelled', JSON.stringify(cancel));
    const again = await run('sdlc.ci.cancel', { repository: root, runId: failed.id, confirm: false });
    assert.equal(again.error?.code, 'Conflict', 'GitHub answers 409 for a finished run');
    const audit = await fs.readFile(path.join(root, '.git', 'sdlc', 'audit.jsonl'), 'utf8');
    const actions = audit.trim().split('\n').map((l) => JSON.parse(l) as { action: string; target: Record<string, string> });
    assert.deepEqual(actions.filter((a) => a.action.startsWith('ci.')).map((a) => [a.action, a.target.run]), [
      ['ci.rerunFailedJobs', String(failed.id)],
      ['ci.cancel', String(failed.id)],
      ['ci.cancel', String(failed.id)],
    ]);
    assert.ok(!audit.includes(TOKEN));
  });

  it('downloads an artifact and imports its JUnit XML as a CI run into the history', async () => {
    const target = path.join(os.tmpdir(), `sdlc-ci-${Date.now()}`, 'api-junit.zip');
    const download = await run<{ path: string; bytes: number }>('sdlc.ci.downloadArtifact', { repository: root, runId: failed.id, artifactId: artifact.id, target });
    assert.equal(download.error, undefined, JSON.stringify(download.error));
    assert.equal((await fs.readFile(target)).subarray(0, 2).toString('latin1'), 'PK');
    await fs.rm(path.dirname(target), { recursive: true, force: true });

    const imported = await run<{ counts: { passed: number; failed: number } }>('sdlc.ci.importArtifact', { repository: root, runId: failed.id, artifactId: artifact.id });
    assert.equal(imported.error, undefined, JSON.stringify(imported.error));
    assert.deepEqual(imported.counts, { passed: 1, failed: 1, skipped: 0 });
    const history = await waitFor('the CI run in the history', async () => {
      const view = (await vscode.commands.executeCommand('sdlc.testRuns._inspect')) as { items: Item[] };
      const h = find(view.items, 'ci-app', 'History');
      return h?.children?.some((c) => c.description?.endsWith('CI')) ? h : undefined;
    });
    const ciRun = history.children!.find((c) => c.description?.endsWith('CI'))!;
    assert.match(ciRun.label, /^CI \/ api-junit/);
    assert.deepEqual(labels(ciRun), ['rejects a duplicate']);
  });
});
