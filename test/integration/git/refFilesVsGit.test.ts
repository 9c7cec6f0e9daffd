import * as assert from 'node:assert/strict';
import { mkdirSync, promises as fs, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { branchRefsFromFiles, countRefs, MAX_LOOSE_REFS, parseUpstreamConfig, readRefFiles, readRefSources, tagRowsOf } from '../../../src/core/git/refFiles';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { BRANCH_REFS_FORMAT, parseBranchRefs, parseRemoteConfig, SNAPSHOT_CONFIG_ARGS, type BranchRefs } from '../../../src/core/git/snapshotParsers';
import { cleanupTempDirs, commit, git, GitCommandError, makeRepo } from '../../support/repos';
import { captureLogger } from './helpers';

/**
 * The snapshot reads the refs from the git dir's files (loose refs, then packed-refs) and makes each
 * local branch's `%(upstream)` from the configuration, instead of a `git for-each-ref` process. Here
 * its text is held byte for byte to git's on random repositories: refs packed, loose, or both (the
 * loose one newer), annotated tags, a remote's symbolic HEAD, branches with their remote and merge
 * (several of each), remotes with pattern, exact and store-less fetch refspecs in the repository's
 * and the user's configuration. Where the reader says git must answer (null), nothing is compared;
 * the runs must still compare most of the time.
 */
describe('refs from the git dir’s files, against git for-each-ref', function () {
  this.timeout(120_000);
  after(cleanupTempDirs);

  const FOR_EACH_REF = ['for-each-ref', `--format=${BRANCH_REFS_FORMAT}`, 'refs/heads', 'refs/remotes', 'refs/tags'];
  const config = (repo: string, env: Record<string, string>) =>
    git(repo, SNAPSHOT_CONFIG_ARGS, { env }).catch((e: unknown) => (e instanceof GitCommandError && e.exitCode === 1 ? '' : Promise.reject(e)));
  /** What the snapshot makes of the files, or null when it asks git; and what it makes of git's for-each-ref. */
  const fromFiles = async (repo: string, env: Record<string, string> = {}): Promise<BranchRefs | null> => {
    const refs = readRefFiles(path.join(repo, '.git'));
    const text = await config(repo, env);
    const upstreams = refs && parseUpstreamConfig(text);
    return refs && upstreams ? branchRefsFromFiles(refs, upstreams, parseRemoteConfig(text).map((r) => r.name)) : null;
  };
  const fromGit = async (repo: string, env: Record<string, string> = {}): Promise<BranchRefs> =>
    parseBranchRefs(await git(repo, FOR_EACH_REF, { env }), parseRemoteConfig(await config(repo, env)).map((r) => r.name));

  const HEADS = ['main', 'feature/a', 'feature/b-x', 'fix/1.2', 'release/v1', 'Zed', 'a+b'];
  const REMOTES = ['origin', 'up', 'a.b'];
  const REMOTE_BRANCHES = ['main', 'feature/a', 'f/a', 'trunk', 'feature/b-y', 'Zed'];
  const TAGS = ['v1.0.0', 'v2', 'rc/1', 'Z'];
  const FETCH = (r: string) => [
    `+refs/heads/*:refs/remotes/${r}/*`,
    `refs/heads/main:refs/remotes/${r}/trunk`,
    `+refs/heads/feature/*:refs/remotes/${r}/f/*`,
    `refs/heads/*-x:refs/remotes/${r}/*-y`,
    'refs/heads/main',
    `refs/heads/fix/*:refs/remotes/${r}/fixes/*`,
  ];
  const MERGES = ['refs/heads/main', 'refs/heads/feature/a', 'refs/heads/feature/b-x', 'refs/heads/fix/1.2', 'refs/heads/other', 'main'];
  const where = fc.constantFrom('packed', 'loose', 'both', 'none');

  const scenario = fc.record({
    heads: fc.array(fc.tuple(fc.constantFrom(...HEADS), where, fc.nat(3)), { minLength: 2, maxLength: 7 }),
    remoteRefs: fc.array(fc.tuple(fc.constantFrom(...REMOTES), fc.constantFrom(...REMOTE_BRANCHES), where, fc.nat(3)), { maxLength: 8 }),
    tags: fc.array(fc.tuple(fc.constantFrom(...TAGS), where, fc.nat(3), fc.boolean()), { maxLength: 4 }),
    originHead: fc.option(fc.constantFrom(...REMOTE_BRANCHES)),
    branchConfig: fc.array(
      fc.record({ head: fc.constantFrom(...HEADS), remote: fc.option(fc.constantFrom('origin', 'origin', ...REMOTES, 'nope', 'https://example.com/x.git'), { freq: 10 }), merges: fc.array(fc.constantFrom(...MERGES), { maxLength: 3 }), user: fc.boolean() }),
      { minLength: 2, maxLength: 7 },
    ),
    fetch: fc.array(fc.record({ remote: fc.constantFrom(...REMOTES), spec: fc.nat(5), user: fc.boolean() }), { minLength: 1, maxLength: 6 }),
  });

  it('gives the same text as git, or leaves it to git', async () => {
    const repo = await makeRepo({ commits: ['one', 'two', 'three', 'four'] });
    const shas = (await git(repo, ['rev-list', 'HEAD'])).trim().split('\n');
    const annotated = (await git(repo, ['mktag'], { input: `object ${shas[1]}\ntype commit\ntag t\ntagger T <t@example.com> 1600000000 +0000\n\nt\n` })).trim();
    const userConfig = path.join(repo, '.git', 'user.config');
    const env = { GIT_CONFIG_GLOBAL: userConfig };
    const base = (await fs.readFile(path.join(repo, '.git', 'config'), 'utf8')) + REMOTES.map((r) => `[remote "${r}"]\n\turl = https://example.com/${r}.git\n`).join('') + '[remote "origin"]\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n';
    const quote = (v: string) => `"${v}"`;
    let compared = 0;
    let rows = 0;
    let upstreams = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        await fs.rm(path.join(repo, '.git', 'refs'), { recursive: true, force: true });
        await fs.rm(path.join(repo, '.git', 'packed-refs'), { force: true });
        mkdirSync(path.join(repo, '.git', 'refs', 'heads'), { recursive: true });
        mkdirSync(path.join(repo, '.git', 'refs', 'tags'), { recursive: true });
        // (refs named like a folder of another ref cannot both exist: the first one wins)
        const refs = new Map<string, { where: string; sha: string; old: string }>();
        const add = (ref: string, w: string, sha: string) => {
          if ([...refs.keys()].some((r) => r.startsWith(`${ref}/`) || ref.startsWith(`${r}/`))) return;
          if (!refs.has(ref) && w !== 'none') refs.set(ref, { where: w, sha, old: shas[(shas.indexOf(sha) + 1) % shas.length] });
        };
        for (const [h, w, i] of s.heads) add(`refs/heads/${h}`, w, shas[i]);
        for (const [r, b, w, i] of s.remoteRefs) add(`refs/remotes/${r}/${b}`, w, shas[i]);
        for (const [t, w, i, a] of s.tags) add(`refs/tags/${t}`, w, a ? annotated : shas[i]);
        const packed = [...refs].filter(([, r]) => r.where !== 'loose');
        const loose = [...refs].filter(([, r]) => r.where !== 'packed');
        if (packed.length) {
          await git(repo, ['update-ref', '--stdin'], { input: packed.map(([ref, r]) => `update ${ref} ${r.where === 'both' ? r.old : r.sha}\n`).join('') });
          await git(repo, ['pack-refs', '--all']);
        }
        if (loose.length) await git(repo, ['update-ref', '--stdin'], { input: loose.map(([ref, r]) => `update ${ref} ${r.sha}\n`).join('') });
        if (s.originHead && refs.has(`refs/remotes/origin/${s.originHead}`)) await git(repo, ['symbolic-ref', 'refs/remotes/origin/HEAD', `refs/remotes/origin/${s.originHead}`]);

        const local = [base];
        const user: string[] = [];
        for (const f of s.fetch) (f.user ? user : local).push(`[remote ${quote(f.remote)}]`, `\tfetch = ${FETCH(f.remote)[f.spec]}`);
        for (const b of s.branchConfig) {
          const lines = [`[branch ${quote(b.head)}]`, ...(b.remote ? [`\tremote = ${b.remote}`] : []), ...b.merges.map((m) => `\tmerge = ${m}`)];
          (b.user ? user : local).push(...lines);
        }
        await fs.writeFile(path.join(repo, '.git', 'config'), local.join('\n') + '\n');
        await fs.writeFile(userConfig, user.join('\n') + '\n');

        const ours = await fromFiles(repo, env);
        if (ours === null) return;
        const theirs = await fromGit(repo, env);
        assert.deepEqual(ours, theirs, `config:\n${local.slice(1).join('\n')}\nuser:\n${user.join('\n')}`);
        // The glance's counts, without the lists.
        assert.deepEqual(countRefs(readRefSources(path.join(repo, '.git'))!), { branches: theirs.local.length, tags: theirs.names.tags.size });
        // The tags' rows as tagLists reads them.
        assert.equal(tagRowsOf(readRefFiles(path.join(repo, '.git'))!), await git(repo, ['for-each-ref', `--format=${BRANCH_REFS_FORMAT}`, 'refs/tags']));
        compared++;
        rows += theirs.refSha.size + theirs.names.tags.size;
        upstreams += theirs.local.filter((b) => b.upstreamRef).length;
      }),
      { numRuns: 80 },
    );
    assert.ok(compared >= 70, `the files answered in ${compared} of 80 runs`);
    assert.ok(rows > 300, `the runs listed refs (${rows})`);
    assert.ok(upstreams > 10, `the runs had upstreams (${upstreams})`);
  });

  describe('leaves to git what it does not read as git does', () => {
    let repo: string;
    const gitDir = () => path.join(repo, '.git');
    beforeEach(async () => {
      repo = await makeRepo({ commits: ['one'], branches: ['dev'], tags: ['v1.0.0'] });
      await git(repo, ['pack-refs', '--all']);
    });
    const answers = async () => {
      assert.ok(readRefFiles(gitDir()), 'the plain repository is read from its files');
    };

    it('a shared git dir (worktrees), a reftable store, legacy remotes files', async () => {
      await answers();
      for (const [file, content] of [
        ['commondir', '../..\n'],
        ['reftable/tables.list', ''],
        ['remotes/origin', 'URL: https://example.com/x.git\nPull: refs/heads/main:refs/heads/origin\n'],
        ['branches/up', 'https://example.com/y.git\n'],
      ] as const) {
        const at = path.join(gitDir(), file);
        mkdirSync(path.dirname(at), { recursive: true });
        writeFileSync(at, content);
        assert.equal(readRefFiles(gitDir()), null, file);
        await fs.rm(path.join(gitDir(), file.split('/')[0]), { recursive: true });
      }
      await answers();
    });

    it('a name that is not plain ASCII, a symbolic link, a damaged or symbolic loose ref, a dangling HEAD', async () => {
      const sha = (await git(repo, ['rev-parse', 'HEAD'])).trim();
      const cases: Array<[string, () => void]> = [
        ['a non-ASCII branch', () => writeFileSync(path.join(gitDir(), 'refs/heads/café'), `${sha}\n`)],
        ['a symbolic link', () => symlinkSync(path.join(gitDir(), 'refs/heads/main'), path.join(gitDir(), 'refs/heads/link'))],
        ['a damaged loose ref', () => writeFileSync(path.join(gitDir(), 'refs/heads/bad'), 'not a sha\n')],
        ['an upper-case sha', () => writeFileSync(path.join(gitDir(), 'refs/heads/up'), `${sha.toUpperCase()}\n`)],
        ['a symbolic branch', () => writeFileSync(path.join(gitDir(), 'refs/heads/alias'), 'ref: refs/heads/main\n')],
        ['a dangling remote HEAD', () => (mkdirSync(path.join(gitDir(), 'refs/remotes/origin'), { recursive: true }), writeFileSync(path.join(gitDir(), 'refs/remotes/origin/HEAD'), 'ref: refs/remotes/origin/main\n'))],
      ];
      for (const [what, make] of cases) {
        make();
        assert.equal(readRefFiles(gitDir()), null, what);
        await fs.rm(path.join(gitDir(), 'refs'), { recursive: true });
        mkdirSync(path.join(gitDir(), 'refs/heads'), { recursive: true });
        await answers();
      }
    });

    it('skips lock files as git does, and leaves more than MAX_LOOSE_REFS loose refs to git', async () => {
      const sha = (await git(repo, ['rev-parse', 'HEAD'])).trim();
      writeFileSync(path.join(gitDir(), 'refs/heads/dev.lock'), `${sha}\n`);
      assert.deepEqual(await fromFiles(repo), await fromGit(repo));
      await git(repo, ['update-ref', '--stdin'], { input: Array.from({ length: MAX_LOOSE_REFS + 1 }, (_, i) => `create refs/heads/many/${i} ${sha}\n`).join('') });
      assert.equal(readRefFiles(gitDir()), null);
    });

    it('a branch tracking a local branch, a negative or odd refspec, a valueless key', () => {
      assert.ok(parseUpstreamConfig('branch.dev.remote\norigin\0branch.dev.merge\nrefs/heads/main\0remote.origin.fetch\n+refs/heads/*:refs/remotes/origin/*\0'));
      for (const output of [
        'branch.dev.remote\n.\0branch.dev.merge\nrefs/heads/main\0',
        'remote.origin.fetch\n^refs/heads/skip\0',
        'remote.origin.fetch\nrefs/heads/*:refs/remotes/origin/x\0',
        'remote.origin.fetch\nrefs/heads/a b:refs/remotes/origin/a\0',
        'remote.origin.fetch\nrefs/heads/*\0',
        'branch.dev.merge\0',
      ]) {
        assert.equal(parseUpstreamConfig(output), null, output);
      }
    });
  });

  it('the snapshot reads the refs from the files (no for-each-ref), and from git when the files cannot say', async () => {
    const repo = await makeRepo({ commits: ['one', 'two'], branches: ['dev'] });
    await git(repo, ['update-ref', 'refs/remotes/origin/dev', 'HEAD~1']);
    await git(repo, ['config', 'remote.origin.url', 'https://example.com/x.git']);
    await git(repo, ['config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*']);
    await git(repo, ['config', 'branch.dev.remote', 'origin']);
    await git(repo, ['config', 'branch.dev.merge', 'refs/heads/dev']);
    const snap = async () => {
      const logger = captureLogger();
      const s = await createGit(repo, { logger, discovered: { gitDir: path.join(repo, '.git'), shallow: false } }).snapshot();
      return { s, calls: logger.gitLines().join('\n') };
    };
    const first = await snap();
    assert.doesNotMatch(first.calls, /for-each-ref --format=%\(refname\)%00%\(objectname\)%00%\(upstream\)/);
    const dev = first.s.branches.find((b) => b.name === 'dev');
    assert.deepEqual([dev?.upstream, dev?.ahead, dev?.behind], ['origin/dev', 1, 0]);
    await commit(repo, 'three');
    await git(repo, ['config', 'branch.dev.remote', '.']);
    const second = await snap();
    assert.match(second.calls, /for-each-ref --format=%\(refname\)%00%\(objectname\)%00%\(upstream\)/);
    assert.equal(second.s.branches.find((b) => b.name === 'dev')?.upstream, 'dev');
  });
});
