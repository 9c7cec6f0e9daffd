import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AuditLog } from '../../../src/core/audit/auditLog';
import { SdlcError } from '../../../src/core/errors';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { applyRelease } from '../../../src/core/versioning/release';
import { planRepository } from '../../../src/core/versioning/service';
import { startGitHttpServer, type GitHttpServer } from '../../support/gitHttpServer';
import { cleanupTempDirs, cloneRepo, commit, git, makeRepo, makeTempDir } from '../../support/repos';

const PKG = '{\n  "name": "demo",\n  "version": "1.1.0",\n  "private": true\n}\n';
const OLD_LOG = '# Changelog\n\n## 1.1.0 (2024-01-01)\n\n* old entry\n';

/** Everything a release may change, to compare before/after byte for byte. */
async function state(repo: string) {
  const files: Record<string, string | null> = {};
  for (const f of ['package.json', 'CHANGELOG.md', 'package-lock.json']) {
    files[f] = await fs.readFile(path.join(repo, f), 'latin1').catch(() => null);
  }
  // The index by content (mode, blob, stage, path), read before `git status`: its bytes are not
  // comparable, since git smudges racily-clean entries and status rewrites them opportunistically.
  const index = await git(repo, ['ls-files', '--stage']);
  return {
    files,
    head: (await git(repo, ['rev-parse', 'HEAD'])).trim(),
    branch: (await git(repo, ['symbolic-ref', 'HEAD'])).trim(),
    tags: (await git(repo, ['tag', '--list'])).trim(),
    status: await git(repo, ['status', '--porcelain=v1', '--untracked-files=all']),
    index,
  };
}

/** A released package at v1.1.0 with a feature and a fix since. */
async function releasedRepo(): Promise<string> {
  const repo = await makeRepo({ commits: 0 });
  await commit(repo, 'chore: release 1.1.0', { 'package.json': PKG, 'CHANGELOG.md': OLD_LOG });
  await git(repo, ['tag', '-a', '-m', 'v1.1.0', 'v1.1.0']);
  await commit(repo, 'feat(api): search', { 'src/a.ts': 'a\n' });
  await commit(repo, 'fix: crash on start', { 'src/b.ts': 'b\n' });
  return repo;
}

/** The root package's plan through the planning service (its errors thrown). */
async function planRoot(g: Parameters<typeof planRepository>[0]) {
  const { plans } = await planRepository(g, { only: ['.'], date: '2024-05-01' });
  assert.equal(plans.length, 1);
  return plans[0];
}

