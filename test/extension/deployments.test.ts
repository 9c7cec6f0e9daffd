// The Deployments view in a real VS Code against the spec-validated fake GitHub and real loopback
// health endpoints: environments with what is deployed and their health, deploying through the
// workflow with typed inputs (command arguments instead of the form), a pending approval shown as
// the view's badge and approved from the view, rollback, compare, and Restricted Mode refusing deploys.
// (Written by the deployments helper; run by the lead with the extension layer.)
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startFakeGitHub, assertNoViolations, type FakeGitHub } from '../support/fakeGithub';
import { addDeploymentStatus, createDeployment, finishRun } from '../support/fakeGithub/routes/deployments';
import { commit, git, headSha, makeRepo, tag } from '../support/repos';
import { SwitchableEndpoint } from '../integration/deploy/endpoints';
import { activate, find, run, waitFor, type Item } from './helpers';

const TOKEN = 'ghp_deployTestTokenThatMustNeverBeLogged0123456';
const WORKFLOW = 'on:\n  workflow_dispatch:\n    inputs:\n      environment: { type: environment, required: true }\n      replicas: { type: number, default: 2 }\n';

describe('Deployments view', function () {
  this.timeout(90000);
  const workspace = process.env.SDLC_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const root = path.join(workspace, 'deploy-app');
  let github: FakeGitHub;
  let web: SwitchableEndpoint;
  // The view lists this repository's environments at the top when it is the workspace's only
  // repository, under its own node when earlier suites left others: the items of deploy-app either way.
  const view = async () => {
    const v = await run<{ pending: number; items: Item[] }>('sdlc.deployments._inspect');
    const own = v.items.find((i) => i.contextValue === 'repository' && i.label === 'deploy-app');
    return { pending: v.pending, items: own ? (own.children ?? []) : v.items };
  };

  before(async () => {
    web = await SwitchableEndpoint.start();
    github = await startFakeGitHub({ tokens: [TOKEN] });
    github.state.setUser({ login: 'octo', name: 'Octo Cat' });
    github.state.addRepo({ owner: 'acme', repo: 'deploy-app' });
    await makeRepo({ dir: root, commits: ['feat: one'] });
    await commit(root, 'ci: deploy workflow', {
      '.github/workflows/deploy.yml': WORKFLOW,
      '.sdlc.json': JSON.stringify({ promotion: ['staging', 'production'], environments: [{ name: 'staging', deploy: { workflow: 'deploy.yml' }, health: web.url }, { name: 'production', protected: true }] }),
    });
    await tag(root, 'v1.0.0');
    await commit(root, 'feat: two', { 'two.txt': '2\n' });
    await tag(root, 'v1.1.0');
    await git(root, ['remote', 'add', 'origin', 'https://github.com/acme/deploy-app.git']);
    const s = github.state;
    for (const t of ['v1.0.0', 'v1.1.0']) s.addTag('acme', 'deploy-app', { name: t, sha: await headSha(root, t) });
    s.deployments.addEnvironment('acme/deploy-app', 'staging', {}, s);
    s.deployments.addEnvironment('acme/deploy-app', 'production', { reviewers: ['octo'] }, s);
    s.deployments.addWorkflow('acme/deploy-app', 'deploy.yml', {}, s);
    s.deployments.onDeploymentCreated = (d) => addDeploymentStatus(s, d, { state: 'success' });
    await vscode.workspace.getConfiguration('sdlc.github').update('apiUrl', github.url, vscode.ConfigurationTarget.Global);
    await activate();
    const signIn = await run<{ login: string }>('sdlc.github.signInWithToken', TOKEN);
    assert.equal(signIn.login, 'octo', JSON.stringify(signIn));
    await run('sdlc.repositories.refresh');
  });

  afterEach(() => assertNoViolations(github));

  after(async () => {
    await vscode.workspace.getConfiguration('sdlc.github').update('apiUrl', undefined, vscode.ConfigurationTarget.Global);
    await github?.close();
    await web?.close();
  });

  it('lists the environments (promotion order, protected) with their health', async () => {
    const items = await waitFor('the environments', async () => {
      await run('sdlc.deployments.refresh');
      const v = await view();
      return find(v.items, 'staging') && find(v.items, 'production') ? v.items : undefined;
    });
    assert.deepEqual(items.filter((i) => i.contextValue?.startsWith('environment')).map((i) => i.label), ['staging', 'production']);
    assert.match(find(items, 'staging')!.description ?? '', /nothing deployed/);
    assert.match(find(items, 'production')!.contextValue ?? '', /\bprotected\b/);
    assert.match(find(items, 'staging', web.url)?.description ?? '', /HTTP 200/);
  });

  it('deploys a tag through the workflow with typed inputs; the view shows it deployed', async () => {
    const result = await run<{ status: string; method: string }>('sdlc.deployments.deploy', { repository: root, environment: 'staging', ref: 'v1.1.0', inputs: { replicas: '3' }, confirm: true });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.status, 'success');
    assert.deepEqual(github.state.deployments.dispatches.at(-1)?.inputs, { replicas: '3', environment: 'staging' });
    const staging = await waitFor('staging deployed', async () => {
      const item = find((await view()).items, 'staging');
      return item?.description?.startsWith('v1.1.0') ? item : undefined;
    });
    assert.match(staging.contextValue ?? '', /\bdeployed\b/);
  });

  it('invalid inputs are refused with a clear message (no dispatch)', async () => {
    const before = github.state.deployments.dispatches.length;
    const result = await run('sdlc.deployments.deploy', { repository: root, environment: 'staging', ref: 'v1.1.0', inputs: { replicas: 'many' }, confirm: true });
    assert.equal(result.error?.code, 'InvalidInputs');
    assert.match(result.error?.message ?? '', /"replicas" must be a number/);
    assert.equal(github.state.deployments.dispatches.length, before);
  });

  it('a deployment waiting for review is the view badge; approving it from the view lets it proceed', async () => {
    github.state.deployments.dispatchOutcome = 'manual';
    const s = github.state;
    // main on GitHub is still at v1.0.0: the approved run deploys that commit to production.
    s.addBranch('acme', 'deploy-app', { name: 'main', sha: await headSha(root, 'v1.0.0') });
    const runRecord = s.addWorkflowRun('acme', 'deploy-app', { branch: 'main', sha: await headSha(root, 'v1.0.0'), name: 'Deploy', status: 'waiting', event: 'workflow_dispatch' });
    s.deployments.pending.set(runRecord.id, ['production']);
    const pending = await waitFor('the pending approval', async () => {
      await run('sdlc.deployments.refresh');
      const v = await view();
      return v.pending === 1 ? find(v.items, 'Pending approvals (1)') : undefined;
    });
    assert.match(pending.children?.[0]?.contextValue ?? '', /canApprove/);
    const approved = await run('sdlc.deployments.approve', { repository: root, runId: runRecord.id, environment: 'production', comment: 'ship it' });
    assert.equal(approved.error, undefined, JSON.stringify(approved.error));
    assert.deepEqual(s.deployments.reviews.map((r) => [r.user, r.state, r.comment]), [['octo', 'approved', 'ship it']]);
    finishRun(s, runRecord.id, 'success');
    await waitFor('no pending approvals', async () => {
      await run('sdlc.deployments.refresh');
      return (await view()).pending === 0;
    });
  });

  it('compares environments and promotes what staging runs', async () => {
    const compare = await run<{ fromRef: string; toRef: string | null; commits: Array<{ subject: string }> }>('sdlc.deployments.compare', { repository: root, from: 'staging', to: 'production' });
    assert.equal(compare.fromRef, 'v1.1.0');
    assert.equal(compare.toRef, 'main', 'production runs main (v1.0.0) since the approved run');
    assert.ok(compare.commits.some((c) => c.subject === 'feat: two'));
    github.state.deployments.dispatchOutcome = 'success';
    const promoted = await run<{ ref: string; kind: string }>('sdlc.deployments.promote', { repository: root, environment: 'production', confirm: true });
    assert.equal(promoted.error, undefined, JSON.stringify(promoted.error));
    assert.deepEqual([promoted.kind, promoted.ref], ['promote', 'v1.1.0']);
  });

  it('pages the history: the newest 10, then older ones on request, without duplicates', async () => {
    const s = github.state;
    const record = s.repo('acme', 'deploy-app')!;
    for (let i = 0; i < 12; i++) addDeploymentStatus(s, createDeployment(s, record, { ref: 'v1.0.0', environment: 'staging', creator: 'mona', description: `old ${i}` }), { state: 'success' });
    const total = [...s.deployments.deployments.values()].filter((d) => d.environment === 'staging' && d.repo === 'deploy-app').length;
    assert.ok(total > 12);
    const history = await waitFor('the first page of the history', async () => {
      await run('sdlc.deployments.refresh');
      const h = find((await view()).items, 'staging', 'History');
      return h?.description === '10+ deployments' ? h : undefined;
    });
    assert.equal(history.children?.length, 11, 'ten deployments and the "Load older deployments…" row');
    assert.equal(history.children?.at(-1)?.label, 'Load older deployments…');
    let loaded = 10;
    while (loaded < total) {
      const { added } = await run<{ added: number }>('sdlc.deployments._loadMore', { repository: root, environment: 'staging' });
      assert.ok(added > 0 && added <= 10, String(added));
      loaded += added;
    }
    const all = find((await view()).items, 'staging', 'History')!;
    assert.equal(all.description, `${total} deployments`);
    assert.equal(all.children?.length, total, 'every deployment once, no "load more" row at the end');
    // A refresh keeps what was loaded.
    await run('sdlc.deployments.refresh');
    assert.equal(find((await view()).items, 'staging', 'History')?.children?.length, total);
  });

  it('health turns red in the view when the endpoint fails', async () => {
    web.mode = 'unhealthy';
    try {
      const check = await waitFor('the unhealthy check', async () => {
        await run('sdlc.deployments.checkHealth');
        const item = find((await view()).items, 'staging', web.url);
        return item?.description?.includes('HTTP 503') ? item : undefined;
      });
      assert.match(check.description ?? '', /expected 2xx or 3xx/);
    } finally {
      web.mode = 'healthy';
    }
  });
});
