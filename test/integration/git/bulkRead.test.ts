import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import { bulkRead } from '../../../src/core/git/bulkRead';
import { gitEnvironment } from '../../../src/core/git/environment';
import { spawnThread, startSpawnThread, stopSpawnThread } from '../../../src/core/git/spawnThread';
import { cleanupTempDirs, git, makeRepo } from '../../support/repos';

/** Until the shared thread has come up (bulkRead starts processes itself before). */
async function threadReady(): Promise<void> {
  const thread = startSpawnThread();
  assert.ok(thread, 'a worker thread can be made here');
  const deadline = Date.now() + 20_000;
  while (!thread.ready) {
    if (Date.now() > deadline) throw new Error('the spawn thread did not come up');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('bulk reads through a file', () => {
  after(cleanupTempDirs);
  afterEach(stopSpawnThread);
  const leftovers = () => readdirSync(os.tmpdir()).filter((f) => f.startsWith('sdlc-git-'));

  for (const from of ['this thread', 'the spawn thread'] as const) {
    it(`give what the pipe gives, leave no file behind, and report failures with their stderr (processes started from ${from})`, async () => {
      if (from === 'the spawn thread') await threadReady();
      assert.equal(spawnThread() !== undefined, from === 'the spawn thread');
      const repo = await makeRepo({ commits: 3 });
      // Output past a pipe's 64 KiB: 3,000 refs.
      const sha = (await git(repo, ['rev-parse', 'HEAD'])).trim();
      await git(repo, ['update-ref', '--stdin'], { input: Array.from({ length: 3000 }, (_, i) => `create refs/heads/b/${i} ${sha}\n`).join('') });
      const args = ['for-each-ref', '--format=%(refname)%00%(objectname)', 'refs/heads'];
      const before = leftovers();
      const { env } = gitEnvironment();
      const r = await bulkRead('git', args, repo, env);
      assert.equal(r.exitCode, 0);
      assert.ok(r.stdout.length > 64 * 1024);
      assert.equal(r.stdout, await git(repo, args));
      assert.deepEqual(leftovers(), before);
      const bad = await bulkRead('git', ['rev-parse', '--verify', 'no-such-ref'], repo, env);
      assert.equal(bad.exitCode, 128);
      assert.equal(bad.stdout, '');
      assert.match(bad.stderr, /fatal/);
      const missing = await bulkRead('/nonexistent/git', args, repo, env);
      assert.equal(missing.exitCode, null);
      assert.equal((missing.error as NodeJS.ErrnoException).code, 'ENOENT');
      const gone = await bulkRead('git', args, `${repo}-no-such-folder`, env);
      assert.equal(gone.exitCode, null);
      assert.match(String(gone.error?.message), /directory that does not exist/);
      // Aborted: the process is killed and the read answers at once (sleep stands in for a long read).
      const controller = new AbortController();
      const started = Date.now();
      const sleeping = bulkRead('sleep', ['30'], repo, env, controller.signal);
      setTimeout(() => controller.abort(), 50);
      const aborted = await sleeping;
      assert.equal(aborted.exitCode, null);
      assert.ok(Date.now() - started < 10_000, 'the killed process ended the read');
      assert.deepEqual(leftovers(), before);
    });
  }

  it('a stopped spawn thread answers what it still had with an error, and bulkRead starts processes itself again', async () => {
    await threadReady();
    const repo = await makeRepo({ commits: 1 });
    const { env } = gitEnvironment();
    const thread = spawnThread();
    assert.ok(thread);
    const sleeping = thread.run('sleep', ['2'], { cwd: repo, env, stdout: 1, stderr: 2 });
    stopSpawnThread();
    const r = await sleeping;
    assert.equal(r.exitCode, null);
    assert.match(String(r.error?.message), /stopped/);
    assert.equal(spawnThread(), undefined);
    const again = await bulkRead('git', ['rev-parse', 'HEAD'], repo, env);
    assert.equal(again.exitCode, 0);
    assert.equal(again.stdout.trim(), (await git(repo, ['rev-parse', 'HEAD'])).trim());
  });
});
