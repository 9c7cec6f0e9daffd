// GitHub Actions through the real octokit adapter against the spec-validated fake GitHub: runs of a
// branch, jobs with steps, logs and artifact zips behind 302 redirects, re-run and cancel, ETags.
import * as assert from 'node:assert/strict';
import { strToU8 } from 'fflate';
import { GitHubActions, isRunInProgress } from '../../../src/core/github/actions';
import { GitHubError, type GitHub } from '../../../src/core/github/github';
import { createGitHub } from '../../../src/core/github/octokitAdapter';
import { importJUnitArtifact } from '../../../src/core/testing/ciImport';
import { appendRun, loadHistory } from '../../../src/core/testing/history';
import { useFakeGitHub } from '../../support/fakeGithub';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const TOKEN = 'actions-test-token-0123456789';
const repo = { owner: 'acme', repo: 'app' };
const SHA = 'a'.repeat(40);
const JUNIT = `<?xml version="1.0"?>
<testsuites><testsuite name="math" tests="3" failures="1" time="0.5">
  <testcase classname="math" name="adds" time="0.1"/>
  <testcase classname="math" name="divides" time="0.2"><failure message="expected 2, got 3">AssertionError: expected 2, got 3</failure></testcase>
  <testcase classname="math" name="later" time="0"><skipped/></testcase>
</testsuite></testsuites>`;