const fails = (code: string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SdlcError, String(e));
  assert.equal(e.code, code, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

describe('versioning/applyRelease: the release transaction on real repositories', function () {
  let server: GitHttpServer;
  before(async () => {
    server = await startGitHttpServer({ auth: { user: 'rel', password: 'pw-rel' } });
  });
  after(async () => {
    await server?.close();
    await cleanupTempDirs();
  });

  async function withRemote(name: string): Promise<string> {
    const repo = await releasedRepo();
    await server.createBareRepo(name);
    await git(repo, ['remote', 'add', 'origin', server.urlWithCredentials(name, 'rel', 'pw-rel')]);
    await git(repo, ['push', '-q', '-u', 'origin', 'main', 'v1.1.0']);
    return repo;
  }

  async function audited(repo: string) {
    const dir = await makeTempDir('sdlc-audit-');
    const log = new AuditLog(path.join(dir, 'audit.jsonl'));
    return { log, actor: { tool: 'cli' as const, gitName: 'Test User' }, repo };
  }

  it('happy path: writes the files, commits, annotated tag with the changelog section, pushes both, audits', async () => {
    const repo = await withRemote('happy');
    const g = createGit(repo);
    const plan = await planRoot(g);
    assert.equal(plan.next, '1.2.0');
    const { log, actor } = await audited(repo);
    const result = await applyRelease(g, plan, { push: true, audit: { log, actor } });

    assert.equal(result.tag, 'v1.2.0');
    assert.equal(result.pushed, true);
    assert.equal(result.commit, (await git(repo, ['rev-parse', 'HEAD'])).trim());
    assert.equal(await fs.readFile(path.join(repo, 'package.json'), 'utf8'), PKG.replace('1.1.0', '1.2.0'));
    const changelog = await fs.readFile(path.join(repo, 'CHANGELOG.md'), 'utf8');
    assert.ok(changelog.startsWith('# Changelog\n\n## 1.2.0 (2024-05-01)\n'), changelog);
    assert.ok(changelog.endsWith('\n## 1.1.0 (2024-01-01)\n\n* old entry\n'), changelog);
    assert.equal((await git(repo, ['log', '-1', '--format=%B'])).trim(), 'chore(release): v1.2.0');
    assert.deepEqual((await git(repo, ['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n').sort(), ['CHANGELOG.md', 'package.json']);
    assert.equal((await git(repo, ['cat-file', '-t', 'v1.2.0'])).trim(), 'tag', 'annotated');
    const tagObject = await git(repo, ['cat-file', 'tag', 'v1.2.0']);
    assert.equal(tagObject.slice(tagObject.indexOf('\n\n') + 2), plan.changelog, 'tag message = changelog section, byte for byte, headings kept');
    assert.equal(await git(repo, ['status', '--porcelain']), '', 'index and work tree agree with the release commit');

    const remote = path.join(server.root, 'happy.git');
    assert.equal((await git(remote, ['rev-parse', 'main'])).trim(), result.commit);
    assert.equal((await git(remote, ['rev-parse', 'v1.2.0^{commit}'])).trim(), result.commit);

    const entries = await log.read();
    assert.equal(entries.length, 1);
    assert.deepEqual(
      [entries[0].action, entries[0].result, entries[0].target, entries[0].before, entries[0].after],
      ['version.bump', 'success', { package: 'demo', tag: 'v1.2.0' }, { version: '1.1.0' }, { version: '1.2.0', commit: result.commit, tag: 'v1.2.0', pushed: true }],
    );
  });

  it('refuses a dirty tree, naming the files; nothing changes', async () => {
    const repo = await releasedRepo();
    const g = createGit(repo);
    const plan = await planRoot(g);
    await fs.writeFile(path.join(repo, 'src', 'a.ts'), 'edited\n');
    const before = await state(repo);
    const { log, actor } = await audited(repo);
    await assert.rejects(applyRelease(g, plan, { audit: { log, actor } }), fails('DirtyWorkTree', /src\/a\.ts/));
    assert.deepEqual(await state(repo), before);
    const entries = await log.read();
    assert.deepEqual([entries.length, entries[0].result, entries[0].error?.code], [1, 'failure', 'DirtyWorkTree'], 'the refused release is on record');
  });

  it('refuses a detached HEAD; nothing changes', async () => {
    const repo = await releasedRepo();
    const g = createGit(repo);
    const plan = await planRoot(g);
    await git(repo, ['checkout', '-q', '--detach', 'HEAD']);
    const head = (await git(repo, ['rev-parse', 'HEAD'])).trim();
    await assert.rejects(applyRelease(g, plan), fails('DetachedHead', /detached/));
    assert.equal((await git(repo, ['rev-parse', 'HEAD'])).trim(), head);
    assert.equal(await git(repo, ['status', '--porcelain']), '');
    assert.equal((await git(repo, ['tag'])).trim(), 'v1.1.0');
  });

  it('refuses when the tag exists locally (made after planning)', async () => {
    const repo = await releasedRepo();
    const g = createGit(repo);
    const plan = await planRoot(g);
    await git(repo, ['tag', 'v1.2.0', 'HEAD~1']);
    const before = await state(repo);
    await assert.rejects(applyRelease(g, plan), fails('TagExists', /v1\.2\.0 already exists locally/));
    assert.deepEqual(await state(repo), before);
  });

  it('refuses when the tag exists on the remote (push requested); nothing changes', async () => {
    const repo = await withRemote('remote-tag');
    const other = await cloneRepo(server.urlWithCredentials('remote-tag', 'rel', 'pw-rel'));
    await git(other, ['tag', 'v1.2.0']);
    await git(other, ['push', '-q', 'origin', 'v1.2.0']);
    const g = createGit(repo);
    const plan = await planRoot(g);
    const before = await state(repo);
    await assert.rejects(applyRelease(g, plan, { push: true }), fails('TagExists', /already exists on the remote origin/));
    assert.deepEqual(await state(repo), before);
  });

  it('refuses a file changed since planning (ConcurrentChange); nothing changes', async () => {
    const repo = await releasedRepo();
    const g = createGit(repo);
    const plan = await planRoot(g);
    await commit(repo, 'docs: touch changelog', { 'CHANGELOG.md': OLD_LOG + '\n' });
    const before = await state(repo);
    await assert.rejects(applyRelease(g, plan), fails('ConcurrentChange', /CHANGELOG\.md changed since the release was planned/));
    assert.deepEqual(await state(repo), before);
  });

  it('an index locked mid-release (before the commit) → everything restored byte for byte', async () => {
    const repo = await releasedRepo();
    const g = createGit(repo);
    const plan = await planRoot(g);
    const before = await state(repo);
    const lock = path.join(repo, '.git', 'index.lock');
    const { log, actor } = await audited(repo);
    const seen: string[] = [];
    await assert.rejects(
      applyRelease(g, plan, {
        audit: { log, actor },
        beforeStep: async (step) => {
          seen.push(step);
          if (step === 'commit') await fs.writeFile(lock, '');
        },
      }),
      fails('RepositoryLocked', /index is locked.*Everything was restored/s),
    );
    assert.deepEqual(seen, ['write', 'commit', 'tag', 'index']);
    await fs.rm(lock);
    assert.deepEqual(await state(repo), before);
    const entries = await log.read();
    assert.deepEqual([entries[0].result, entries[0].error?.code], ['failure', 'RepositoryLocked']);
  });

  it('a commit refused by a real commit-msg hook → files restored, no commit, no tag', async () => {
    const repo = await releasedRepo();
    const hook = path.join(repo, '.git', 'hooks', 'commit-msg');
    await fs.mkdir(path.dirname(hook), { recursive: true });
    await fs.writeFile(hook, '#!/bin/sh\necho "release commits are frozen" >&2\nexit 1\n', { mode: 0o755 });
    const g = createGit(repo);
    const plan = await planRoot(g);
    const before = await state(repo);
    await assert.rejects(applyRelease(g, plan), (e: unknown) => e instanceof SdlcError && /Everything was restored/.test(e.message));
    assert.deepEqual(await state(repo), before);
  });

  it('a failing tag step (a ref lock in the way) → commit undone, files and index as before', async () => {
    const repo = await releasedRepo();
    const g = createGit(repo);
    const plan = await planRoot(g);
    const before = await state(repo);
    const lock = path.join(repo, '.git', 'refs', 'tags', 'v1.2.0.lock');
    await assert.rejects(
      applyRelease(g, plan, { beforeStep: (step) => (step === 'tag' ? fs.writeFile(lock, '') : undefined) }),
      fails('RepositoryLocked', /Everything was restored/),
    );
    await fs.rm(lock);
    assert.deepEqual(await state(repo), before);
  });

  it('a cancelled release (signal aborted during the tag step) is rolled back', async () => {
    const repo = await releasedRepo();
    const g = createGit(repo);
    const plan = await planRoot(g);
    const before = await state(repo);
    const controller = new AbortController();
    await assert.rejects(
      applyRelease(g, plan, { signal: controller.signal, beforeStep: (step) => (step === 'index' ? controller.abort() : undefined) }),
      fails('Cancelled', /Everything was restored/),
    );
    assert.deepEqual(await state(repo), before);
  });

  it('a rejected push keeps the local commit and tag and says so', async () => {
    const repo = await withRemote('rejected');
    const other = await cloneRepo(server.urlWithCredentials('rejected', 'rel', 'pw-rel'));
    await commit(other, 'fix: elsewhere');
    await git(other, ['push', '-q', 'origin', 'main']);
    const g = createGit(repo);
    const plan = await planRoot(g);
    const { log, actor } = await audited(repo);
    await assert.rejects(
      applyRelease(g, plan, { push: true, audit: { log, actor } }),
      fails('PushRejected', /The release commit and tag v1\.2\.0 were created locally but the push was rejected: pull, then push the branch and the tag/),
    );
    const head = (await git(repo, ['rev-parse', 'HEAD'])).trim();
    assert.equal((await git(repo, ['log', '-1', '--format=%s'])).trim(), 'chore(release): v1.2.0');
    assert.equal((await git(repo, ['rev-parse', 'v1.2.0^{commit}'])).trim(), head);
    assert.equal(await git(repo, ['status', '--porcelain']), '');
    const remote = path.join(server.root, 'rejected.git');
    assert.equal((await git(remote, ['tag', '--list', 'v1.2.0'])).trim(), '', 'atomic: the tag did not reach the remote either');
    const entries = await log.read();
    assert.deepEqual([entries[0].result, entries[0].error?.code, (entries[0].after as { commit: string }).commit], ['failure', 'PushRejected', head]);
  });

  it('a push to an unreachable remote → rolled back (nothing was published)', async () => {
    const repo = await releasedRepo();
    await git(repo, ['remote', 'add', 'origin', `${server.url}/missing.git`]);
    const g = createGit(repo);
    const plan = await planRoot(g);
    const before = await state(repo);
    await assert.rejects(applyRelease(g, plan, { push: true }), (e: unknown) => e instanceof SdlcError);
    assert.deepEqual(await state(repo), before);
  });

  it('several plans in one transaction: one commit, several tags; a custom commit message', async () => {
    const repo = await makeRepo({ commits: 0 });
    await commit(repo, 'chore: init', { 'a/package.json': '{ "name": "a", "version": "1.0.0" }\n', 'b/package.json': '{ "name": "b", "version": "2.0.0" }\n' });
    await git(repo, ['tag', 'a@1.0.0']);
    await git(repo, ['tag', 'b@2.0.0']);
    await commit(repo, 'feat: a thing', { 'a/x.ts': 'x\n' });
    await commit(repo, 'fix: b thing', { 'b/y.ts': 'y\n' });
    const g = createGit(repo);
    const { plans } = await planRepository(g, { config: { packages: ['a', 'b'] }, date: '2024-05-01' });
    assert.equal(plans.length, 2);
    const result = await applyRelease(g, plans, { commitMessage: 'release: ${tag}' });
    assert.deepEqual(result.tags, ['a@1.1.0', 'b@2.0.1']);
    assert.equal((await git(repo, ['log', '-1', '--format=%s'])).trim(), 'release: a@1.1.0, b@2.0.1');
    for (const t of result.tags) assert.equal((await git(repo, ['rev-parse', `${t}^{commit}`])).trim(), result.commit);
    assert.deepEqual((await git(repo, ['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n').sort(), ['a/CHANGELOG.md', 'a/package.json', 'b/CHANGELOG.md', 'b/package.json']);
  });
});
