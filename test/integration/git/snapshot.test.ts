import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RepoGlance } from '../../../src/core/git/git';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { startGitHttpServer, type GitHttpServer } from '../../support/gitHttpServer';
import { cleanupTempDirs, cloneRepo, commit, git, headSha, makeRepo, tag } from '../../support/repos';
import { GIT_LINE, captureLogger } from './helpers';

/**
 * A realistic repository: branches with upstreams ahead and behind, a gone upstream, a branch
 * without upstream, annotated / lightweight / prerelease / non-semver tags, and a working tree with
 * staged, unstaged, untracked and conflicted files (a real merge conflict).
 */
describe('snapshot of a realistic repository', function () {
  let server: GitHttpServer;
  let repo: string;

  before(async function () {
    this.timeout(60000);
    server = await startGitHttpServer();
    const url = await server.createBareRepo('app');
    repo = await makeRepo({ commits: ['feat: one', 'fix: two', 'chore: three'] });
    await commit(repo, 'add shared', { 'shared.txt': 'base\n' });
    await git(repo, ['remote', 'add', 'origin', url]);
    await git(repo, ['remote', 'add', 'hub', 'https://bot:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/octo/app.git']);
    await git(repo, ['remote', 'add', 'ghe', `${server.url}/team/tool.git`]);
    await git(repo, ['push', '-q', '-u', 'origin', 'main']);
    await git(repo, ['checkout', '-q', '-b', 'feature']);
    await commit(repo, 'feat: f1');
    await commit(repo, 'feat: f2');
    await git(repo, ['push', '-q', '-u', 'origin', 'feature']);
    await git(repo, ['checkout', '-q', '-b', 'gone', 'main']);
    await git(repo, ['push', '-q', '-u', 'origin', 'gone']);
    await git(repo, ['push', '-q', 'origin', '--delete', 'gone']);
    await git(repo, ['checkout', '-q', 'main']);
    await git(repo, ['branch', 'local-only']);

    // Someone else pushes: main gets 2 commits, feature 1.
    const other = await cloneRepo(url);
    await commit(other, 'feat: remote 1');
    await commit(other, 'feat: remote 2');
    await git(other, ['push', '-q', 'origin', 'main']);
    await git(other, ['checkout', '-q', 'feature']);
    await commit(other, 'fix: remote f');
    await git(other, ['push', '-q', 'origin', 'feature']);
    await git(repo, ['fetch', '-q', 'origin']);

    // Tags on main.
    await tag(repo, 'v0.9.0');
    await tag(repo, 'v1.0.0', 'Release 1.0.0');
    await tag(repo, 'v1.1.0');
    await tag(repo, 'v2.0.0-beta.1', 'Beta');
    await tag(repo, 'nightly');

    // A merge conflict: topic and main both change shared.txt.
    await git(repo, ['checkout', '-q', '-b', 'topic']);
    await commit(repo, 'topic change', { 'shared.txt': 'topic\n' });
    await git(repo, ['checkout', '-q', 'main']);
    await commit(repo, 'main change', { 'shared.txt': 'main\n' });
    await git(repo, ['merge', 'topic']).then(
      () => assert.fail('expected a conflict'),
      () => undefined,
    );
    await fs.writeFile(path.join(repo, 'staged.txt'), 'staged\n');
    await git(repo, ['add', 'staged.txt']);
    await fs.writeFile(path.join(repo, 'file1.txt'), 'changed, not staged\n');
    await fs.writeFile(path.join(repo, 'untracked.txt'), 'u\n');
    await fs.mkdir(path.join(repo, 'dir'));
    await fs.writeFile(path.join(repo, 'dir', 'u2.txt'), 'u\n');
  });

  after(async () => {
    await server?.close();
    await cleanupTempDirs();
  });

  it('prints the contract fields exactly', async () => {
    const snap = await createGit(repo).snapshot();
    const contract = JSON.parse(JSON.stringify(snap)) as Record<string, unknown>;
    for (const key of ['root', 'head', 'upstream', 'ahead', 'behind', 'branches', 'tags', 'remotes', 'changes']) assert.ok(key in contract, key);
    assert.deepEqual(Object.keys(snap.head).sort(), ['branch', 'detached', 'sha']);
    assert.deepEqual(Object.keys(snap.changes).sort(), ['conflicted', 'staged', 'unstaged', 'untracked']);
    for (const b of snap.branches) for (const k of ['name', 'sha', 'current', 'upstream', 'ahead', 'behind']) assert.ok(k in b, k);
    for (const t of snap.tags) for (const k of ['name', 'sha', 'version']) assert.ok(k in t, k);
    for (const r of snap.remotes) for (const k of ['name', 'url', 'github']) assert.ok(k in r, k);
  });

  it('the glance: the status, the remotes and the counts first; the lists only once listsAfter settles, and the whole snapshot equal to one without a glance', async () => {
    await git(repo, ['pack-refs', '--all']); // (packed refs, and loose ones over some of them below)
    await git(repo, ['update-ref', 'refs/tags/later', await headSha(repo)]);
    await git(repo, ['branch', '-q', 'loose-one']);
    try {
      let release!: () => void;
      const listsAfter = new Promise<void>((resolve) => (release = resolve));
      let shown!: (glance: RepoGlance) => void;
      const glanced = new Promise<RepoGlance>((resolve) => (shown = resolve));
      let settled = false;
      const snapshot = createGit(repo).snapshot({ aheadBehind: 'current', glance: { show: (g) => shown(g), listsAfter } });
      void snapshot.then(() => (settled = true));
      const glance = await glanced;
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve)); // (turns, not time: nothing else runs)
      assert.equal(settled, false, 'the lists wait for listsAfter');
      release();
      const whole = await snapshot;
      assert.deepEqual(whole, await createGit(repo).snapshot({ aheadBehind: 'current' }), 'the same snapshot as without a glance');
      const { counts, ...fields } = glance;
      const { branches, tags, remoteBranches, aheadBehindComplete, ...rest } = whole;
      assert.deepEqual(counts, { branches: branches.length, tags: tags.length });
      assert.ok(counts.branches >= 4 && counts.tags >= 2, JSON.stringify(counts));
      assert.deepEqual(fields, rest, 'the glance holds what the snapshot holds but its lists');
      assert.ok(remoteBranches.length > 0 && aheadBehindComplete === false);
    } finally {
      await git(repo, ['tag', '-d', 'later']);
      await git(repo, ['branch', '-q', '-D', 'loose-one']);
    }
  });

  it('no glance when git must list the refs (a worktree): the snapshot does not wait for listsAfter', async () => {
    const tree = path.join(path.dirname(repo), `${path.basename(repo)}-worktree`);
    await git(repo, ['worktree', 'add', '-q', '--detach', tree]);
    try {
      let shown = 0;
      const snap = await createGit(tree).snapshot({ aheadBehind: 'current', glance: { show: () => shown++, listsAfter: new Promise(() => undefined) } });
      assert.equal(shown, 0);
      assert.ok(snap.head.detached && snap.branches.length >= 3);
    } finally {
      await git(repo, ['worktree', 'remove', '--force', tree]);
    }
  });

  it('head, upstream, ahead/behind, branches', async () => {
    const logger = captureLogger();
    const started = Date.now();
    const snap = await createGit(repo, { logger }).snapshot();
    const ms = Date.now() - started;
    assert.equal(snap.root, repo);
    assert.deepEqual(snap.head, { branch: 'main', sha: await headSha(repo), detached: false });
    assert.equal(snap.upstream, 'origin/main');
    assert.equal(snap.ahead, 1);
    assert.equal(snap.behind, 2);
    assert.deepEqual(
      snap.branches.map((b) => [b.name, b.current, b.upstream, b.ahead, b.behind, b.upstreamGone ?? false]),
      [
        ['main', true, 'origin/main', 1, 2, false],
        ['feature', false, 'origin/feature', 0, 1, false],
        ['gone', false, 'origin/gone', 0, 0, true],
        ['local-only', false, null, 0, 0, false],
        ['topic', false, null, 0, 0, false],
      ],
    );
    // date / subject of branch tips are not read (they cost git a commit read per branch, see BRANCH_REFS_FORMAT)
    assert.equal(snap.branches[0].subject, undefined);
    assert.equal(snap.aheadBehindComplete, true);
    assert.equal(snap.operation, 'merge');
    assert.equal(snap.empty, false);
    assert.equal(snap.shallow, false);
    assert.deepEqual(snap.remoteBranches.map((b) => b.name).sort(), ['origin/feature', 'origin/main']);

    // Every branch's numbers equal git's own.
    for (const b of snap.branches.filter((x) => x.upstream && !x.upstreamGone)) {
      const [ahead, behind] = (await git(repo, ['rev-list', '--left-right', '--count', `${b.name}...${b.upstream}`])).trim().split(/\s+/).map(Number);
      assert.deepEqual([b.ahead, b.behind], [ahead, behind], b.name);
    }

    // Few processes, each logged with its timing.
    const gitLines = logger.gitLines();
    assert.ok(gitLines.length <= 8, gitLines.join('\n'));
    for (const l of gitLines) assert.match(l, GIT_LINE);
    assert.ok(gitLines.some((l) => l.startsWith('> git --no-optional-locks status --porcelain=v2 --branch')));
    // the graph: read whole, or (after the first snapshot of the repository) from the graph cache
    assert.ok(gitLines.some((l) => l.startsWith('> git rev-list --parents --branches --remotes')) || existsSync(path.join(repo, '.git', 'sdlc', 'graph-cache-v1')));
    assert.ok(!gitLines.some((l) => l.includes('upstream:track')));
    console.log(`      snapshot: ${ms} ms, ${gitLines.length} git processes`);
  });

  it('changes: staged, unstaged, untracked, conflicted', async () => {
    const snap = await createGit(repo).snapshot();
    assert.deepEqual(snap.changes, { staged: 1, unstaged: 1, untracked: 2, conflicted: 1 });
    const byPath = new Map(snap.files.map((f) => [f.path, f.status]));
    assert.equal(byPath.get('shared.txt'), 'UU');
    assert.equal(byPath.get('staged.txt'), 'A.');
    assert.equal(byPath.get('file1.txt'), '.M');
    assert.equal(byPath.get('dir/u2.txt'), '??');
  });

  it('tags: semver newest first, annotated peeled to the commit, non-semver last', async () => {
    const snap = await createGit(repo).snapshot();
    assert.deepEqual(
      snap.tags.map((t) => [t.name, t.version, t.annotated]),
      [
        ['v2.0.0-beta.1', '2.0.0-beta.1', true],
        ['v1.1.0', '1.1.0', false],
        ['v1.0.0', '1.0.0', true],
        ['v0.9.0', '0.9.0', false],
        ['nightly', null, false],
      ],
    );
    const tagged = (await git(repo, ['rev-parse', 'v1.0.0^{commit}'])).trim();
    for (const t of snap.tags) assert.equal(t.sha, tagged, t.name);
    assert.equal(snap.tags.find((t) => t.name === 'v1.0.0')?.subject, 'Release 1.0.0');
  });

  it('tags are kept between snapshots while the refs name the same objects; a new, moved or deleted tag reads them again', async () => {
    const dir = await cloneRepo(repo);
    const cacheFile = path.join(dir, '.git', 'sdlc', 'tags-v3');
    await fs.rm(cacheFile, { force: true });
    const legacyFile = path.join(dir, '.git', 'sdlc', 'tags-v2');
    await fs.mkdir(path.dirname(legacyFile), { recursive: true });
    await fs.writeFile(legacyFile, '{"key":"","tags":[]}');
    const logger = captureLogger();
    const g = createGit(dir, { logger });
    const fullReads = () => logger.lines.filter((l) => l.startsWith('> git for-each-ref') && l.includes('%(subject)')).length;
    // Tags as git says them, read without any cache (a fresh adapter after the file is removed).
    const uncached = async () => {
      await fs.rm(cacheFile, { force: true });
      return (await createGit(dir).snapshot()).tags;
    };
    const first = await g.snapshot();
    assert.equal(fullReads(), 1);
    assert.ok(existsSync(cacheFile), 'the tags are kept in .git/sdlc');
    assert.ok(!existsSync(legacyFile), "the earlier format's file is removed");
    const second = await g.snapshot();
    assert.equal(fullReads(), 1, 'the second snapshot reads no tag object');
    assert.deepEqual(second.tags, first.tags);
    const changes: Array<[string, string[]]> = [
      ['a new annotated tag', ['tag', '-a', '-m', 'Release 3.0.0', 'v3.0.0', 'HEAD~1']],
      ['a tag moved to another commit', ['tag', '-f', 'v1.1.0', 'HEAD']],
      ['a deleted tag', ['tag', '-d', 'nightly']],
      ['a lightweight tag made annotated on the same commit', ['tag', '-f', '-a', '-m', 'now annotated', 'v1.1.0', 'HEAD']],
    ];
    for (const [label, args] of changes) {
      await git(dir, args);
      const reads = fullReads();
      const tags = (await g.snapshot()).tags;
      assert.equal(fullReads(), reads + 1, `${label}: the tags are read again`);
      assert.deepEqual(tags, await uncached(), label);
      assert.deepEqual((await g.snapshot()).tags, tags, `${label}: then kept`);
    }
    // The file is parsed again whenever it is another file than at the last read (the adapter keeps
    // the last parse): here one of the same size, put in place by a rename as the adapter writes it,
    // whose (well-formed) subject differs, is taken as it is.
    const kept = await fs.readFile(cacheFile, 'utf8');
    const subject = /"subject":"([^"]+)"/.exec(kept)?.[1] ?? '';
    assert.ok(subject.length > 1, kept);
    const other = `${subject.slice(0, -1)}${subject.endsWith('X') ? 'Y' : 'X'}`;
    await fs.writeFile(`${cacheFile}.new`, kept.replace(`"subject":"${subject}"`, `"subject":"${other}"`));
    await fs.rename(`${cacheFile}.new`, cacheFile);
    const retold = (await g.snapshot()).tags;
    assert.ok(retold.some((t) => t.subject === other), 'the replaced file is read');
    await fs.writeFile(cacheFile, kept);
    // A damaged or tampered file is not used: the tags are read again and the file is written anew.
    // (The version 2 form kept the key whole; a digest of another key is another set of tags.)
    const damaged = ['{not json', JSON.stringify({ key: 'x', tags: [] }), JSON.stringify({ keyDigest: 'x', tags: [] }), kept.replace(/"sha":"[0-9a-f]{40}"/, '"sha":"HEAD"')];
    for (const bad of damaged) {
      await fs.writeFile(cacheFile, bad);
      const reads = fullReads();
      const tags = (await g.snapshot()).tags;
      assert.equal(fullReads(), reads + 1);
      assert.deepEqual(tags, await uncached());
    }
  });

  it('remotes: credentials removed, GitHub recognized, the local HTTP remote is not GitHub', async () => {
    const snap = await createGit(repo).snapshot();
    const hub = snap.remotes.find((r) => r.name === 'hub');
    const origin = snap.remotes.find((r) => r.name === 'origin');
    assert.deepEqual(hub, { name: 'hub', url: 'https://github.com/octo/app.git', github: { owner: 'octo', repo: 'app', host: 'github.com' } });
    assert.equal(origin?.github, null);
    assert.equal(origin?.url, server.repoUrl('app'));
    assert.ok(!JSON.stringify(snap).includes('ghp_'));
    const withEnterprise = await createGit(repo, { enterpriseHosts: ['127.0.0.1'] }).snapshot();
    assert.equal(snap.remotes.find((r) => r.name === 'ghe')?.github, null);
    assert.deepEqual(withEnterprise.remotes.find((r) => r.name === 'ghe')?.github, { owner: 'team', repo: 'tool', host: `127.0.0.1:${new URL(server.url).port}` });
  });

  it("aheadBehind 'current' computes HEAD's only and says so; aheadBehind(pairs) fills in the rest", async () => {
    const g = createGit(repo);
    const snap = await g.snapshot({ aheadBehind: 'current' });
    assert.equal(snap.aheadBehindComplete, false);
    assert.deepEqual([snap.ahead, snap.behind], [1, 2]);
    assert.deepEqual([snap.branches[0].ahead, snap.branches[0].behind], [1, 2]);
    assert.deepEqual([snap.branches[1].name, snap.branches[1].ahead, snap.branches[1].behind], ['feature', 0, 0]);
    const lazy = await g.aheadBehind([
      { branch: 'feature', upstream: 'origin/feature' },
      { branch: 'main', upstream: 'origin/main' },
      { branch: 'topic', upstream: 'main' },
      { branch: 'nope', upstream: 'main' },
    ]);
    assert.deepEqual(lazy.get('feature'), { ahead: 0, behind: 1 });
    assert.deepEqual(lazy.get('main'), { ahead: 1, behind: 2 });
    assert.deepEqual(lazy.get('topic'), { ahead: 1, behind: 1 });
    assert.equal(lazy.has('nope'), false);
  });

  it('aheadBehind(pairs) reads the graph as the snapshot does: whole once (and kept), then only new commits', async () => {
    const dir = await cloneRepo(repo);
    await git(dir, ['branch', '-q', '--track', 'feature', 'origin/feature']);
    await git(dir, ['branch', '-q', '--no-track', 'old', 'HEAD~1']);
    const logger = captureLogger();
    const g = createGit(dir, { logger });
    const pairs = [
      { branch: 'main', upstream: 'origin/main' },
      { branch: 'feature', upstream: 'origin/feature' },
      { branch: 'old', upstream: 'feature' },
    ];
    const expected = async () => {
      const out = new Map<string, { ahead: number; behind: number }>();
      for (const p of pairs) {
        const [ahead, behind] = (await git(dir, ['rev-list', '--left-right', '--count', `${p.branch}...${p.upstream}`])).trim().split(/\s+/).map(Number);
        out.set(p.branch, { ahead, behind });
      }
      return out;
    };
    const reads = (what: string) => logger.gitLines().filter((l) => l.includes(what)).length;
    assert.deepEqual(await g.aheadBehind(pairs), await expected());
    assert.equal(reads('rev-list --parents --branches --remotes'), 1, 'the first read is whole');
    const cacheFile = path.join(dir, '.git', 'sdlc', 'graph-cache-v1');
    const lines = (await fs.readFile(cacheFile, 'utf8')).trim().split('\n').length;
    await git(dir, ['checkout', '-q', 'feature']);
    await commit(dir, 'feat: one more');
    assert.deepEqual(await g.aheadBehind(pairs), await expected());
    assert.equal(reads('rev-list --parents --branches --remotes'), 1, 'then the cache is read');
    assert.equal(reads('rev-list --parents --stdin'), 1, "only the new tip's commits are read");
    assert.equal((await fs.readFile(cacheFile, 'utf8')).trim().split('\n').length, lines + 1);
  });

  it('log pages through history', async () => {
    const g = createGit(repo);
    const first = await g.log({ limit: 2 });
    assert.equal(first.length, 2);
    assert.equal(first[0].subject, 'main change');
    assert.deepEqual(Object.keys(first[0]).sort(), ['authorEmail', 'authorName', 'date', 'parents', 'sha', 'subject']);
    const next = await g.log({ skip: 2, limit: 2 });
    assert.equal(next[0].parents.length, 1);
    assert.notEqual(next[0].sha, first[1].sha);
    const feature = await g.log({ ref: 'origin/feature', limit: 1 });
    assert.equal(feature[0].subject, 'fix: remote f');
    assert.match(feature[0].date, /^\d{4}-\d\d-\d\dT/);
    assert.equal(await g.resolve('v1.0.0'), (await git(repo, ['rev-parse', 'v1.0.0^{commit}'])).trim());
    assert.equal(await g.resolve('no-such-ref'), null);
    assert.equal(await g.isMerged('local-only', 'main'), true);
    assert.equal(await g.isMerged('topic', 'main'), false);
    assert.deepEqual(await g.user(), { name: 'Test User', email: 'test@example.com' });
    assert.equal(await g.gitDir(), path.join(repo, '.git'));
  });
});

