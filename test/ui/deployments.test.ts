// Screenshots of the Deployments view (test-results/screenshots/deployments-*.png), each after asserting
// what is shown: environments from the spec-validated fake GitHub merged with .sdlc.json, what is deployed
// in each, health probed from real loopback endpoints, a deployment waiting for review as the view's
// badge; the typed dispatch form of a workflow (F1 → "SDLC: Deploy…" → staging: number, boolean and
// choice inputs, an invalid number refused); and a phased rollout to production in progress (three waves,
// a health + approval gate after each, the second wave held "in progress" by the fake pipeline).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SwitchableEndpoint } from '../integration/deploy/endpoints';
import { assertNoViolations, startFakeGitHub, type FakeGitHub, type Fault } from '../support/fakeGithub';
import type { DeploymentRecord } from '../support/fakeGithub/deploymentsState';
import { addDeploymentStatus, createDeployment } from '../support/fakeGithub/routes/deployments';
import { cleanupTempDirs, commit, git, headSha, makeRepo, makeTempDir, tag } from '../support/repos';
import { blurViews, closeToasts, findRow, hoverRow, rowLocator, setExpanded, showOnlyView, waitForRow, waitForTree } from '../support/uiTree';
import { openWorkbench, runCommand, type Workbench } from './driver';

const TOKEN = 'ghp_uiDeploymentsTokenThatMustNeverBeShown01';
const VIEW = 'Deployments';
const VIEWPORT = { width: 1280, height: 900 };
const WORKFLOW = `name: Deploy
on:
  workflow_dispatch:
    inputs:
      environment:
        type: environment
        required: true
      replicas:
        description: Number of app instances
        type: number
        default: 2
      dry_run:
        description: Plan only, change nothing
        type: boolean
        default: false
      log_level:
        description: Log level of the new instances
        type: choice
        options: [debug, info, warn]
        default: info
      notes:
        description: Shown in the run summary
        type: string
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: \${{ inputs.environment }}
    steps: [{ run: ./deploy.sh }]
`;

/** The quick input (pick or input box) once its title or placeholder matches `what`. */
async function quickInput(page: Page, what: string | RegExp): Promise<Locator> {
  const widget = page.locator('.quick-input-widget');
  const matches = (text: string) => (typeof what === 'string' ? text.includes(what) : what.test(text));
  const deadline = Date.now() + 60000;
  for (;;) {
    if (await widget.isVisible()) {
      const title = await widget.locator('.quick-input-title').innerText().catch(() => '');
      const placeholder = (await widget.locator('.quick-input-box input').getAttribute('placeholder').catch(() => null)) ?? '';
      if (matches(title) || matches(placeholder)) return widget;
    }
    if (Date.now() > deadline) throw new Error(`no quick input showing ${String(what)}`);
    await page.waitForTimeout(200); // polling interval of a condition with a deadline
  }
}

