import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { unpackCounter } from '../../../src/core/git/aheadBehind';
import { cleanupTempDirs, commit, git, makeRepo, makeTempDir } from '../../support/repos';
import { TAG_LIST_FORMAT } from '../../../src/core/git/git';
import { captureLogger, rejectsWith } from './helpers';

/** A random commit DAG with branches and their upstreams, written in one `git fast-import`. */
const scenario = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      parents: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
      branches: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { minLength: 1, maxLength: 5 }),
    }),
  );

async function buildRepo(s: { n: number; parents: number[][]; branches: Array<[number, number]> }): Promise<string> {
  const dir = await makeTempDir('sdlc-dag-');
  await git(dir, ['init', '-q', '-b', 'b0']);
  let stream = '';
  for (let i = 0; i < s.n; i++) {
    const ps = i === 0 ? [] : [...new Set(s.parents[i].map((p) => p % i))];
    if (ps.length === 0) stream += 'reset refs/dag/tmp\n';
    stream += `commit refs/dag/tmp\nmark :${i + 1}\ncommitter T <t@example.com> ${1700000000 + i} +0000\ndata ${`c${i}`.length}\nc${i}\n`;
    ps.forEach((p, k) => (stream += `${k === 0 ? 'from' : 'merge'} :${p + 1}\n`));
    stream += '\n';
  }
  let config = '[remote "origin"]\n\turl = /nonexistent\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n';
  s.branches.forEach(([local, upstream], b) => {
    stream += `reset refs/heads/b${b}\nfrom :${local + 1}\n\nreset refs/remotes/origin/b${b}\nfrom :${upstream + 1}\n\n`;
    config += `[branch "b${b}"]\n\tremote = origin\n\tmerge = refs/heads/b${b}\n`;
  });
  await git(dir, ['fast-import', '--quiet'], { input: stream });
  await fs.appendFile(path.join(dir, '.git', 'config'), config);
  return dir;
}

/** git's own numbers for every branch, in one process (the slow path the adapter avoids). */
async function gitTrack(dir: string): Promise<Map<string, [number, number]>> {
  const out = await git(dir, ['for-each-ref', '--format=%(refname:short) %(upstream:track)', 'refs/heads']);
  const map = new Map<string, [number, number]>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [name, ...rest] = line.split(' ');
    const track = rest.join(' ');
    map.set(name, [Number(/ahead (\d+)/.exec(track)?.[1] ?? 0), Number(/behind (\d+)/.exec(track)?.[1] ?? 0)]);
  }
  return map;
}