/**
 * The short upstream name is derived from `%(upstream)` in code (git's `%(upstream:short)` costs a
 * ref lookup per rule and branch); it must equal git's, also where a short name is ambiguous.
 */
describe('upstream short names equal git %(upstream:short)', function () {
  this.timeout(60000);
  after(cleanupTempDirs);

  it('remotes with "/" in the name, same-repository upstreams, names clashing with branches and tags', async () => {
    const repo = await makeRepo({ commits: ['one'] });
    const sha = await headSha(repo);
    const ref = (name: string) => git(repo, ['update-ref', name, sha]);
    for (const r of ['origin', 'up/stream']) await git(repo, ['remote', 'add', r, `https://example.com/${r}.git`]);
    for (const name of ['main', 'dup', 'tagged', 'x/y', 'HEAD2']) await ref(`refs/remotes/origin/${name}`);
    await ref('refs/remotes/up/stream/dev');
    await git(repo, ['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main']);
    await ref('refs/heads/origin/dup'); // a local branch named like the remote-tracking branch
    await ref('refs/tags/origin/tagged'); // a tag, too
    await ref('refs/remotes/fork/main');
    await git(repo, ['symbolic-ref', 'refs/remotes/fork/HEAD', 'refs/remotes/fork/main']);
    await ref('refs/heads/fork'); // a branch named like a remote that has a HEAD
    await ref('refs/tags/same'); // local upstream `same` clashing with a tag
    const track = async (branch: string, remote: string, merge: string) => {
      await ref(`refs/heads/${branch}`);
      await git(repo, ['config', `branch.${branch}.remote`, remote]);
      await git(repo, ['config', `branch.${branch}.merge`, merge]);
    };
    await track('t-main', 'origin', 'refs/heads/main');
    await track('t-dup', 'origin', 'refs/heads/dup');
    await track('t-tagged', 'origin', 'refs/heads/tagged');
    await track('t-xy', 'origin', 'refs/heads/x/y');
    await track('t-dev', 'up/stream', 'refs/heads/dev');
    await track('t-gone', 'origin', 'refs/heads/gone');
    await track('t-local', '.', 'refs/heads/main');
    await track('t-fork', '.', 'refs/heads/fork');
    await ref('refs/heads/same');
    await track('t-same', '.', 'refs/heads/same');

    const theirs = new Map<string, string | null>();
    for (const line of (await git(repo, ['for-each-ref', '--format=%(refname:short)%00%(upstream:short)', 'refs/heads'])).split('\n')) {
      if (!line) continue;
      const [name, upstream] = line.split('\0');
      theirs.set(name, upstream || null);
    }
    const snap = await createGit(repo).snapshot();
    const ours = new Map(snap.branches.map((b) => [b.name, b.upstream]));
    // refname:short of a branch can itself be shortened differently (heads/fork): ask git per full ref
    assert.equal(ours.size, theirs.size);
    for (const b of snap.branches) {
      const short = (await git(repo, ['for-each-ref', '--format=%(upstream:short)', `refs/heads/${b.name}`])).trim();
      assert.equal(b.upstream, short || null, b.name);
    }
    assert.equal(ours.get('t-dup'), 'remotes/origin/dup');
    assert.equal(ours.get('t-dev'), 'up/stream/dev');
    assert.equal(ours.get('t-fork'), 'heads/fork');
  });
});