async function pickRow(widget: Locator, label: string): Promise<void> {
  await widget.locator('.monaco-list-row').filter({ has: widget.page().locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first().click();
}

describe('UI: Deployments view', function () {
  this.timeout(300000);
  let github: FakeGitHub;
  let wb: Workbench | undefined;
  let repo: string;
  const endpoints: Record<string, SwitchableEndpoint> = {};
  /** Deployments of the production rollout held without a final status (the test finishes them). */
  const held: DeploymentRecord[] = [];

  before(async () => {
    for (const name of ['staging', 'eu-1', 'us-1', 'ap-1']) endpoints[name] = await SwitchableEndpoint.start();
    endpoints['ap-1'].mode = 'slow';
    endpoints['ap-1'].delayMs = 150;
    github = await startFakeGitHub({ tokens: [TOKEN] });
    const s = github.state;
    s.setUser({ login: 'octo', name: 'Octo Cat' });
    const record = s.addRepo({ owner: 'acme', repo: 'shop-api' });

    repo = path.join(await makeTempDir('sdlc-ui-deploy-'), 'shop-api');
    await makeRepo({ dir: repo, commits: ['feat: orders endpoint'] });
    const config = {
      promotion: ['staging', 'production'],
      environments: [
        { name: 'staging', deploy: { workflow: 'deploy.yml' }, health: endpoints.staging.url, healthInterval: 5 },
        {
          name: 'production',
          protected: true,
          targets: ['eu-1', 'us-1', 'ap-1'].map((t) => ({ name: t, health: endpoints[t].url })),
          strategy: { type: 'phased', waves: ['eu-1', 'us-1', 'ap-1'], gate: { health: true, approval: true } },
          healthInterval: 5,
        },
      ],
    };
    await commit(repo, 'ci: deploy workflow', { '.github/workflows/deploy.yml': WORKFLOW, '.sdlc.json': `${JSON.stringify(config, null, 2)}\n` });
    await tag(repo, 'v1.0.0', 'Release 1.0.0');
    await commit(repo, 'feat: refunds', { 'refunds.txt': 'refunds\n' });
    await tag(repo, 'v1.1.0', 'Release 1.1.0');
    await commit(repo, 'feat: gift cards', { 'gift.txt': 'gift cards\n' });
    await tag(repo, 'v1.2.0', 'Release 1.2.0');
    await git(repo, ['remote', 'add', 'origin', 'https://github.com/acme/shop-api.git']);
    await git(repo, ['update-ref', 'refs/remotes/origin/main', await headSha(repo)]);
    for (const t of ['v1.0.0', 'v1.1.0', 'v1.2.0']) s.addTag('acme', 'shop-api', { name: t, sha: await headSha(repo, `${t}^{commit}`) });

    s.deployments.addEnvironment('acme/shop-api', 'staging', {}, s);
    s.deployments.addEnvironment('acme/shop-api', 'production', { reviewers: ['octo'] }, s);
    s.deployments.addWorkflow('acme/shop-api', 'deploy.yml', { name: 'Deploy', environments: ['staging'] }, s);
    // History: production runs v1.0.0 on every target, staging v1.1.0 (after a failed v1.1.0-rc).
    for (const target of ['eu-1', 'us-1', 'ap-1']) addDeploymentStatus(s, createDeployment(s, record, { ref: 'v1.0.0', environment: 'production', payload: { target }, creator: 'mona' }), { state: 'success' });
    addDeploymentStatus(s, createDeployment(s, record, { ref: 'v1.0.0', environment: 'staging', creator: 'mona' }), { state: 'success' });
    addDeploymentStatus(s, createDeployment(s, record, { ref: 'v1.1.0', environment: 'staging', creator: 'hubot' }), { state: 'failure', description: 'migrations failed' });
    addDeploymentStatus(s, createDeployment(s, record, { ref: 'v1.1.0', environment: 'staging', creator: 'octo' }), { state: 'success' });
    // A run of another workflow waits for a review of its production deployment.
    const waiting = s.addWorkflowRun('acme', 'shop-api', { branch: 'main', sha: await headSha(repo), name: 'Hotfix', status: 'waiting', event: 'workflow_dispatch' });
    s.deployments.pending.set(waiting.id, ['production']);
    // The pipeline behind deployment events: the second wave of a rollout stays in progress until the test finishes it.
    s.deployments.onDeploymentCreated = (d) => {
      const target = typeof d.payload === 'object' ? d.payload.target : undefined;
      if (target === 'us-1') {
        addDeploymentStatus(s, d, { state: 'in_progress', description: 'rolling out 2 of 6 instances' });
        held.push(d);
      } else addDeploymentStatus(s, d, { state: 'success' });
    };

    wb = await openWorkbench({ folder: repo, viewport: VIEWPORT, userSettings: { 'sdlc.github.apiUrl': github.url }, env: { GH_TOKEN: TOKEN, GITHUB_TOKEN: '' } });
    await showOnlyView(wb.page, VIEW, 620);
  });

  afterEach(() => assertNoViolations(github));

  after(async () => {
    await wb?.close();
    await github?.close();
    for (const e of Object.values(endpoints)) await e.close();
    await cleanupTempDirs();
  });

  it('shows environments with what is deployed, health, history and a pending approval as the badge (deployments-view.png)', async () => {
    const page = wb!.page;
    const pending = await waitForRow(page, VIEW, ['Pending approvals (1)'], (r) => r.expanded === 'true');
    assert.equal(pending.icon, 'codicon-bell-dot');
    const review = await waitForRow(page, VIEW, ['Pending approvals (1)', 'production: Hotfix main']);
    assert.equal(review.description, 'waiting for your review');
    await waitForRow(page, VIEW, ['staging'], (r) => r.description.startsWith('v1.1.0') && r.icon === 'codicon-pass');
    await waitForRow(page, VIEW, ['production'], (r) => r.description.startsWith('v1.0.0') && r.icon === 'codicon-pass');
    const badge = page.locator('.part.activitybar .action-item:has(a[aria-label^="SDLC"]) .badge-content');
    await badge.filter({ hasText: /^1$/ }).waitFor();

    await setExpanded(page, VIEW, ['staging'], true);
    await waitForRow(page, VIEW, ['staging', endpoints.staging.url], (r) => /HTTP 200/.test(r.description));
    await setExpanded(page, VIEW, ['staging', 'History'], true);
    const history = await waitForTree(page, VIEW, 'the history of staging', (rows) => {
      const list = rows.filter((r) => r.path[0] === 'staging' && r.path[1] === 'History' && r.path.length === 3);
      return list.length === 3 ? list : undefined;
    });
    assert.deepEqual(history.map((r) => [r.label, r.description.split(' · ')[0], r.icon]), [
      ['v1.1.0', 'success', 'codicon-check'],
      ['v1.1.0', 'failure', 'codicon-close'],
      ['v1.0.0', 'success', 'codicon-check'],
    ]);
    await setExpanded(page, VIEW, ['production'], true);
    // One row per target: what it runs and its health check.
    for (const target of ['eu-1', 'us-1', 'ap-1']) await waitForRow(page, VIEW, ['production', target], (r) => /^v1\.0\.0 · HTTP 200 · \d+ ms$/.test(r.description) && r.icon === 'codicon-pass');
    await closeToasts(page);
    await blurViews(page);
    await wb!.screenshot('deployments-view');
  });

  it('shows latency and uptime of an environment in its tooltip (deployments-health-tooltip.png)', async () => {
    const page = wb!.page;
    const row = await waitForRow(page, VIEW, ['staging']);
    const text = await hoverRow(page, VIEW, row, 'Health');
    assert.match(text, /Deployed: v1\.1\.0/);
    assert.match(text, /p50 \d+ ms, p95 \d+ ms, uptime 100\.0%/);
    await wb!.screenshot('deployments-health-tooltip', { keepHover: true });
  });

  it('deploys to staging through the typed dispatch form (deployments-deploy-*.png, deployments-dispatch-*.png)', async () => {
    const page = wb!.page;
    await page.mouse.move(VIEWPORT.width - 20, VIEWPORT.height - 60);
    await setExpanded(page, VIEW, ['staging'], false);
    await setExpanded(page, VIEW, ['production'], false);
    await runCommand(page, 'SDLC: Deploy…');
    const envPick = await quickInput(page, 'Deploy to which environment?');
    await envPick.locator('.monaco-list-row', { hasText: 'production' }).first().waitFor();
    assert.deepEqual((await envPick.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim()), ['staging', 'production']);
    assert.match(await envPick.locator('.monaco-list-row', { hasText: 'production' }).first().innerText(), /protected/);
    await wb!.screenshot('deployments-deploy-environment', { keepHover: true });
    await pickRow(envPick, 'staging');

    const refPick = await quickInput(page, /What to deploy/);
    await refPick.locator('.monaco-list-row', { hasText: 'v1.2.0' }).first().waitFor();
    assert.match(await refPick.locator('.monaco-list-row').first().innerText(), /v1\.2\.0[\s\S]*newest release tag/);
    await pickRow(refPick, 'v1.2.0');

    // replicas: a number (an invalid one is refused in place), default 2.
    const replicas = await quickInput(page, /replicas/);
    assert.match(await replicas.locator('.quick-input-title').innerText(), /^Deploy v1\.2\.0 to staging · deploy\.yml input 1\/4: replicas$/);
    const box = replicas.locator('.quick-input-box input');
    assert.equal(await box.inputValue(), '2', 'the default from the workflow');
    await box.fill('many');
    await replicas.locator('.quick-input-message', { hasText: 'replicas takes a number; "many" is not one' }).waitFor();
    await wb!.screenshot('deployments-dispatch-invalid-number', { keepHover: true });
    await box.fill('3');
    await replicas.locator('.quick-input-message', { hasText: 'is not one' }).waitFor({ state: 'hidden' });
    await box.press('Enter');

    // dry_run: a boolean is a pick of true / false, the default marked.
    const dryRun = await quickInput(page, /dry_run/);
    assert.deepEqual((await dryRun.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim()), ['true', 'false']);
    assert.match(await dryRun.locator('.monaco-list-row', { hasText: 'false' }).first().innerText(), /default/);
    await wb!.screenshot('deployments-dispatch-boolean', { keepHover: true });
    await pickRow(dryRun, 'false');

    // log_level: a choice offers only its options.
    const level = await quickInput(page, /log_level/);
    assert.deepEqual((await level.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim()), ['debug', 'info', 'warn']);
    await wb!.screenshot('deployments-dispatch-choice', { keepHover: true });
    await pickRow(level, 'warn');

    const notes = await quickInput(page, /notes/);
    await notes.locator('.quick-input-box input').fill('refunds and gift cards');
    await notes.locator('.quick-input-box input').press('Enter');

    await waitForRow(page, VIEW, ['staging'], (r) => r.description.startsWith('v1.2.0'), 120000);
    const dispatch = github.state.deployments.dispatches.at(-1);
    assert.deepEqual(dispatch?.inputs, { environment: 'staging', replicas: '3', dry_run: 'false', log_level: 'warn', notes: 'refunds and gift cards' });
    assert.equal(dispatch?.ref, 'v1.2.0');
    const toasts = await closeToasts(page);
    assert.ok(toasts.some((t) => /v1\.2\.0 → staging/.test(t)), JSON.stringify(toasts));
  });

  it('rolls out v1.2.0 to production in three gated waves (deployments-protected-confirm.png, deployments-phased-*.png)', async () => {
    const page = wb!.page;
    await runCommand(page, 'SDLC: Deploy…');
    await pickRow(await quickInput(page, 'Deploy to which environment?'), 'production');
    await pickRow(await quickInput(page, /What to deploy/), 'v1.2.0');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const confirm = await dialog.innerText();
    assert.match(confirm, /Deploy v1\.2\.0 to the protected environment production\?/);
    assert.match(confirm, /Now: v1\.0\.0\.\s+Phased: eu-1 → us-1 → ap-1, after each wave a gate \(health green and your approval\)\.\s+Required reviewers: octo\./);
    await wb!.screenshot('deployments-protected-confirm', { keepHover: true });
    await dialog.locator('.dialog-buttons a, .dialog-buttons .monaco-button', { hasText: 'Deploy to production' }).first().click();

    // Wave 1 (eu-1) succeeds; its gate asks to continue.
    await dialog.filter({ hasText: /Wave eu-1 \(1\/3\) of v1\.2\.0 to production is done and healthy/ }).waitFor({ timeout: 120000 });
    assert.match(await dialog.innerText(), /Next: us-1\. Halt stops the rollout; the waves done keep v1\.2\.0\./);
    await wb!.screenshot('deployments-phased-gate', { keepHover: true });
    await dialog.locator('.dialog-buttons a, .dialog-buttons .monaco-button', { hasText: 'Continue with us-1' }).first().click();

    // Wave 2 (us-1) is in progress: the view and the progress notification say so.
    await waitForTree(page, VIEW, 'us-1 in progress', () => held.length === 1);
    await setExpanded(page, VIEW, ['production'], true);
    await setExpanded(page, VIEW, ['production', 'History'], true);
    await waitForRow(page, VIEW, ['production', 'History', 'v1.2.0 (us-1)'], (r) => r.icon === 'codicon-sync' && r.description.startsWith('in-progress'), 60000);
    await waitForRow(page, VIEW, ['production', 'us-1'], (r) => r.icon === 'codicon-sync' && r.description.startsWith('v1.0.0 → v1.2.0 in progress'));
    await waitForRow(page, VIEW, ['production', 'eu-1'], (r) => r.description.startsWith('v1.2.0 · HTTP 200'));
    await waitForRow(page, VIEW, ['production'], (r) => r.description === 'v1.2.0 on eu-1 · v1.0.0 on us-1, ap-1 · us-1 → v1.2.0 in progress · protected');
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: 'Deploying v1.2.0 to production' });
    await progress.waitFor();
    assert.match(await progress.innerText(), /us-1/);
    await blurViews(page);
    await wb!.screenshot('deployments-phased-in-progress', { keepHover: true });

    // The pipeline finishes us-1; its gate and the last wave's gate are approved.
    addDeploymentStatus(github.state, held[0], { state: 'success' });
    for (const [wave, button] of [['us-1', 'Continue with ap-1'], ['ap-1', 'Finish Rollout']]) {
      await dialog.filter({ hasText: `Wave ${wave} (` }).waitFor({ timeout: 120000 });
      await dialog.locator('.dialog-buttons a, .dialog-buttons .monaco-button', { hasText: button }).first().click();
    }
    await waitForRow(page, VIEW, ['production'], (r) => r.description === 'v1.2.0 · protected', 120000);
    for (const target of ['eu-1', 'us-1', 'ap-1']) await waitForRow(page, VIEW, ['production', target], (r) => r.description.startsWith('v1.2.0 · HTTP 200'));
    const created = [...github.state.deployments.deployments.values()].filter((d) => d.environment === 'production' && d.ref === 'v1.2.0');
    assert.deepEqual(created.map((d) => (typeof d.payload === 'object' ? d.payload.target : null)), ['eu-1', 'us-1', 'ap-1'], 'one deployment per wave, in order');
    // The view can show the last wave before the command has finished: wait for its notification.
    await page.locator('.notifications-toasts .notification-toast', { hasText: /v1\.2\.0 → production: deployed/ }).first().waitFor({ timeout: 60000 });
    await closeToasts(page);
    await waitForTree(page, VIEW, 'the three waves in the history', (rows) => ['eu-1', 'us-1', 'ap-1'].every((t) => findRow(rows, ['production', 'History', `v1.2.0 (${t})`])));
    await blurViews(page);
    await wb!.screenshot('deployments-phased-done');
  });

  it('an environment going down turns red with a notification; a failing GitHub API is a row with a retry (deployments-unhealthy.png, deployments-github-error.png)', async () => {
    const page = wb!.page;
    endpoints.staging.mode = 'unhealthy';
    try {
      await runCommand(page, 'SDLC: Check Environment Health');
      const staging = await waitForRow(page, VIEW, ['staging'], (r) => r.icon === 'codicon-error');
      assert.match(staging.description, /^v1\.2\.0/);
      await setExpanded(page, VIEW, ['staging'], true);
      await waitForRow(page, VIEW, ['staging', endpoints.staging.url], (r) => r.icon === 'codicon-error' && /HTTP 503/.test(r.description));
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'staging is unhealthy (was healthy).' });
      await toast.waitFor();
      await blurViews(page);
      await wb!.screenshot('deployments-unhealthy', { keepHover: true });
    } finally {
      endpoints.staging.mode = 'healthy';
    }
    await closeToasts(page);

    // GitHub answers 502 for the environments: the error comes first, a click retries, and the
    // environments of the last good load stay below it.
    const fault: Fault = { match: { path: '/repos/acme/shop-api/environments' }, times: Infinity, respond: { status: 502 } };
    github.faults.push(fault);
    try {
      await runCommand(page, 'SDLC: Refresh Deployments');
      const error = await waitForRow(page, VIEW, ['Could not load deployments:'], (r) => r.icon === 'codicon-error');
      assert.equal(error.label, 'Could not load deployments: GitHub had a server error (502) (click to retry)');
      await waitForRow(page, VIEW, ['production'], (r) => r.description.startsWith('v1.2.0'));
      await closeToasts(page);
      await blurViews(page);
      await wb!.screenshot('deployments-github-error');
    } finally {
      github.faults.splice(github.faults.indexOf(fault), 1);
    }
    // The retry (the row's command) loads again once GitHub answers.
    await rowLocator(page, VIEW, await waitForRow(page, VIEW, ['Could not load deployments:'])).click();
    await waitForTree(page, VIEW, 'the environments without the error row', (rows) => !rows.some((r) => r.label.startsWith('Could not load deployments')) && findRow(rows, ['staging']));
  });
});