describe('ahead/behind of every branch equals git on real repositories', function () {
  this.timeout(120000);
  after(cleanupTempDirs);

  it('property: random DAGs with merges and several roots (fast-import)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const dir = await buildRepo(s);
        const expected = await gitTrack(dir);
        const g = createGit(dir);
        const snap = await g.snapshot();
        assert.equal(snap.aheadBehindComplete, true);
        for (const b of snap.branches) assert.deepEqual([b.ahead, b.behind], expected.get(b.name), b.name);
        const lazy = await g.aheadBehind(snap.branches.map((b) => ({ branch: b.name, upstream: `origin/${b.name}` })));
        for (const b of snap.branches) assert.deepEqual([lazy.get(b.name)?.ahead, lazy.get(b.name)?.behind], expected.get(b.name), b.name);
        await fs.rm(dir, { recursive: true, force: true, maxRetries: 10 }); // the graph cache may still be written in the background
      }),
      { numRuns: 15 },
    );
  });

  it('divergent branches with merges made by git itself', async () => {
    const repo = await makeRepo({ commits: 3 });
    const base = await makeTempDir('sdlc-bare-');
    await git(base, ['init', '-q', '--bare', '-b', 'main']);
    await git(repo, ['remote', 'add', 'origin', base]);
    await git(repo, ['push', '-q', '-u', 'origin', 'main']);
    for (const b of ['f1', 'f2', 'f3']) {
      await git(repo, ['checkout', '-q', '-b', b, 'main']);
      await commit(repo, `${b} a`);
      await git(repo, ['push', '-q', '-u', 'origin', b]);
    }
    // f1: local merges main into itself after main moved; f2: remote gets a merge; f3: both sides diverge.
    await git(repo, ['checkout', '-q', 'main']);
    await commit(repo, 'main 4');
    await commit(repo, 'main 5');
    await git(repo, ['checkout', '-q', 'f1']);
    await git(repo, ['merge', '-q', '--no-edit', 'main']);
    await git(repo, ['checkout', '-q', 'f2']);
    await git(repo, ['merge', '-q', '--no-edit', 'main']);
    await git(repo, ['push', '-q', 'origin', 'f2']);
    await git(repo, ['reset', '-q', '--hard', 'HEAD^']);
    await commit(repo, 'f2 local');
    await git(repo, ['checkout', '-q', 'f3']);
    await commit(repo, 'f3 local');
    await git(repo, ['push', '-q', '-f', 'origin', 'main:f3']);
    await git(repo, ['fetch', '-q', 'origin']);
    const expected = await gitTrack(repo);
    const snap = await createGit(repo).snapshot();
    for (const b of snap.branches) assert.deepEqual([b.ahead, b.behind], expected.get(b.name), b.name);
    assert.ok(snap.branches.some((b) => b.ahead > 0 && b.behind > 0), 'some branch has diverged');
  });
  it('the graph cache: later snapshots read only new commits and still equal git (new branches, moved and rewritten upstreams)', async () => {
    const s = { n: 30, parents: Array.from({ length: 30 }, (_, i) => (i % 7 === 6 ? [i - 1, i - 4] : [i - 1])), branches: [[10, 20], [25, 5], [29, 29]] as Array<[number, number]> };
    const dir = await buildRepo(s);
    const g = createGit(dir);
    const check = async (label: string) => {
      const expected = await gitTrack(dir);
      // (Without the counts memo: every snapshot here counts from the graph.)
      await fs.rm(path.join(dir, '.git', 'sdlc', 'counts-v1'), { force: true });
      const snap = await g.snapshot();
      for (const b of snap.branches) assert.deepEqual([b.ahead, b.behind], expected.get(b.name), `${label}: ${b.name}`);
    };
    await check('first (full read)');
    const cacheFile = path.join(dir, '.git', 'sdlc', 'graph-cache-v1');
    const before = await fs.readFile(cacheFile, 'utf8');
    assert.equal(before.trim().split('\n').length, 30, 'the cache holds the graph read');
    // Next to the text, its prepared image, stamped with the text's size and time.
    const image = async () => {
      const [bytes, st] = await Promise.all([fs.readFile(`${cacheFile}.prepared`), fs.stat(cacheFile)]);
      const unpacked = unpackCounter(bytes);
      assert.ok(unpacked, 'the image is whole');
      assert.deepEqual(unpacked.stamp, [st.size, st.mtimeMs], 'the image is stamped with the text it was made from');
      return unpacked;
    };
    assert.equal((await image()).graph.index.size, 30);
    await check('from the cache alone');
    // A damaged image is not used (the text is parsed) and is written anew.
    await fs.writeFile(`${cacheFile}.prepared`, 'not an image');
    await check('with a damaged image');
    assert.equal((await image()).graph.index.size, 30);
    // new commits on a new branch and on an upstream, an upstream rewritten onto an older commit
    await git(dir, ['checkout', '-q', '-b', 'b9', 'b0']);
    await commit(dir, 'new 1');
    await commit(dir, 'new 2');
    await git(dir, ['update-ref', 'refs/remotes/origin/b9', 'b1']);
    await git(dir, ['config', 'branch.b9.remote', 'origin']);
    await git(dir, ['config', 'branch.b9.merge', 'refs/heads/b9']);
    await git(dir, ['update-ref', 'refs/remotes/origin/b1', 'b2']);
    await check('after new commits');
    const after = await fs.readFile(cacheFile, 'utf8');
    assert.ok(after.startsWith(before) && after.trim().split('\n').length === 32, 'only the 2 new commits were appended');
    assert.equal((await image()).graph.index.size, 32, 'the image follows the text');
    await check('again');
  });
  it('the counts memo: pairs counted before open no graph; a moved branch, a damaged memo and unusable caches count again', async () => {
    const s = { n: 24, parents: Array.from({ length: 24 }, (_, i) => (i % 5 === 4 ? [i - 1, i - 3] : [i - 1])), branches: [[10, 20], [22, 5], [23, 23], [7, 12]] as Array<[number, number]> };
    const dir = await buildRepo(s);
    const sdlcDir = path.join(dir, '.git', 'sdlc');
    const memoFile = path.join(sdlcDir, 'counts-v1');
    const check = async (label: string) => {
      const expected = await gitTrack(dir);
      const logger = captureLogger();
      let announced = 0; // beforeCounting: once when a graph is opened or read, never otherwise
      const snap = await createGit(dir, { logger }).snapshot({ beforeCounting: () => announced++ });
      for (const b of snap.branches) assert.deepEqual([b.ahead, b.behind], expected.get(b.name), `${label}: ${b.name}`);
      const graphRead = logger.gitLines().some((l) => l.includes(' rev-list '));
      const graphOpened = await fs.stat(path.join(sdlcDir, 'graph-cache-v1')).then(() => true, () => false);
      assert.equal(announced, graphRead || graphOpened ? 1 : 0, `${label}: beforeCounting called ${announced} times`);
      return { graphRead, graphOpened };
    };
    await check('first');
    const memo = await fs.readFile(memoFile, 'utf8');
    assert.match(memo, /^sdlc-counts 1 3\n(?:[0-9a-f]{40} [0-9a-f]{40} \d+ \d+\n){3}$/, 'three pairs kept (one branch is at its upstream)');
    // Without the graph cache a snapshot that needs the graph reads it from git (and writes the cache):
    // one that finds every pair in the memo does neither.
    for (const f of ['graph-cache-v1', 'graph-cache-v1.prepared']) await fs.rm(path.join(sdlcDir, f));
    assert.deepEqual(await check('every pair in the memo'), { graphRead: false, graphOpened: false });
    // Its lines out of the refs' order (as an older version wrote them): found all the same, and written again in order.
    const [header, ...lines] = memo.split('\n');
    await fs.writeFile(memoFile, [header, ...lines.slice(0, -1).reverse(), ''].join('\n'));
    assert.notEqual(await fs.readFile(memoFile, 'utf8'), memo);
    assert.deepEqual(await check('the memo out of order'), { graphRead: false, graphOpened: false });
    assert.equal(await fs.readFile(memoFile, 'utf8'), memo, 'written again in order');
    const pairLine = /( [0-9a-f]{40}) \d+ \d+\n/;
    for (const damaged of ['', 'sdlc-counts 1 4\n' + memo.split('\n').slice(1).join('\n'), memo.slice(0, -3), memo.replace(pairLine, '$1 -1 0\n'), memo.replace(pairLine, '$1 x 0\n'), memo.replace('sdlc-counts 1', 'sdlc-counts 2')]) {
      for (const f of ['graph-cache-v1', 'graph-cache-v1.prepared']) await fs.rm(path.join(sdlcDir, f), { force: true });
      await fs.writeFile(memoFile, damaged);
      assert.equal((await check('a damaged memo')).graphRead, true, 'a damaged memo is not used');
      assert.equal(await fs.readFile(memoFile, 'utf8'), memo, 'and is written anew');
    }
    await git(dir, ['checkout', '-q', 'b1']);
    await commit(dir, 'moved');
    assert.equal((await check('a moved branch')).graphRead, true, 'the moved pair is counted');
    assert.notEqual(await fs.readFile(memoFile, 'utf8'), memo, 'the moved pair is kept');
    // Where the caches are not usable (grafts) the memo is neither read nor kept.
    await fs.writeFile(memoFile, memo.replace(/ \d+ \d+\n/g, ' 99 99\n'));
    await fs.writeFile(path.join(dir, '.git', 'info', 'grafts'), '');
    await check('grafts');
    assert.equal(await fs.stat(memoFile).then(() => true, () => false), false, 'the memo is removed');
  });
  it('no cache with replace refs, loose or packed: counts and tags as git shows them through the replacement', async () => {
    const s = { n: 12, parents: Array.from({ length: 12 }, (_, i) => [i - 1]), branches: [[10, 4], [6, 11]] as Array<[number, number]> };
    const dir = await buildRepo(s);
    const sdlcDir = path.join(dir, '.git', 'sdlc');
    await git(dir, ['tag', '-a', '-m', 'release', 'v1.0.0', 'b1']);
    await createGit(dir).snapshot();
    assert.deepEqual((await fs.readdir(sdlcDir)).sort(), ['config-v1', 'counts-v1', 'graph-cache-v1', 'graph-cache-v1.prepared', 'tags-v3']);
    await fs.rm(path.join(sdlcDir, 'graph-cache-v1'));
    // b0's tip now shows as a root commit of its own: every count through it changes.
    const tip = (await git(dir, ['rev-parse', 'b0'])).trim();
    const root = (await git(dir, ['commit-tree', '-m', 'replacement', `${tip}^{tree}`])).trim();
    await git(dir, ['replace', tip, root]);
    for (const label of ['loose', 'packed']) {
      if (label === 'packed') await git(dir, ['pack-refs', '--all']);
      const expected = await gitTrack(dir);
      const snap = await createGit(dir).snapshot();
      for (const b of snap.branches) assert.deepEqual([b.ahead, b.behind], expected.get(b.name), `${label}: ${b.name}`);
      // (The configuration's cache stays: replace refs change objects, not the configuration.)
      assert.deepEqual((await fs.readdir(sdlcDir)).sort(), ['config-v1', 'graph-cache-v1.prepared'], `${label}: no graph, tag or counts cache is written (the stale tags and counts are removed)`);
    }
  });
});

