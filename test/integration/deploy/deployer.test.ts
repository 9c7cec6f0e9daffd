import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { AuditLog } from '../../../src/core/audit/auditLog';
import type { SdlcConfig } from '../../../src/core/config/config';
import { Deployer, type DeployServices } from '../../../src/core/deploy/deployer';
import { GitHubDeployments } from '../../../src/core/deploy/githubDeploy';
import { probeAll, worstState } from '../../../src/core/deploy/health';
import { environmentChecks } from '../../../src/core/deploy/healthConfig';
import { SdlcError } from '../../../src/core/errors';
import { acquireChangeLock, changeSiteOf } from '../../../src/core/transaction';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import type { GitHub } from '../../../src/core/github/github';
import { createGitHub } from '../../../src/core/github/octokitAdapter';
import { useFakeGitHub } from '../../support/fakeGithub';
import { addDeploymentStatus, finishRun } from '../../support/fakeGithub/routes/deployments';
import { git, initRepo, removeDir, tempDir, writeFile } from '../cli/tempRepo';
import { SwitchableEndpoint } from './endpoints';

const TOKEN = 'deploy-token';
const WORKFLOW = `name: Deploy
on:
  workflow_dispatch:
    inputs:
      environment: { type: environment, required: true }
      version: { type: string, required: true }
      replicas: { type: number, default: 2 }
      target: { type: string }
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps: [{ run: ./deploy.sh }]
`;

const code = (c: string) => (e: unknown) => e instanceof SdlcError && e.code === c;