describe('GitHub Actions (core) against the fake GitHub', function () {
  this.timeout(20000);
  const gh = useFakeGitHub({ tokens: [TOKEN] });
  let github: GitHub;
  let actions: GitHubActions;

  beforeEach(async () => {
    gh().state.reset();
    gh().state.addRepo({ owner: 'acme', repo: 'app' });
    github = await createGitHub({ baseUrl: gh().url, token: TOKEN, retry: { retries: 0 }, throttle: { writeSpacingMs: 0 } });
    actions = new GitHubActions(github);
  });

  function arrangeRuns() {
    const s = gh().state;
    const other = s.addWorkflowRun('acme', 'app', { branch: 'main', sha: SHA, name: 'CI' });
    const failed = s.addWorkflowRun('acme', 'app', { branch: 'feature/x', sha: SHA, name: 'CI', conclusion: 'failure' });
    const build = s.addJob(failed.id, { name: 'build', steps: [{ name: 'Checkout' }, { name: 'Compile' }], log: 'compiling…\ndone\n' });
    const test = s.addJob(failed.id, { name: 'test', conclusion: 'failure', steps: [{ name: 'Checkout' }, { name: 'Run tests', conclusion: 'failure' }], log: 'npm test\n1 failing\n' });
    const running = s.addWorkflowRun('acme', 'app', { branch: 'feature/x', sha: SHA, name: 'Lint', status: 'in_progress' });
    s.addJob(running.id, { name: 'eslint', steps: [{ name: 'Checkout', status: 'completed' }, { name: 'Lint', status: 'in_progress' }] });
    return { other, failed, build, test, running };
  }

  it('lists the runs of one branch, newest first, with status, conclusion and duration', async () => {
    const { failed, running } = arrangeRuns();
    const runs = await actions.listWorkflowRuns(repo, { branch: 'feature/x' });
    assert.deepEqual(
      runs.map((r) => [r.id, r.name, r.status, r.conclusion, r.branch]),
      [
        [running.id, 'Lint', 'in_progress', null, 'feature/x'],
        [failed.id, 'CI', 'completed', 'failure', 'feature/x'],
      ],
    );
    assert.equal(isRunInProgress(runs[0]!), true);
    assert.equal(isRunInProgress(runs[1]!), false);
    assert.ok(runs.every((r) => r.durationMs >= 0 && r.sha === SHA && r.htmlUrl.includes(`/actions/runs/${r.id}`)));
    assert.deepEqual(gh().requests[0]?.query, { per_page: '20', exclude_pull_requests: 'true', branch: 'feature/x' });
  });

  it('asks again with the ETag and gets the cached list from a 304', async () => {
    arrangeRuns();
    const first = await actions.listWorkflowRuns(repo, { branch: 'feature/x' });
    const second = await actions.listWorkflowRuns(repo, { branch: 'feature/x' });
    const stable = (runs: typeof first) => runs.map(({ durationMs: _d, ...rest }) => rest);
    assert.deepEqual(stable(second), stable(first));
    assert.deepEqual(gh().requests.map((r) => r.status), [200, 304]);
    assert.ok(gh().requests[1]?.headers['if-none-match']);
  });

  it('lists jobs with their steps and step conclusions', async () => {
    const { failed } = arrangeRuns();
    const jobs = await actions.listJobs({ repo, runId: failed.id });
    assert.deepEqual(
      jobs.map((j) => [j.name, j.conclusion, j.steps.map((s) => `${s.number}. ${s.name}: ${s.conclusion}`)]),
      [
        ['build', 'success', ['1. Checkout: success', '2. Compile: success']],
        ['test', 'failure', ['1. Checkout: success', '2. Run tests: failure']],
      ],
    );
  });

  it('reads a job log through the 302 to the signed URL', async () => {
    const { test } = arrangeRuns();
    assert.equal(await actions.jobLogs(repo, test.id), 'npm test\n1 failing\n');
    assert.deepEqual(gh().requests.map((r) => [r.path.startsWith('/_blobs/') ? '/_blobs/…' : r.path, r.status]), [
      [`/repos/acme/app/actions/jobs/${test.id}/logs`, 302],
      ['/_blobs/…', 200],
    ]);
  });

  it('re-runs the failed jobs only, re-runs all, and cancels a running run', async () => {
    const { failed, running } = arrangeRuns();
    await actions.rerunFailedJobs({ repo, runId: failed.id });
    let jobs = await actions.listJobs({ repo, runId: failed.id });
    assert.deepEqual(jobs.map((j) => [j.name, j.status]), [['build', 'completed'], ['test', 'queued']]);
    const rerun = await actions.getWorkflowRun({ repo, runId: failed.id });
    assert.deepEqual([rerun.status, rerun.attempt], ['queued', 2]);

    await actions.cancel({ repo, runId: running.id });
    const cancelled = await actions.getWorkflowRun({ repo, runId: running.id });
    assert.deepEqual([cancelled.status, cancelled.conclusion], ['completed', 'cancelled']);
    await actions.rerun({ repo, runId: running.id });
    jobs = await actions.listJobs({ repo, runId: running.id });
    assert.deepEqual(jobs.map((j) => j.status), ['queued']);
  });

  it('classifies a cancel of a finished run as Conflict and an unknown run as NotFound', async () => {
    const { failed } = arrangeRuns();
    await assert.rejects(actions.cancel({ repo, runId: failed.id }), (e: unknown) => e instanceof GitHubError && e.githubCode === 'Conflict');
    await assert.rejects(actions.listJobs({ repo, runId: 999999 }), (e: unknown) => e instanceof GitHubError && e.githubCode === 'NotFound');
  });

  it('lists and downloads artifacts; the zip imports as a CI run into the history', async () => {
    const { failed } = arrangeRuns();
    gh().state.addArtifact(failed.id, 'junit-results', { 'reports/unit.xml': JUNIT, 'reports/notes.txt': 'not a report', 'reports/other.xml': '<coverage/>' });
    const expired = gh().state.addArtifact(failed.id, 'old-logs', { 'a.txt': 'x' }, { expired: true });
    const artifacts = await actions.listArtifacts({ repo, runId: failed.id });
    assert.deepEqual(artifacts.map((a) => [a.name, a.expired, a.runId]), [['junit-results', false, failed.id], ['old-logs', true, failed.id]]);
    const zip = await actions.downloadArtifact(repo, artifacts[0]!.id);
    assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK');
    assert.equal(zip.length, artifacts[0]!.sizeInBytes);

    const run = await actions.getWorkflowRun({ repo, runId: failed.id });
    const imported = importJUnitArtifact(zip, { run, artifact: artifacts[0]! });
    assert.deepEqual(imported.files, ['reports/unit.xml']);
    assert.deepEqual(imported.skipped.map((s) => s.file), ['reports/other.xml']);
    assert.deepEqual(imported.record.counts, { passed: 1, failed: 1, skipped: 1 });
    assert.equal(imported.record.source, 'ci');
    assert.equal(imported.record.url, run.htmlUrl);
    assert.equal(imported.record.commit, SHA);
    assert.deepEqual(imported.record.failed.map((f) => [f.name, f.message]), [['divides', 'expected 2, got 3']]);

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-ci-'));
    const file = path.join(dir, 'history.json');
    await appendRun(file, imported.record);
    await appendRun(file, importJUnitArtifact(zip, { run, artifact: artifacts[0]! }).record); // same artifact again: replaced
    const history = await loadHistory(file);
    assert.deepEqual(history.map((r) => [r.source, r.suite, r.branch]), [['ci', 'CI / junit-results', 'feature/x']]);
    await fs.rm(dir, { recursive: true, force: true });

    await assert.rejects(actions.downloadArtifact(repo, expired.id), (e: unknown) => e instanceof GitHubError && e.details.status === 410);
  });

  it('refuses an artifact without JUnit reports with NoJUnitReports', async () => {
    const { failed } = arrangeRuns();
    const a = gh().state.addArtifact(failed.id, 'coverage', { 'lcov.info': 'TN:', 'x.xml': '<coverage/>' });
    const zip = await actions.downloadArtifact(repo, a.id);
    const run = await actions.getWorkflowRun({ repo, runId: failed.id });
    assert.throws(() => importJUnitArtifact(zip, { run, artifact: a }), (e: unknown) => (e as { code?: string }).code === 'NoJUnitReports');
    assert.throws(() => importJUnitArtifact(strToU8('not a zip'), { run, artifact: a }), (e: unknown) => (e as { code?: string }).code === 'ArtifactUnreadable');
  });
});
