import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { discoverRepository, findRepositories, isGitInstalled, likelyRoot, localRepositoryFacts, repositoryRoot, type RepositoryFacts } from '../../../src/core/git/discovery';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import type { Logger } from '../../../src/core/log';
import { cleanupTempDirs, git, makeRepo, makeTempDir } from '../../support/repos';
import { rejectsWith } from './helpers';
import type { GitTraceEvent } from '../../../src/core/git/trace';

describe('repository discovery', () => {
  after(cleanupTempDirs);

  it('finds the folder itself, nested repositories and worktrees, skipping node_modules and hidden dirs', async () => {
    const ws = await makeTempDir('sdlc-ws-');
    await makeRepo({ dir: ws });
    await makeRepo({ dir: path.join(ws, 'packages', 'a') });
    await makeRepo({ dir: path.join(ws, 'packages', 'b', 'nested') });
    await makeRepo({ dir: path.join(ws, 'node_modules', 'dep') });
    await makeRepo({ dir: path.join(ws, '.vscode-test', 'x') });
    await makeRepo({ dir: path.join(ws, 'one', 'two', 'three', 'four') }); // deeper than 3
    await git(ws, ['worktree', 'add', '-q', path.join(ws, 'wt'), '-b', 'wt']); // `.git` file
    const found = await findRepositories(ws);
    assert.deepEqual(found, [ws, path.join(ws, 'wt'), path.join(ws, 'packages', 'a'), path.join(ws, 'packages', 'b', 'nested')]);
    assert.ok((await findRepositories(ws, { maxDepth: 4 })).includes(path.join(ws, 'one', 'two', 'three', 'four')));
  });

  it('a folder opened through a symlink: its repository once (the real path git gives)', async () => {
    const real = await makeTempDir('sdlc-real-');
    await makeRepo({ dir: real });
    const links = await makeTempDir('sdlc-links-');
    const link = path.join(links, 'ws');
    await fs.symlink(real, link, 'dir');
    assert.deepEqual(await findRepositories(link), [await fs.realpath(real)]);
    // The guess made before git answers (the CLI's and the editor's first snapshot) is that same path,
    // so the snapshot started on it is kept; a folder without .git gives no guess.
    assert.equal(likelyRoot(link), await fs.realpath(real));
    assert.equal(likelyRoot(path.join(link, '.')), await fs.realpath(real));
    assert.equal(likelyRoot(links), null);
    assert.equal(likelyRoot(path.join(links, 'missing')), null);
  });

  it('a folder inside a repository gives the repository root', async () => {
    const repo = await makeRepo();
    const sub = path.join(repo, 'src', 'deep');
    await fs.mkdir(sub, { recursive: true });
    assert.deepEqual(await findRepositories(sub), [repo]);
    assert.equal(await repositoryRoot(sub), repo);
  });

  it('discovery reads the git dir and shallowness with the root; a first snapshot given them runs no rev-parse and says the same', async () => {
    const repo = await makeRepo();
    const sub = path.join(repo, 'src');
    await fs.mkdir(sub, { recursive: true });
    const found = await discoverRepository(sub);
    assert.deepEqual(found, { root: repo, gitDir: path.join(repo, '.git'), shallow: false });
    const named: Array<RepositoryFacts & { root: string }> = [];
    assert.deepEqual(await findRepositories(sub, { onDiscovered: (d) => named.push(d) }), [repo]);
    assert.deepEqual(named, [{ root: repo, gitDir: path.join(repo, '.git'), shallow: false }]);
    const facts = new Map(named.map(({ root, ...f }) => [root, f]));

    const calls: string[] = [];
    const logger: Logger = { trace() {}, debug() {}, warn() {}, error() {}, info: (m) => void calls.push(String(m)) };
    const given = createGit(repo, { logger, discovered: facts.get(repo) });
    const first = await given.snapshot();
    assert.equal(await given.gitDir(), path.join(repo, '.git'));
    assert.ok(!calls.some((c) => c.includes('rev-parse')), calls.join('\n'));
    assert.deepEqual(first, await createGit(repo).snapshot());
    // Only the first snapshot takes them (shallowness can change): the next one asks git.
    await given.snapshot();
    assert.ok(calls.some((c) => c.includes('rev-parse --absolute-git-dir --is-shallow-repository')), calls.join('\n'));

    // Without them, gitDir() asked while a first snapshot runs shares its rev-parse.
    calls.length = 0;
    const fresh = createGit(repo, { logger });
    const [snap, gitDir] = await Promise.all([fresh.snapshot(), fresh.gitDir()]);
    assert.equal(gitDir, path.join(repo, '.git'));
    assert.deepEqual(snap, first);
    assert.equal(calls.filter((c) => c.includes('rev-parse')).length, 1, calls.join('\n'));
  });

  it("discovery under way (the editor's probe of a folder holding .git): the first snapshot and the folder's scan take its answer, no rev-parse of their own", async () => {
    const repo = await makeRepo();
    const trace: GitTraceEvent[] = [];
    (globalThis as { __sdlcGitTrace?: unknown }).__sdlcGitTrace = trace;
    try {
      const revParses = () => trace.filter((e) => e.what.startsWith('git rev-parse')).length;
      const discovery = discoverRepository(repo);
      const g = createGit(repo, { discovered: discovery });
      const [snap, roots] = await Promise.all([g.snapshot(), findRepositories(repo, { discovery })]);
      assert.equal(revParses(), 1, 'only the discovery');
      assert.deepEqual(roots, [repo]);
      assert.equal(await g.gitDir(), path.join(repo, '.git'));
      assert.deepEqual(snap, await createGit(repo).snapshot());
      // A guess that discovery corrects (a .git folder that is no repository, inside one): the
      // snapshot says discovery's root, and writes nothing into that .git.
      const nested = path.join(repo, 'vendor', 'lib');
      await fs.mkdir(path.join(nested, '.git'), { recursive: true });
      const corrected = await createGit(nested, { discovered: discoverRepository(nested) }).snapshot();
      assert.equal(corrected.root, repo);
      assert.deepEqual(await fs.readdir(path.join(nested, '.git')), []);
    } finally {
      delete (globalThis as { __sdlcGitTrace?: unknown }).__sdlcGitTrace;
    }
  });

  it('localRepositoryFacts says what rev-parse says, or nothing: each .git git would take otherwise asks git', async () => {
    /** The facts of the folder, checked against git's own answer wherever they are given. */
    const factsOf = async (dir: string) => {
      const facts = localRepositoryFacts(dir);
      if (facts) assert.deepEqual(facts, await discoverRepository(dir), dir);
      return facts;
    };
    const config = (dir: string, ...args: string[]) => git(dir, ['config', ...args]);

    const plain = await makeRepo({ commits: 2 });
    assert.deepEqual(await factsOf(plain), { root: plain, gitDir: path.join(plain, '.git'), shallow: false });
    await git(plain, ['checkout', '-q', '--detach']);
    assert.ok(await factsOf(plain), 'a detached HEAD');
    const shallow = path.join(await makeTempDir('sdlc-shallow-'), 'clone');
    await git(plain, ['clone', '-q', '--depth', '1', `file://${plain}`, shallow]);
    assert.equal((await factsOf(shallow))?.shallow, true);
    const notBare = await makeRepo();
    await fs.appendFile(path.join(notBare, '.git', 'config'), '[core]\n\tBare=FALSE ; said twice\n');
    assert.ok(await factsOf(notBare), 'bare said false, in other words');

    // Each of these asks git (whose answer may differ, or be an error).
    const asks = async (dir: string, why: string) => assert.equal(await factsOf(dir), null, why);
    const worktree = await makeRepo();
    await config(worktree, 'core.worktree', await makeTempDir('sdlc-elsewhere-'));
    await asks(worktree, 'core.worktree');
    assert.notEqual((await discoverRepository(worktree).catch(() => null))?.root, worktree);
    const bare = await makeRepo();
    await config(bare, 'core.bare', 'true');
    await asks(bare, 'core.bare');
    const perWorktree = await makeRepo();
    await config(perWorktree, 'extensions.worktreeConfig', 'true');
    await asks(perWorktree, 'a worktree config');
    const includes = await makeRepo();
    await config(includes, 'include.path', 'other.config');
    await asks(includes, 'an include');
    const noConfig = await makeRepo();
    await fs.rm(path.join(noConfig, '.git', 'config'));
    await asks(noConfig, 'no config');
    const badHead = await makeRepo();
    await fs.writeFile(path.join(badHead, '.git', 'HEAD'), 'nonsense\n');
    await asks(badHead, 'HEAD names nothing');
    const empty = await makeTempDir('sdlc-empty-git-');
    await fs.mkdir(path.join(empty, '.git'));
    await asks(empty, 'an empty .git');
    const linked = path.join(await makeTempDir('sdlc-linked-'), 'wt');
    await git(plain, ['worktree', 'add', '-q', linked, '-b', 'linked']);
    await asks(linked, 'a .git file');
    const viaLink = await makeTempDir('sdlc-git-link-');
    await fs.symlink(path.join(plain, '.git'), path.join(viaLink, '.git'), 'dir');
    await asks(viaLink, 'a .git symlink');
  });

  it('a bare repository and a git dir are not work trees: NotARepository', async () => {
    const bare = await makeTempDir('sdlc-bare-');
    await git(bare, ['init', '-q', '--bare']);
    await rejectsWith(repositoryRoot(bare), 'NotARepository');
    const repo = await makeRepo();
    await rejectsWith(repositoryRoot(path.join(repo, '.git')), 'NotARepository');
  });

  it('a plain folder: no repositories, repositoryRoot says NotARepository', async () => {
    const dir = await makeTempDir('sdlc-none-');
    assert.deepEqual(await findRepositories(dir), []);
    assert.deepEqual(await findRepositories(path.join(dir, 'missing')), [], 'a folder that does not exist');
    const file = path.join(dir, 'a-file');
    await fs.writeFile(file, '');
    assert.deepEqual(await findRepositories(file), [], 'a file');
    const e = await rejectsWith(repositoryRoot(dir), 'NotARepository');
    assert.match(e.message, /not inside a git repository/);
    await rejectsWith(repositoryRoot(path.join(dir, 'missing')), 'NotARepository');
  });

  it('abort: Cancelled', async () => {
    const dir = await makeTempDir('sdlc-abort-');
    await rejectsWith(findRepositories(dir, { signal: AbortSignal.abort() }), 'Cancelled');
  });

  it('isGitInstalled gives the version or null', async () => {
    assert.match((await isGitInstalled()) ?? '', /^\d+\.\d+/);
    assert.equal(await isGitInstalled('/nonexistent/git'), null);
  });
});