describe('tag lists: every tag and those merged into HEAD equal git for-each-ref and git tag --merged', function () {
  this.timeout(120000);
  after(cleanupTempDirs);
  const kinds = ['light', 'annotated', 'nested', 'tree'] as const;

  it('property: random DAGs and tags (lightweight, annotated, tags of tags, on trees), HEAD in the graph cache or not, then with a new commit', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...kinds)), { maxLength: 6 }), fc.option(fc.nat(), { nil: null }), async (s, tags, detachAt) => {
        const dir = await buildRepo(s);
        const all = (await git(dir, ['rev-list', '--all'])).trim().split('\n');
        for (const [k, [at, kind]] of tags.entries()) {
          const target = all[at % all.length];
          if (kind === 'light') await git(dir, ['tag', `t${k}`, target]);
          if (kind === 'annotated') await git(dir, ['tag', '-a', '-m', `tag ${k}`, `t${k}`, target]);
          if (kind === 'tree') await git(dir, ['tag', `t${k}`, `${target}^{tree}`]);
          if (kind === 'nested') {
            await git(dir, ['tag', '-a', '-m', 'inner', `inner${k}`, target]);
            await git(dir, ['tag', '-a', '-m', 'outer', `t${k}`, `inner${k}`]);
          }
        }
        // HEAD: b0's tip, or any commit detached (perhaps one no branch reaches: not in the graph cache).
        await git(dir, ['checkout', '-q', ...(detachAt === null ? ['b0'] : ['--detach', all[detachAt % all.length]])]);
        const logger = captureLogger();
        const g = createGit(dir, { logger });
        await g.snapshot();
        const expected = async () => ({
          all: await git(dir, ['for-each-ref', `--format=${TAG_LIST_FORMAT}`, 'refs/tags']),
          merged: await git(dir, ['tag', '--merged', 'HEAD', '--list', `--format=${TAG_LIST_FORMAT}`]),
        });
        const lists = async () => {
          const { all, merged } = g.tagLists();
          return { all: await all, merged: await merged };
        };
        assert.deepEqual(await lists(), await expected());
        await commit(dir, 'one more on HEAD');
        assert.deepEqual(await lists(), await expected(), 'after a commit the cache lacks');
        // git walks HEAD's history only when a tag points at a tag.
        const walks = logger.gitLines().filter((l) => l.includes('tag --merged')).length;
        assert.equal(walks, tags.some(([, kind]) => kind === 'nested') ? 2 : 0);
      }),
      { numRuns: 15 },
    );
  });

  it('without a graph cache git answers', async () => {
    const repo = await makeRepo({ commits: 3, tags: ['v1.0.0'] });
    const logger = captureLogger();
    const g = createGit(repo, { logger });
    assert.equal(await g.tagLists().merged, await git(repo, ['tag', '--merged', 'HEAD', '--list', `--format=${TAG_LIST_FORMAT}`]));
    // Cancelled before its turn: both lists say so.
    const ac = new AbortController();
    ac.abort();
    const cancelled = g.tagLists({ signal: ac.signal });
    await rejectsWith(cancelled.all, 'Cancelled');
    await rejectsWith(cancelled.merged, 'Cancelled');
    assert.equal(logger.gitLines().filter((l) => l.includes('tag --merged')).length, 1);
    // Without the snapshot's tag cache the tags are read once, whole: no read of their refs alone
    // (one was started and left unawaited, and its cancellation crashed a cancelled `sdlc bump`).
    assert.deepEqual(logger.gitLines().filter((l) => l.includes('for-each-ref --format=%(refname)%00%(objectname)')), []);
  });

  it("with the snapshot's tag cache no tag object is opened while the tags are unchanged; new, moved and unreachable tags still equal git", async () => {
    const repo = await makeRepo({ commits: 3, tags: ['v1.0.0', { name: 'v1.1.0', message: 'annotated', ref: 'HEAD~1' }] });
    const logger = captureLogger();
    const g = createGit(repo, { logger });
    const peelingReads = () => logger.gitLines().filter((l) => l.includes('%(*objecttype)')).length;
    const walks = () => logger.gitLines().filter((l) => l.includes('tag --merged')).length;
    const check = async (label: string) => {
      const { all, merged } = g.tagLists();
      assert.equal(await all, await git(repo, ['for-each-ref', `--format=${TAG_LIST_FORMAT}`, 'refs/tags']), `${label}: every tag`);
      assert.equal(await merged, await git(repo, ['tag', '--merged', 'HEAD', '--list', `--format=${TAG_LIST_FORMAT}`]), `${label}: merged`);
    };
    await g.snapshot();
    await check('unchanged');
    await commit(repo, 'one more');
    await check('after a commit');
    assert.equal(peelingReads(), 0, 'the tags came from the cache');
    assert.equal(walks(), 0);
    // A moved tag: the refs differ from the cache's key, so git peels them.
    await git(repo, ['tag', '-f', '-a', '-m', 'moved', 'v1.1.0', 'HEAD']);
    await check('a moved tag');
    assert.equal(peelingReads(), 1);
    // An annotated tag on a commit no branch reaches: in the cache (after a snapshot) the type it
    // peels to is not known and the commit is not in the graph, so git names that one type.
    const typeReads = () => logger.gitLines().filter((l) => l.includes('cat-file --batch-check')).length;
    const lone = (await git(repo, ['commit-tree', '-m', 'lone', 'HEAD^{tree}'])).trim();
    await git(repo, ['tag', '-a', '-m', 'lone', 'lone', lone]);
    await g.snapshot();
    const before = peelingReads();
    await check('a tag outside the graph');
    assert.equal(peelingReads(), before, 'the tags came from the cache');
    assert.deepEqual([typeReads(), walks()], [1, 0]);
    // A tag of a tag: git peels it further than the cache knows, so git lists the merged tags.
    await git(repo, ['tag', '-a', '-m', 'outer', 'outer', 'v1.1.0']);
    await g.snapshot();
    await check('a tag of a tag');
    assert.equal(peelingReads(), before, 'the tags came from the cache');
    assert.deepEqual([typeReads(), walks()], [2, 1]);
  });
});

