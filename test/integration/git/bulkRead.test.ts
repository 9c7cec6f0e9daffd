import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import { bulkRead } from '../../../src/core/git/bulkRead';
import { gitEnvironment } from '../../../src/core/git/environment';
import { cleanupTempDirs, git, makeRepo } from '../../support/repos';

describe('bulk reads through a file', () => {
  after(cleanupTempDirs);
  const leftovers = () => readdirSync(os.tmpdir()).filter((f) => f.startsWith('sdlc-git-'));

  it('give what the pipe gives, leave no file behind, and report failures with their stderr', async () => {
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
    assert.deepEqual(leftovers(), before);
  });
});
