import { strict as assert } from 'node:assert';
import { commitCiState, ContinuousDelivery, type TickOutcome } from '../../../src/core/deploy/continuous';
import { Deployer } from '../../../src/core/deploy/deployer';
import { GitHubDeployments } from '../../../src/core/deploy/githubDeploy';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import type { GitHub } from '../../../src/core/github/github';
import { createGitHub } from '../../../src/core/github/octokitAdapter';
import { useFakeGitHub } from '../../support/fakeGithub';
import { addDeploymentStatus } from '../../support/fakeGithub/routes/deployments';
import { git, initRepo, removeDir, tempDir } from '../cli/tempRepo';

const repo = { owner: 'octo', repo: 'app' };

const TOKEN = 'cd-token';

describe('deploy/continuous delivery against the fake GitHub', function () {
  this.timeout(30000);
  const gh = useFakeGitHub({ tokens: [TOKEN] });
  let dir: string;
  let github: GitHub;
  const shas: string[] = [];

  before(async () => {
    dir = initRepo(tempDir());
    shas.push(git(dir, 'rev-parse', 'HEAD'));
    for (const n of [2, 3]) {
      git(dir, 'commit', '-q', '--allow-empty', '-m', `feat: change ${n}`);
      shas.push(git(dir, 'rev-parse', 'HEAD'));
    }
    github = await createGitHub({ baseUrl: gh().url, token: TOKEN, retry: { retries: 0 }, throttle: { writeSpacingMs: 0 } });
  });
  after(() => removeDir(dir));

  const setup = () => {
    const s = gh().state;
    s.reset();
    s.addRepo({ owner: 'octo', repo: 'app', headSha: shas[0] });
    s.deployments.addEnvironment('octo/app', 'dev', {}, s);
    s.deployments.onDeploymentCreated = (d) => addDeploymentStatus(s, d, { state: 'success' });
    const deployer = new Deployer({ github: new GitHubDeployments(github, repo), git: createGit(dir), config: { environments: [{ name: 'dev', strategy: { type: 'continuous', branch: 'main' } }] }, audit: null, pollMs: 10 });
    const outcomes: TickOutcome[] = [];
    const cd = new ContinuousDelivery({
      environment: 'dev',
      branch: 'main',
      head: async () => s.repo('octo', 'app')!.branches.get('main')?.sha ?? null,
      ci: (sha) => commitCiState(github, repo, sha),
      deploy: (sha) => deployer.deploy({ environment: 'dev', ref: sha }),
      onOutcome: (o) => outcomes.push(o),
    });
    return { s, deployer, cd, outcomes };
  };

  it('deploys only green heads, each once', async () => {
    const { s, deployer, cd } = setup();
    assert.deepEqual(await cd.tick(), { type: 'not-green', sha: shas[0], ci: 'none' }, 'no CI yet');
    assert.deepEqual(await cd.tick(), { type: 'not-green', sha: shas[0], ci: 'none' }, 'a repeated poll (304s) still reads the same');
    s.setCommitStatus('octo', 'app', shas[0], { state: 'success', context: 'ci' });
    assert.equal((await cd.tick()).type, 'deployed');
    assert.deepEqual(await cd.tick(), { type: 'unchanged', sha: shas[0] });
    // a new head with failing CI is not deployed; the next green one is
    s.addBranch('octo', 'app', { name: 'main', sha: shas[1] });
    s.setCommitStatus('octo', 'app', shas[1], { state: 'failure', context: 'ci' });
    assert.equal((await cd.tick()).type, 'not-green');
    s.addBranch('octo', 'app', { name: 'main', sha: shas[2] });
    s.setCommitStatus('octo', 'app', shas[2], { state: 'success', context: 'ci' });
    assert.deepEqual(await cd.tick(), { type: 'deployed', sha: shas[2], status: 'success' });
    const history = await deployer.history('dev');
    assert.deepEqual(history.map((h) => h.sha), [shas[2], shas[0]], 'the red commit never went out');
  });

  it('never two at once: a tick during a deploy does nothing', async () => {
    const s = gh().state;
    setup();
    s.setCommitStatus('octo', 'app', shas[0], { state: 'success', context: 'ci' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let deploys = 0;
    const cd = new ContinuousDelivery({
      environment: 'dev',
      branch: 'main',
      head: async () => shas[0],
      ci: (sha) => commitCiState(github, repo, sha),
      deploy: async () => {
        deploys++;
        await gate;
        return { status: 'success' };
      },
    });
    const first = cd.tick();
    assert.deepEqual(await cd.tick(), { type: 'busy' });
    release();
    assert.equal((await first).type, 'deployed');
    assert.equal(deploys, 1);
    assert.equal(cd.running, false);
  });

  it('a failed deploy is reported and not retried for the same commit', async () => {
    const cd = new ContinuousDelivery({ environment: 'dev', branch: 'main', head: async () => 'abc', ci: async () => 'success', deploy: async () => Promise.reject(new Error('boom')) });
    assert.deepEqual(await cd.tick(), { type: 'failed', sha: 'abc', error: 'boom' });
    assert.deepEqual(await cd.tick(), { type: 'unchanged', sha: 'abc' });
  });
});
