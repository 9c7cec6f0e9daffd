import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { startGitHttpServer, type GitHttpServer } from '../../support/gitHttpServer';
import { cleanupTempDirs, cloneRepo, commit, git, headSha, makeRepo, makeTempDir } from '../../support/repos';
import { GIT_LINE, captureLogger, rejectsWith } from './helpers';

async function refs(repo: string): Promise<string> {
  return git(repo, ['for-each-ref', '--format=%(refname) %(objectname)']);
}

describe('odd repositories', function () {
  let server: GitHttpServer;

  before(async () => {
    server = await startGitHttpServer();
  });
  after(async () => {
    await server?.close();
    await cleanupTempDirs();
  });

  it('not a repository: NotARepository for reads and writes, nothing created', async () => {
    const dir = await makeTempDir('sdlc-plain-');
    const g = createGit(dir);
    const e = await rejectsWith(g.snapshot(), 'NotARepository');
    assert.match(e.message, /not inside a git repository/);
    await rejectsWith(g.log(), 'NotARepository');
    await rejectsWith(g.createBranch('x'), 'NotARepository');
    await rejectsWith(createGit(path.join(dir, 'missing')).snapshot(), 'NotARepository');
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('empty repository: the snapshot works, log is [], writes say EmptyRepository', async () => {
    const repo = await makeRepo({ commits: 0, initialBranch: 'trunk' });
    const g = createGit(repo);
    const snap = await g.snapshot();
    assert.deepEqual(snap.head, { branch: 'trunk', sha: null, detached: false });
    assert.equal(snap.empty, true);
    assert.deepEqual([snap.branches, snap.tags, snap.remotes], [[], [], []]);
    assert.equal(snap.upstream, null);
    assert.deepEqual(await g.log(), []);
    assert.deepEqual(await g.log({ ref: 'HEAD' }), []);
    assert.equal(await g.resolve('HEAD'), null);
    await rejectsWith(g.run(['log']), 'EmptyRepository');
    await rejectsWith(g.createBranch('feature'), 'EmptyRepository');
    await rejectsWith(g.createTag('v1.0.0', 'first'), 'EmptyRepository');
    assert.equal(await refs(repo), '');
  });

  it('detached HEAD: branch null, detached true, DetachedHead on push', async () => {
    const repo = await makeRepo({ commits: 2 });
    const first = await headSha(repo, 'HEAD~1');
    await git(repo, ['checkout', '-q', '--detach', first]);
    const g = createGit(repo);
    const snap = await g.snapshot();
    assert.deepEqual(snap.head, { branch: null, sha: first, detached: true });
    assert.ok(snap.branches.every((b) => !b.current));
    assert.equal(snap.upstream, null);
    await g.checkout('main');
    assert.equal((await g.snapshot()).head.branch, 'main');
  });

  it('shallow clone over HTTP: shallow true, snapshot and log work', async () => {
    const url = await server.createBareRepo('shallow');
    const src = await makeRepo({ commits: 5 });
    await git(src, ['push', '-q', url, 'main']);
    const clone = await cloneRepo(`file://${path.join(server.root, 'shallow.git')}`, ['--depth', '1']).catch(() => undefined);
    const viaHttp = await cloneRepo(url, ['--depth', '1']);
    for (const dir of [viaHttp, clone].filter((d): d is string => d !== undefined)) {
      const g = createGit(dir);
      const snap = await g.snapshot();
      assert.equal(snap.shallow, true);
      assert.equal(snap.upstream, 'origin/main');
      assert.deepEqual([snap.ahead, snap.behind], [0, 0]);
      assert.equal((await g.log()).length, 1);
      await commit(dir, 'local');
      const again = await g.snapshot();
      assert.deepEqual([again.branches[0].ahead, again.branches[0].behind], [1, 0]);
    }
  });

  it('no remote: no remotes, push says RemoteNotFound, pull says NoUpstream', async () => {
    const repo = await makeRepo({ commits: 1 });
    const g = createGit(repo);
    const snap = await g.snapshot();
    assert.deepEqual(snap.remotes, []);
    assert.equal(snap.upstream, null);
    await rejectsWith(g.push({ remote: 'origin', ref: 'main' }), 'RemoteNotFound');
    await rejectsWith(g.pull(), 'NoUpstream');
    await rejectsWith(g.fetch({ remote: 'origin' }), 'RemoteNotFound');
  });

  it('locked index during a write: RepositoryLocked, branch not created, lock left alone', async () => {
    const repo = await makeRepo({ commits: 1 });
    const lock = path.join(repo, '.git', 'index.lock');
    await fs.writeFile(lock, '');
    const before = await refs(repo);
    const g = createGit(repo);
    const e = await rejectsWith(g.createBranch('feature', undefined, { checkout: true }), 'RepositoryLocked');
    assert.ok(e.message.includes(lock), e.message);
    assert.match(e.message, /Wait for it to finish or delete the lock file/);
    await fs.writeFile(path.join(repo, 'new.txt'), 'x');
    await rejectsWith(g.run(['add', 'new.txt']), 'RepositoryLocked');
    await rejectsWith(g.run(['commit', '-m', 'x']), 'RepositoryLocked');
    await rejectsWith(g.checkout('other', { createBranch: true }), 'RepositoryLocked');
    assert.equal(await refs(repo), before);
    assert.equal(await g.resolve('refs/heads/feature'), null);
    await fs.access(lock);
    // The snapshot only reads (status with --no-optional-locks), so it still works.
    assert.equal((await g.snapshot()).head.branch, 'main');
  });

  it('invalid branch and tag names are refused before git runs', async () => {
    const repo = await makeRepo({ commits: 1 });
    const logger = captureLogger();
    const g = createGit(repo, { logger });
    for (const name of ['a..b', '-x', 'a b', 'x@{y', 'foo.lock', 'a/', '.a', 'a~1']) {
      const e = await rejectsWith(g.createBranch(name), 'InvalidRefName');
      assert.equal(e.usage, true);
      await rejectsWith(g.createTag(name, 'm'), 'InvalidRefName');
      await rejectsWith(g.checkout(name, { createBranch: true }), 'InvalidRefName');
      await rejectsWith(g.deleteBranch(name), 'InvalidRefName');
    }
    await rejectsWith(g.createBranch('ok', '--orphan'), 'InvalidRefName');
    assert.deepEqual(logger.gitLines(), []);
  });

  it('existing branch / tag: RefExists; missing ones: RefNotFound', async () => {
    const repo = await makeRepo({ commits: 1, branches: ['dev'], tags: [{ name: 'v1.0.0', message: 'one' }] });
    const g = createGit(repo);
    const before = await refs(repo);
    await rejectsWith(g.createBranch('dev'), 'RefExists');
    await rejectsWith(g.createBranch('dev', undefined, { checkout: true }), 'RefExists');
    await rejectsWith(g.createTag('v1.0.0', 'again'), 'RefExists');
    await rejectsWith(g.createBranch('dev/sub'), 'RefExists');
    assert.equal(await refs(repo), before);
    await rejectsWith(g.checkout('nope'), 'RefNotFound');
    await rejectsWith(g.deleteBranch('nope'), 'RefNotFound');
    await rejectsWith(g.deleteTag('nope'), 'RefNotFound');
    await rejectsWith(g.createBranch('x', 'nope'), 'RefNotFound');
    await rejectsWith(g.log({ ref: 'nope' }), 'RefNotFound');
    await g.createTag('v1.1.0', 'Release 1.1.0');
    const snap = await g.snapshot();
    assert.deepEqual(snap.tags.map((t) => [t.name, t.annotated]), [['v1.1.0', true], ['v1.0.0', true]]);
    await g.deleteTag('v1.1.0');
    await g.createBranch('made', 'HEAD', { checkout: true });
    assert.equal((await g.snapshot()).head.branch, 'made');
  });

  it('deleting an unmerged branch without force: BranchNotMerged, branch kept; with force it goes', async () => {
    const repo = await makeRepo({ commits: 1 });
    await git(repo, ['checkout', '-q', '-b', 'wip']);
    await commit(repo, 'unmerged work');
    await git(repo, ['checkout', '-q', 'main']);
    const g = createGit(repo);
    const sha = await g.resolve('wip');
    await rejectsWith(g.deleteBranch('wip'), 'BranchNotMerged');
    assert.equal(await g.resolve('wip'), sha);
    await g.deleteBranch('wip', { force: true });
    assert.equal(await g.resolve('refs/heads/wip'), null);
  });

  it('checkout over local changes: DirtyWorkTree, nothing changed', async () => {
    const repo = await makeRepo({ commits: 1 });
    await git(repo, ['checkout', '-q', '-b', 'other']);
    await commit(repo, 'other', { 'file1.txt': 'other\n' });
    await git(repo, ['checkout', '-q', 'main']);
    await fs.writeFile(path.join(repo, 'file1.txt'), 'local edit\n');
    const g = createGit(repo);
    await rejectsWith(g.checkout('other'), 'DirtyWorkTree');
    assert.equal(await fs.readFile(path.join(repo, 'file1.txt'), 'utf8'), 'local edit\n');
    assert.equal((await g.snapshot()).head.branch, 'main');
  });

  it('checkout of a remote branch name creates the tracking branch; a file name is never restored', async () => {
    const url = await server.createBareRepo('dwim');
    const src = await makeRepo({ commits: 1 });
    await git(src, ['push', '-q', url, 'main:main', 'main:feature']);
    const clone = await cloneRepo(url);
    await fs.writeFile(path.join(clone, 'file1.txt'), 'edited\n');
    const g = createGit(clone);
    await rejectsWith(g.checkout('file1.txt'), 'RefNotFound');
    assert.equal(await fs.readFile(path.join(clone, 'file1.txt'), 'utf8'), 'edited\n');
    await g.checkout('feature');
    const snap = await g.snapshot();
    assert.equal(snap.head.branch, 'feature');
    assert.equal(snap.upstream, 'origin/feature');
  });

  it('every call is logged as "> git <args> [ms]"', async () => {
    const repo = await makeRepo({ commits: 1 });
    const logger = captureLogger();
    const g = createGit(repo, { logger });
    await g.snapshot();
    await g.createBranch('logged');
    await g.deleteBranch('logged');
    const lines = logger.gitLines();
    assert.ok(lines.length >= 6, lines.join("\n"));
    for (const l of lines) assert.match(l, GIT_LINE);
    assert.ok(lines.some((l) => /^> git branch --no-track logged \[\d+ms\]$/.test(l)), lines.join('\n'));
  });

  it('git not found: GitNotFound', async () => {
    const repo = await makeRepo({ commits: 1 });
    const e = await rejectsWith(createGit(repo, { gitPath: '/nonexistent/bin/git' }).snapshot(), 'GitNotFound');
    assert.match(e.message, /\/nonexistent\/bin\/git/);
  });

  it('a repository folder removed under an open adapter: NotARepository saying the folder is gone, not GitNotFound', async () => {
    const repo = await makeRepo({ commits: 1 });
    const g = createGit(repo);
    await g.snapshot();
    await fs.rm(repo, { recursive: true, force: true });
    for (const read of [() => g.snapshot(), () => g.aheadBehind([{ branch: 'main', upstream: 'main' }])]) {
      const e = await rejectsWith(read(), 'NotARepository');
      assert.match(e.message, /does not exist/);
    }
  });
});