describe('deploy/deployer against the spec-validated GitHub, a real repository and real health endpoints', function () {
  this.timeout(30000);
  const gh = useFakeGitHub({ tokens: [TOKEN] });
  let dir: string;
  let github: GitHub;
  let eu: SwitchableEndpoint;
  let us: SwitchableEndpoint;
  let sha: Record<string, string>;
  let auditFile: string;

  const config = (): SdlcConfig => ({
    promotion: ['staging', 'production'],
    freezeWindows: [{ name: 'release freeze', environments: ['frozen'], from: '2026-12-01', to: '2026-12-31' }],
    environments: [
      { name: 'staging', deploy: { workflow: 'deploy.yml', inputs: { replicas: 1 } } },
      {
        name: 'production',
        protected: true,
        targets: [{ name: 'eu-1', health: eu.url }, { name: 'us-1', health: us.url }],
        strategy: { type: 'phased', waves: ['eu-1', 'us-1'], gate: { health: true, rollback: true } },
      },
      { name: 'frozen' },
      { name: 'ci-only', deploy: { workflow: 'ci.yml' } },
      { name: 'canary', health: eu.url, targets: ['c1', 'c2'], strategy: { type: 'phased', gate: { approval: true } } },
    ],
  });

  const deployer = (extra: Partial<DeployServices> = {}, now = () => Date.parse('2026-11-20T10:00:00Z')) => {
    const cfg = config();
    return new Deployer({
      github: new GitHubDeployments(github, { owner: 'octo', repo: 'app' }),
      git: createGit(dir),
      config: cfg,
      audit: { log: new AuditLog(auditFile), actor: { tool: 'cli', gitName: 'Ada' } },
      now,
      pollMs: 10,
      gateProbeMs: 10,
      health: async (environment, target) => {
        const env = cfg.environments!.find((e) => e.name === environment)!;
        const checks = (await environmentChecks(env, dir)).filter((c) => c.target === target);
        return checks.length ? worstState((await probeAll(checks.map((c) => c.spec))).map((r) => r.state)) : 'unknown';
      },
      ...extra,
    });
  };
  const audit = async (): Promise<Array<Record<string, string | undefined>>> => (await new AuditLog(auditFile).read()).map((e) => ({ action: e.action, result: e.result, ...e.target }));

  before(async () => {
    eu = await SwitchableEndpoint.start();
    us = await SwitchableEndpoint.start();
    dir = initRepo(tempDir());
    writeFile(dir, '.github/workflows/deploy.yml', WORKFLOW);
    writeFile(dir, '.github/workflows/ci.yml', 'on: push\njobs: {}\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'ci: deploy workflow');
    git(dir, 'tag', 'v1.0.0');
    writeFile(dir, 'app.txt', 'two\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'feat: two');
    git(dir, 'tag', 'v1.1.0');
    sha = { 'v1.0.0': git(dir, 'rev-parse', 'v1.0.0'), 'v1.1.0': git(dir, 'rev-parse', 'v1.1.0'), main: git(dir, 'rev-parse', 'main') };
    auditFile = path.join(dir, '.git', 'sdlc', 'audit.jsonl');
    github = await createGitHub({ baseUrl: gh().url, token: TOKEN, retry: { retries: 0 }, throttle: { writeSpacingMs: 0 } });
  });
  after(async () => {
    await eu.close();
    await us.close();
    removeDir(dir);
  });
  beforeEach(() => {
    const s = gh().state;
    s.reset();
    s.addRepo({ owner: 'octo', repo: 'app', headSha: sha.main });
    for (const t of ['v1.0.0', 'v1.1.0']) s.addTag('octo', 'app', { name: t, sha: sha[t] });
    for (const name of ['staging', 'production']) s.deployments.addEnvironment('octo/app', name, {}, s);
    s.deployments.addWorkflow('octo/app', 'deploy.yml', { name: 'Deploy' }, s);
    // the pipeline listening to deployment events: succeeds at once
    s.deployments.onDeploymentCreated = (d) => addDeploymentStatus(s, d, { state: 'success', logUrl: 'https://ci.example/1' });
    eu.mode = 'healthy';
    us.mode = 'healthy';
    removeDir(path.dirname(auditFile));
  });

  it('workflow dispatch: typed inputs from the YAML at the ref, the run it started followed to success, recorded', async () => {
    const events: string[] = [];
    const result = await deployer({ onEvent: (e) => events.push(e.type) }).deploy({ environment: 'staging', ref: 'v1.1.0', reason: 'release 1.1' });
    assert.equal(result.status, 'success', result.message);
    assert.equal(result.method, 'workflow');
    const dispatch = gh().state.deployments.dispatches[0];
    assert.deepEqual(dispatch.inputs, { environment: 'staging', version: '1.1.0', replicas: '1' });
    assert.equal(dispatch.ref, 'v1.1.0');
    assert.equal(result.waves[0].runId, dispatch.runId);
    assert.deepEqual(events, ['wave-start', 'dispatched']);
    const history = await deployer().history('staging');
    assert.equal(history[0].ref, 'v1.1.0');
    assert.equal(history[0].status, 'success');
    assert.match(history[0].logUrl ?? '', /actions\/runs\//);
    assert.deepEqual(await audit(), [{ action: 'deploy.run', result: 'success', environment: 'staging', ref: 'v1.1.0', reason: 'release 1.1', strategy: 'big-bang', method: 'workflow' }]);
  });

  it('without run details in the dispatch answer, finds the run it started among the workflow_dispatch runs', async () => {
    gh().state.deployments.dispatchWithoutRunDetails = true;
    gh().state.addWorkflowRun('octo', 'app', { branch: 'v1.1.0', sha: sha['v1.1.0'], name: 'Deploy', event: 'workflow_dispatch', path: '.github/workflows/other.yml' });
    // the fake's clock starts at 2024-01-01; runs created before the dispatch are not taken
    const result = await deployer({}, () => Date.parse('2024-01-01T00:00:10Z')).deploy({ environment: 'staging', ref: 'v1.1.0' });
    assert.equal(result.status, 'success', result.message);
    assert.equal(result.waves[0].runId, gh().state.deployments.dispatches[0].runId);
  });

  it('phased rollout: halts when the second wave is unhealthy and rolls both waves back to the previous ref', async () => {
    const d = deployer();
    assert.equal((await d.deploy({ environment: 'production', ref: 'v1.0.0', confirmed: true })).status, 'success');
    us.mode = 'unhealthy';
    const result = await d.deploy({ environment: 'production', ref: 'v1.1.0', confirmed: true, reason: 'ship 1.1' });
    assert.equal(result.status, 'rolled-back', result.message);
    assert.deepEqual(result.waves.map((w) => [w.wave, w.status, w.gate?.passed]), [['eu-1', 'rolled-back', true], ['us-1', 'rolled-back', false]]);
    assert.match(result.message, /gate after wave us-1 failed: health of us-1 is unhealthy; rolled back eu-1, us-1 to v1.0.0/);
    const history = await d.history('production');
    assert.deepEqual(history.slice(0, 4).map((h) => [h.ref, h.target]), [['v1.0.0', 'eu-1'], ['v1.0.0', 'us-1'], ['v1.1.0', 'us-1'], ['v1.1.0', 'eu-1']]);
    const entries = await audit();
    assert.deepEqual(entries.filter((e) => e.action === 'deploy.rollback').map((e) => [e.wave, e.ref, e.from]), [['us-1', 'v1.0.0', 'v1.1.0'], ['eu-1', 'v1.0.0', 'v1.1.0']]);
    assert.equal(entries.at(-1)!.result, 'failure');
  });

  it('phased rollout: healthy waves all pass their gates; a failing first wave stops before the second', async () => {
    const ok = await deployer().deploy({ environment: 'production', ref: 'v1.1.0', confirmed: true });
    assert.deepEqual(ok.waves.map((w) => [w.wave, w.status, w.gate?.passed]), [['eu-1', 'success', true], ['us-1', 'success', true]]);
    const s = gh().state;
    s.deployments.onDeploymentCreated = (dep) => addDeploymentStatus(s, dep, { state: 'failure' });
    const bad = await deployer().deploy({ environment: 'production', ref: 'v1.0.0', confirmed: true });
    assert.equal(bad.status, 'rolled-back');
    assert.equal(bad.waves.length, 1, 'the second wave never started');
  });

  it('approval gates: a wave not approved halts the rollout (recorded); a big bang is verified against health', async () => {
    const asked: string[] = [];
    const result = await deployer({ approveWave: async (_env, wave) => (asked.push(wave), wave === 'c1' ? false : true) }).deploy({ environment: 'canary', ref: 'v1.1.0' });
    assert.equal(result.status, 'failure');
    assert.deepEqual(asked, ['c1']);
    assert.equal(result.waves.length, 1);
    assert.match(result.message, /wave c1 was not approved; halted/);
    assert.deepEqual((await audit()).filter((e) => e.action === 'deploy.reject').map((e) => e.wave), ['c1']);
    eu.mode = 'unhealthy';
    const bigBang = await deployer().deploy({ environment: 'canary', ref: 'v1.1.0', strategy: 'big-bang' });
    assert.equal(bigBang.status, 'success');
    assert.equal(bigBang.verified, 'unhealthy');
    assert.match(bigBang.message, /health checks are failing now/);
  });

  it('protection, unknown environment, unknown ref: refused before anything happens', async () => {
    const d = deployer();
    await assert.rejects(d.deploy({ environment: 'production', ref: 'v1.1.0' }), (e: unknown) => code('ConfirmationRequired')(e) && /--yes/.test((e as Error).message));
    await assert.rejects(d.deploy({ environment: 'qa', ref: 'v1.1.0' }), (e: unknown) => code('UnknownEnvironment')(e) && /known: staging, production, frozen, ci-only/.test((e as Error).message));
    await assert.rejects(d.deploy({ environment: 'staging', ref: 'v9.9.9' }), code('RefNotFound'));
    await assert.rejects(d.deploy({ environment: 'staging', ref: '--upload-pack=x' }), code('RefNotFound'));
    assert.equal(gh().state.deployments.deployments.size, 0);
    assert.equal(gh().state.deployments.dispatches.length, 0);
  });

  it('a freeze window refuses a deploy; an override with a reason is recorded', async () => {
    const inFreeze = () => Date.parse('2026-12-15T12:00:00Z');
    await assert.rejects(deployer({}, inFreeze).deploy({ environment: 'frozen', ref: 'v1.1.0' }), (e: unknown) => code('Frozen')(e) && /release freeze/.test((e as Error).message) && /--reason/.test((e as Error).message));
    const result = await deployer({}, inFreeze).deploy({ environment: 'frozen', ref: 'v1.1.0', reason: 'hotfix for incident 42' });
    assert.deepEqual(result.freezeOverride, { window: 'release freeze', reason: 'hotfix for incident 42' });
    const entries = await audit();
    assert.deepEqual(entries.map((e) => [e.action, e.result]), [['deploy.refused', 'failure'], ['deploy.freeze-override', 'success'], ['deploy.run', 'success']]);
    assert.equal(entries[1].reason, 'hotfix for incident 42');
  });

  it('a deploy while another is in progress is refused unless forced', async () => {
    gh().state.deployments.dispatchOutcome = 'manual';
    const first = deployer({ followTimeoutMs: 60_000 }).deploy({ environment: 'staging', ref: 'v1.0.0' });
    // wait for the first run to exist (poll with a deadline)
    const deadline = Date.now() + 5000;
    while (gh().state.deployments.dispatches.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    await assert.rejects(deployer().deploy({ environment: 'staging', ref: 'v1.1.0' }), (e: unknown) => code('DeployInProgress')(e) && !(e as SdlcError).usage);
    finishRun(gh().state, gh().state.deployments.dispatches[0].runId, 'success');
    assert.equal((await first).status, 'success');
    gh().state.deployments.dispatchOutcome = 'success';
    assert.equal((await deployer().deploy({ environment: 'staging', ref: 'v1.1.0', force: true })).status, 'success');
  });

  it('holds the repository change lock: a deploy while another change of the repository runs is refused', async () => {
    const lock = await acquireChangeLock((await changeSiteOf(createGit(dir))).stateDir, { kind: 'version.bump', label: 'release' });
    try {
      await assert.rejects(deployer().deploy({ environment: 'staging', ref: 'v1.1.0' }), (e: unknown) => e instanceof SdlcError && /release/.test(e.message));
      assert.equal(gh().state.deployments.dispatches.length, 0);
    } finally {
      await lock.release();
    }
    const result = await deployer().deploy({ environment: 'staging', ref: 'v1.1.0' });
    assert.equal(result.status, 'success');
    assert.equal(result.verified, 'unknown', 'staging has no health checks');
  });

  it('bad workflow input: no dispatch trigger, invalid values, dispatch 422 and 403', async () => {
    await assert.rejects(deployer().deploy({ environment: 'ci-only', ref: 'v1.1.0' }), code('NoDispatchTrigger'));
    await assert.rejects(deployer().deploy({ environment: 'staging', ref: 'v1.1.0', inputs: { replicas: 'many', environment: 'qa' } }), (e: unknown) => code('InvalidInputs')(e) && /"replicas" must be a number/.test((e as Error).message) && /got "qa"/.test((e as Error).message));
    gh().state.deployments.failNextDispatch = { status: 422, message: 'Unexpected inputs provided' };
    await assert.rejects(deployer().deploy({ environment: 'staging', ref: 'v1.1.0' }), (e: unknown) => code('DispatchRefused')(e) && /Unexpected inputs/.test((e as Error).message));
    gh().state.deployments.failNextDispatch = { status: 403, message: 'Resource not accessible by integration' };
    await assert.rejects(deployer().deploy({ environment: 'staging', ref: 'v1.1.0' }), (e: unknown) => code('DispatchForbidden')(e) && /actions: write/.test((e as Error).message));
    const failures = (await audit()).filter((e) => e.result === 'failure').map((e) => e.action);
    assert.deepEqual(failures, ['deploy.run', 'deploy.run', 'deploy.run', 'deploy.run']);
  });

  it('rollback redeploys the last good ref; promotion deploys what the previous environment runs', async () => {
    const d = deployer();
    await d.deploy({ environment: 'staging', ref: 'v1.0.0' });
    await d.deploy({ environment: 'staging', ref: 'v1.1.0' });
    const plan = await d.rollbackPlan('staging');
    assert.equal(plan.to.ref, 'v1.0.0');
    const back = await d.rollback('staging', { reason: 'bad release' });
    assert.equal(back.kind, 'rollback');
    assert.equal(back.ref, 'v1.0.0');
    assert.equal((await d.history('staging'))[0].ref, 'v1.0.0');
    const candidate = await d.promotionCandidate('production');
    assert.deepEqual(candidate, { from: 'staging', ref: 'v1.0.0', sha: sha['v1.0.0'] });
    const promoted = await d.promote('production', { confirmed: true });
    assert.equal(promoted.status, 'success');
    assert.equal(promoted.ref, 'v1.0.0');
    await assert.rejects(d.promotionCandidate('staging'), code('NoPromotionSource'));
    const actions = (await audit()).map((e) => [e.action, e.reason]);
    assert.deepEqual(actions.slice(-2), [['deploy.rollback', 'bad release'], ['deploy.promote', 'promote from staging']]);
  });

  it('approvals: a run waiting for review; a user who is not a reviewer gets a clear error; a reviewer approves', async () => {
    const s = gh().state;
    s.deployments.environments.clear();
    s.deployments.addEnvironment('octo/app', 'staging', { reviewers: ['alice'] }, s);
    s.deployments.addEnvironment('octo/app', 'production', {}, s);
    const events: string[] = [];
    const running = deployer({ followTimeoutMs: 60_000, onEvent: (e) => e.type === 'waiting' && events.push(e.what) }).deploy({ environment: 'staging', ref: 'v1.1.0', confirmed: true });
    const deadline = Date.now() + 5000;
    while (s.deployments.pending.size === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const runId = s.deployments.dispatches[0].runId;
    const gha = new GitHubDeployments(github, { owner: 'octo', repo: 'app' });
    const pending = await gha.pendingDeployments(runId);
    assert.deepEqual(pending.map((p) => [p.environment, p.currentUserCanApprove, p.reviewers]), [['staging', false, ['alice']]]);
    await assert.rejects(deployer().review(runId, ['staging'], 'approved', 'lgtm'), (e: unknown) => code('NotARequiredReviewer')(e) && /reviewers: alice/.test((e as Error).message));
    s.setUser({ login: 'alice' });
    await deployer().review(runId, ['staging'], 'approved', 'ship it');
    const result = await running;
    assert.equal(result.status, 'success');
    assert.ok(events.some((w) => /waits for a review/.test(w)));
    assert.deepEqual(s.deployments.reviews.map((r) => [r.user, r.state, r.comment]), [['alice', 'approved', 'ship it']]);
    const reviews = (await audit()).filter((e) => e.action!.startsWith('deploy.approve'));
    assert.deepEqual(reviews.map((e) => [e.result, e.reason]), [['failure', 'lgtm'], ['success', 'ship it']]);
  });

  it('a rejected run fails the deploy', async () => {
    const s = gh().state;
    s.deployments.environments.clear();
    s.deployments.addEnvironment('octo/app', 'staging', { reviewers: ['octocat'] }, s);
    const running = deployer({ followTimeoutMs: 60_000 }).deploy({ environment: 'staging', ref: 'v1.1.0', confirmed: true });
    const deadline = Date.now() + 5000;
    while (s.deployments.pending.size === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    await deployer().review(s.deployments.dispatches[0].runId, [], 'rejected', 'not today');
    const result = await running;
    assert.equal(result.status, 'failure');
    assert.match(result.message, /ended failure/);
  });
});
