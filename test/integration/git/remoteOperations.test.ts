import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { startGitHttpServer, type GitHttpServer } from '../../support/gitHttpServer';
import { cleanupTempDirs, cloneRepo, commit, git, headSha, makeRepo } from '../../support/repos';
import { GIT_LINE, captureLogger, rejectsWith } from './helpers';

const USER = 'alice';
const PASSWORD = 'pw-Sup3rSecret-42';

describe('fetch, pull and push over a real HTTP remote', function () {
  let server: GitHttpServer;

  before(async () => {
    server = await startGitHttpServer({ auth: { user: USER, password: PASSWORD } });
  });
  after(async () => {
    await server?.close();
    await cleanupTempDirs();
  });

  /** A repository pushed to a new remote repository, plus a second clone of it. */
  async function pair(name: string) {
    await server.createBareRepo(name);
    const repo = await makeRepo({ commits: 2 });
    await git(repo, ['remote', 'add', 'origin', server.urlWithCredentials(name)]);
    await git(repo, ['push', '-q', '-u', 'origin', 'main']);
    const other = await cloneRepo(server.urlWithCredentials(name));
    return { repo, other };
  }

  it('push with upstream, fetch, fast-forward pull; logged with timing and without the password', async () => {
    await server.createBareRepo('ok');
    const repo = await makeRepo({ commits: 1, tags: [{ name: 'v1.0.0', message: 'one' }] });
    await git(repo, ['remote', 'add', 'origin', server.urlWithCredentials('ok')]);
    const logger = captureLogger();
    const g = createGit(repo, { logger });
    await g.push({ remote: 'origin', ref: 'main', setUpstream: true, followTags: true });
    let snap = await g.snapshot();
    assert.equal(snap.upstream, 'origin/main');
    assert.equal(snap.remotes[0].url, server.repoUrl('ok'));
    assert.ok((await git(server.root + '/ok.git', ['tag'])).includes('v1.0.0'));

    const other = await cloneRepo(server.urlWithCredentials('ok'));
    await commit(other, 'feat: from elsewhere');
    await git(other, ['push', '-q', 'origin', 'main']);
    await g.fetch({ prune: true });
    snap = await g.snapshot();
    assert.deepEqual([snap.ahead, snap.behind], [0, 1]);
    await g.pull();
    snap = await g.snapshot();
    assert.deepEqual([snap.ahead, snap.behind], [0, 0]);
    assert.equal(snap.head.sha, await headSha(other));

    await g.push({ remote: server.urlWithCredentials('ok'), ref: 'main', remoteRef: 'copy' });
    const lines = logger.gitLines();
    assert.ok(lines.some((l) => /^> git push --set-upstream --follow-tags origin main \[\d+ms\]$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^> git fetch --prune \[\d+ms\]$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`> git push ${server.repoUrl('ok')} main:copy [`)), lines.join('\n'));
    for (const l of lines) assert.match(l, GIT_LINE);
    assert.ok(!logger.lines.join('\n').includes(PASSWORD));
  });

  it('push rejected (non-fast-forward): PushRejected, the local commit is kept', async () => {
    const { repo, other } = await pair('reject');
    await commit(other, 'theirs');
    await git(other, ['push', '-q', 'origin', 'main']);
    const mine = await commit(repo, 'mine');
    const g = createGit(repo);
    const e = await rejectsWith(g.push({ remote: 'origin', ref: 'main' }), 'PushRejected');
    assert.match(e.message, /non-fast-forward/);
    assert.equal(await headSha(repo), mine);
    await g.fetch();
    await rejectsWith(g.pull(), 'Conflict'); // diverged: no fast-forward
    assert.equal(await headSha(repo), mine);
  });

  it('wrong password: AuthFailed for fetch, pull and push; the password is nowhere', async () => {
    const { repo } = await pair('auth');
    const wrong = 'WrongPassw0rd-XYZ';
    await git(repo, ['remote', 'set-url', 'origin', server.urlWithCredentials('auth', USER, wrong)]);
    const logger = captureLogger();
    const g = createGit(repo, { logger });
    const errors = [
      await rejectsWith(g.fetch(), 'AuthFailed'),
      await rejectsWith(g.pull(), 'AuthFailed'),
      await rejectsWith(g.push({ remote: 'origin', ref: 'main' }), 'AuthFailed'),
      await rejectsWith(g.push({ remote: server.urlWithCredentials('auth', USER, wrong), ref: 'main' }), 'AuthFailed'),
    ];
    const everything = [...errors.flatMap((e) => [e.message, e.stderr ?? '', JSON.stringify(e.details.args), e.details.hint ?? '']), ...logger.lines].join('\n');
    for (const secret of [wrong, PASSWORD]) assert.ok(!everything.includes(secret), everything);
    // Without credentials git would prompt; GIT_TERMINAL_PROMPT=0 makes it fail at once instead.
    await git(repo, ['remote', 'set-url', 'origin', server.repoUrl('auth')]);
    await rejectsWith(g.fetch(), 'AuthFailed');
  });

  it('missing remote repository: RemoteNotFound', async () => {
    const repo = await makeRepo({ commits: 1 });
    await git(repo, ['remote', 'add', 'origin', server.urlWithCredentials('does-not-exist')]);
    await rejectsWith(createGit(repo).fetch(), 'RemoteNotFound');
  });

  it('unreachable remote (connection refused): Network', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const repo = await makeRepo({ commits: 1 });
    await git(repo, ['remote', 'add', 'origin', `http://${USER}:${PASSWORD}@127.0.0.1:${port}/x.git`]);
    const e = await rejectsWith(createGit(repo).fetch(), 'Network');
    assert.ok(!e.message.includes(PASSWORD) && !(e.stderr ?? '').includes(PASSWORD));
  });

  it('abort: a hanging fetch is killed and rejects with Cancelled; queued and pre-aborted calls too', async () => {
    const { repo } = await pair('abort');
    const g = createGit(repo);
    server.stall(true);
    try {
      const controller = new AbortController();
      const arrived = server.nextRequest();
      const started = Date.now();
      const fetching = g.fetch({ signal: controller.signal });
      // A second call waits for its turn behind the hanging fetch; aborting it rejects at once.
      const queuedController = new AbortController();
      const queued = g.fetch({ signal: queuedController.signal });
      queuedController.abort();
      await rejectsWith(queued, 'Cancelled');
      await arrived;
      controller.abort();
      await rejectsWith(fetching, 'Cancelled');
      assert.ok(Date.now() - started < 10000);
    } finally {
      server.stall(false);
    }
    await rejectsWith(g.fetch({ signal: AbortSignal.abort() }), 'Cancelled');
    // The repository's queue moves on after the cancelled calls.
    await g.fetch();
    assert.equal((await g.snapshot()).head.branch, 'main');
  });

  it('serializes calls on one repository and runs different repositories in parallel', async () => {
    const a = await makeRepo({ commits: 1 });
    const b = await makeRepo({ commits: 1 });
    const logger = captureLogger();
    const ga = createGit(a, { logger });
    const ga2 = createGit(a, { logger }); // a second Git on the same root shares the queue
    const gb = createGit(b, { logger });
    const results = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => ga.createBranch(`a${i}`)),
      ...Array.from({ length: 5 }, (_, i) => ga2.createTag(`t${i}`, 'm')),
      ga.snapshot(),
      gb.snapshot(),
    ]);
    assert.equal(results.length, 12);
    const snap = await ga.snapshot();
    assert.equal(snap.branches.length, 6);
    assert.equal(snap.tags.length, 5);
  });
});