describe('the first page of the log, read alongside snapshot(current) with logPage', function () {
  this.timeout(120000);
  after(cleanupTempDirs);

  it('log() right after the snapshot takes it (no second git log); after another task on the repository it reads again', async () => {
    const repo = await makeRepo({ commits: 5 });
    const lines: string[] = [];
    const keep = (m: string | Error) => void lines.push(String(m));
    const g = createGit(repo, { logger: { trace: keep, debug: keep, info: keep, warn: keep, error: keep } });
    const fresh = await createGit(repo).log({ limit: 3 });
    await g.snapshot({ aheadBehind: 'current' });
    assert.equal(lines.filter((l) => l.startsWith('> git log')).length, 0, 'without logPage the snapshot reads no log');
    await g.snapshot({ aheadBehind: 'current', logPage: true });
    const logsDuringSnapshot = lines.filter((l) => l.startsWith('> git log')).length;
    assert.equal(logsDuringSnapshot, 1, 'the page is read inside the snapshot');
    assert.deepEqual(await g.log({ limit: 3 }), fresh);
    assert.equal(lines.filter((l) => l.startsWith('> git log')).length, 1, 'log() took the page read with the snapshot');
    // a task in between (here a branch created through the same queue): the page is read again
    await g.snapshot({ aheadBehind: 'current', logPage: true });
    await g.createBranch('side');
    await commit(repo, 'one more');
    const after = await g.log({ limit: 3 });
    assert.equal(after[0].subject, 'one more');
    assert.equal(lines.filter((l) => l.startsWith('> git log')).length, 3);
    // an empty repository: no page, log() answers on its own
    const empty = await makeTempDir('sdlc-empty-');
    await git(empty, ['init', '-q']);
    const e = createGit(empty);
    await e.snapshot({ aheadBehind: 'current', logPage: true });
    assert.deepEqual(await e.log(), []);
  });
});