describe('UI: Deployments view, signed out and without a GitHub remote', function () {
  this.timeout(240000);
  let wb: Workbench | undefined;

  before(async () => {
    const workspace = await makeTempDir('sdlc-ui-deploy-empty-');
    const site = path.join(workspace, 'site');
    await makeRepo({ dir: site, commits: ['chore: initial commit'] });
    await git(site, ['remote', 'add', 'origin', 'https://github.com/acme/site.git']);
    await makeRepo({ dir: path.join(workspace, 'tools'), commits: ['chore: scripts'] });
    wb = await openWorkbench({ folder: workspace, viewport: VIEWPORT, env: { GH_TOKEN: '', GITHUB_TOKEN: '' } });
    await showOnlyView(wb.page, VIEW, 620);
  });

  after(async () => {
    await wb?.close();
    await cleanupTempDirs();
  });

  it('offers to sign in and explains a repository without a GitHub remote (deployments-signed-out.png)', async () => {
    const page = wb!.page;
    const signIn = await waitForRow(page, VIEW, ['site', 'Sign in to GitHub to see environments and deployments']);
    assert.equal(signIn.icon, 'codicon-account', 'the same as the Repositories and Packages views');
    const noRemote = await waitForRow(page, VIEW, ['tools', 'No GitHub remote: environments and deployments live on GitHub']);
    assert.equal(noRemote.icon, 'codicon-info');
    await closeToasts(page);
    await blurViews(page);
    await wb!.screenshot('deployments-signed-out');
  });
});
