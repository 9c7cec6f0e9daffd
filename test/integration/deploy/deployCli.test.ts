import { strict as assert } from 'node:assert';
import type { EnvironmentDocument } from '../../../src/cli/deployments';
import type { DeployResult } from '../../../src/core/deploy/deployer';
import { useFakeGitHub } from '../../support/fakeGithub';
import { addDeploymentStatus } from '../../support/fakeGithub/routes/deployments';
import { parseError, runInProcess } from '../cli/cliRunner';
import { git, initRepo, removeDir, tempDir, writeFile } from '../cli/tempRepo';

const TOKEN = 'cli-deploy-token';

describe('sdlc deploy / sdlc deployments', function () {
  this.timeout(30000);
  const gh = useFakeGitHub({ tokens: [TOKEN] });
  let dir: string;
  const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh().url, SDLC_DEPLOY_POLL_MS: '10', SDLC_GITHUB_WRITE_SPACING_MS: '0' });
  const sdlc = (...args: string[]) => runInProcess([...args, '--json', '--cwd', dir], env());

  before(() => {
    dir = initRepo(tempDir());
    writeFile(dir, '.github/workflows/deploy.yml', 'on:\n  workflow_dispatch:\n    inputs:\n      environment: { type: environment, required: true }\n');
    writeFile(
      dir,
      '.sdlc.json',
      JSON.stringify({
        environments: [
          { name: 'staging', deploy: { workflow: 'deploy.yml' } },
          { name: 'production', protected: true },
          { name: 'frozen' },
        ],
        freezeWindows: [{ name: 'forever', environments: ['frozen'], from: '2000-01-01', to: '2100-01-01' }],
      }),
    );
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'ci: deploy');
    git(dir, 'tag', 'v1.0.0');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'feat: more');
    git(dir, 'tag', 'v1.1.0');
  });
  after(() => removeDir(dir));
  beforeEach(() => {
    const s = gh().state;
    s.reset();
    s.addRepo({ owner: 'octo', repo: 'app' });
    for (const t of ['v1.0.0', 'v1.1.0']) s.addTag('octo', 'app', { name: t, sha: git(dir, 'rev-parse', t) });
    s.deployments.addEnvironment('octo/app', 'staging', {}, s);
    s.deployments.addWorkflow('octo/app', 'deploy.yml', {}, s);
    s.deployments.onDeploymentCreated = (d) => addDeploymentStatus(s, d, { state: 'success' });
    if (git(dir, 'remote') === 'origin') git(dir, 'remote', 'remove', 'origin');
    git(dir, 'remote', 'add', 'origin', `${gh().url}/octo/app.git`);
  });

  it('deploys through the workflow, lists what is deployed, rolls back', async () => {
    const first = await sdlc('deploy', '--env', 'staging', '--ref', 'v1.0.0');
    assert.equal(first.code, 0, first.stderr);
    const second = await sdlc('deploy', '--env', 'staging', '--ref', 'v1.1.0', '--reason', 'release');
    const doc = JSON.parse(second.stdout) as DeployResult;
    assert.equal(doc.status, 'success');
    assert.equal(doc.method, 'workflow');
    assert.equal(doc.previousRef, 'v1.0.0');
    const list = await sdlc('deployments', '--env', 'staging');
    assert.equal(list.code, 0, list.stderr);
    const envs = (JSON.parse(list.stdout) as { environments: EnvironmentDocument[] }).environments;
    assert.equal(envs.length, 1);
    assert.equal(envs[0].current?.ref, 'v1.1.0');
    assert.equal(envs[0].current?.version, '1.1.0');
    assert.deepEqual(envs[0].history.map((h) => h.ref), ['v1.1.0', 'v1.0.0']);
    const back = await sdlc('deploy', '--env', 'staging', '--rollback');
    assert.equal(back.code, 0, back.stderr);
    assert.equal((JSON.parse(back.stdout) as DeployResult).ref, 'v1.0.0');
  });

  it('a protected environment needs --yes; a freeze needs --reason; exit codes and error codes', async () => {
    const refused = await sdlc('deploy', '--env', 'production', '--ref', 'v1.1.0');
    assert.equal(refused.code, 2);
    assert.equal(parseError(refused.stderr).code, 'ConfirmationRequired');
    const confirmed = await sdlc('deploy', '--env', 'production', '--ref', 'v1.1.0', '--yes');
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.equal((JSON.parse(confirmed.stdout) as DeployResult).method, 'deployment');
    const frozen = await sdlc('deploy', '--env', 'frozen', '--ref', 'v1.1.0');
    assert.equal(frozen.code, 2);
    assert.equal(parseError(frozen.stderr).code, 'Frozen');
    const override = await sdlc('deploy', '--env', 'frozen', '--ref', 'v1.1.0', '--reason', 'incident 7');
    assert.equal(override.code, 0, override.stderr);
    assert.deepEqual((JSON.parse(override.stdout) as DeployResult).freezeOverride, { window: 'forever', reason: 'incident 7' });
    const verify = await sdlc('audit', 'verify');
    assert.equal(verify.code, 0, verify.stderr);
  });

  it('deploy without a token says so before any request (exit 2)', async () => {
    const before = gh().requests.length;
    const { GITHUB_TOKEN: _token, ...noToken } = env();
    const r = await runInProcess(['deploy', '--env', 'staging', '--ref', 'v1.1.0', '--json', '--cwd', dir], { ...noToken, GITHUB_TOKEN: '', GH_TOKEN: '' });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(parseError(r.stderr).code, 'Unauthorized');
    assert.match(parseError(r.stderr).message, /Set GITHUB_TOKEN/);
    assert.equal(gh().requests.length, before, 'no request to GitHub');
  });

  it('bad usage: missing --env / --ref, unknown strategy, bad --input, unknown ref (exit 2)', async () => {
    for (const [args, re] of [
      [['deploy', '--ref', 'v1.1.0'], /needs --env/],
      [['deploy', '--env', 'staging'], /needs --ref/],
      [['deploy', '--env', 'staging', '--ref', 'v1.1.0', '--strategy', 'yolo'], /big-bang or phased/],
      [['deploy', '--env', 'staging', '--ref', 'v1.1.0', '--input', 'novalue'], /KEY=VALUE/],
      [['deploy', '--env', 'staging', '--ref', 'nope'], /does not resolve to a commit/],
      [['deploy', '--env', 'qa', '--ref', 'v1.1.0'], /No environment "qa".*known: staging, production, frozen/],
      [['deployments', '--env', 'qa'], /No environment "qa"/],
    ] as const) {
      const r = await sdlc(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(parseError(r.stderr).message, re);
    }
  });
});
