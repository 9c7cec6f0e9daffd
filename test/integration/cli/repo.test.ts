import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { CliServices } from '../../../src/cli';
import { discoverRepository } from '../../../src/core/git/discovery';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import type { GitTraceEvent } from '../../../src/core/git/trace';
import { cliProcessCommand, parseError, runInProcess, runProcess } from './cliRunner';
import { commit, git, initRepo, removeDir, tempDir, writeFile } from './tempRepo';

/** The contract of design.md, and the extensions the Git seam documents (allowed, nothing else). */
const CONTRACT = {
  top: ['root', 'head', 'upstream', 'ahead', 'behind', 'branches', 'tags', 'remotes', 'changes'],
  head: ['branch', 'sha', 'detached'],
  branch: ['name', 'sha', 'current', 'upstream', 'ahead', 'behind'],
  tag: ['name', 'sha', 'version'],
  remote: ['name', 'url', 'github'],
  github: ['owner', 'repo'],
  changes: ['staged', 'unstaged', 'untracked', 'conflicted'],
};
const EXTENSIONS: Partial<Record<keyof typeof CONTRACT, string[]>> = {
  top: ['remoteBranches', 'files', 'empty', 'shallow', 'operation', 'aheadBehindComplete'],
  branch: ['upstreamGone', 'date', 'subject'],
  tag: ['annotated', 'subject'],
  remote: ['pushUrl'],
  github: ['host'],
};

function assertKeys(kind: keyof typeof CONTRACT, value: unknown): void {
  assert.ok(value && typeof value === 'object', `${kind} is an object`);
  const keys = Object.keys(value);
  for (const k of CONTRACT[kind]) assert.ok(keys.includes(k), `${kind} has ${k}: ${keys.join(',')}`);
  const allowed = new Set([...CONTRACT[kind], ...(EXTENSIONS[kind] ?? [])]);
  for (const k of keys) assert.ok(allowed.has(k), `${kind} key ${k} is neither contract nor a documented extension`);
}

interface RepoJson {
  root: string;
  head: { branch: string | null; sha: string | null; detached: boolean };
  upstream: string | null;
  ahead: number;
  behind: number;
  branches: Array<{ name: string; sha: string; current: boolean; upstream: string | null; ahead: number; behind: number }>;
  tags: Array<{ name: string; sha: string; version: string | null }>;
  remotes: Array<{ name: string; url: string; github: { owner: string; repo: string } | null }>;
  changes: { staged: number; unstaged: number; untracked: number; conflicted: number };
}

describe('sdlc repo (integration, real git)', () => {
  let base: string;
  let repo: string;
  let first: string;
  let head: string;

  before(() => {
    base = tempDir();
    const remote = path.join(base, 'remote.git');
    git(base, 'init', '-q', '--bare', '-b', 'main', remote);
    repo = initRepo(path.join(base, 'app'));
    first = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'remote', 'add', 'origin', remote);
    git(repo, 'push', '-q', '-u', 'origin', 'main');
    git(repo, 'tag', '-a', 'v1.0.0', '-m', 'release 1.0.0');
    git(repo, 'tag', 'nightly');
    git(repo, 'branch', 'feature/x');
    // someone else pushes a commit → behind 1 after fetch
    const other = path.join(base, 'other');
    git(base, 'clone', '-q', remote, other);
    git(other, 'config', 'user.name', 'Bob');
    git(other, 'config', 'user.email', 'bob@example.com');
    commit(other, 'other.txt', 'x\n', 'feat: from elsewhere');
    git(other, 'push', '-q', 'origin', 'main');
    git(repo, 'fetch', '-q', 'origin');
    head = commit(repo, 'src/a.ts', 'export {};\n', 'feat: local work'); // ahead 1
    git(repo, 'remote', 'add', 'github', 'https://github.com/acme/app.git');
    // working tree: 1 staged, 1 unstaged, 1 untracked
    writeFile(repo, 'staged.txt', 's\n');
    git(repo, 'add', 'staged.txt');
    writeFile(repo, 'README.md', '# app, changed\n');
    writeFile(repo, 'untracked.txt', 'u\n');
  });
  after(() => removeDir(base));

  it('--json prints exactly one document of the contract shape', async () => {
    const { code, stdout, stderr } = await runInProcess(['repo', '--json', '--cwd', repo]);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const doc = JSON.parse(stdout) as RepoJson;
    assertKeys('top', doc);
    assertKeys('head', doc.head);
    assertKeys('changes', doc.changes);
    doc.branches.forEach((b) => assertKeys('branch', b));
    doc.tags.forEach((t) => assertKeys('tag', t));
    doc.remotes.forEach((r) => {
      assertKeys('remote', r);
      if (r.github) assertKeys('github', r.github);
    });

    assert.equal(doc.root, repo);
    assert.deepEqual(doc.head, { branch: 'main', sha: head, detached: false });
    assert.equal(doc.upstream, 'origin/main');
    assert.deepEqual([doc.ahead, doc.behind], [1, 1]);
    const byName = Object.fromEntries(doc.branches.map((b) => [b.name, b]));
    assert.deepEqual(Object.keys(byName).sort(), ['feature/x', 'main']);
    const main = byName.main;
    assert.deepEqual([main.sha, main.current, main.upstream, main.ahead, main.behind], [head, true, 'origin/main', 1, 1]);
    assert.deepEqual([byName['feature/x'].current, byName['feature/x'].upstream, byName['feature/x'].ahead, byName['feature/x'].behind, byName['feature/x'].sha], [false, null, 0, 0, first]);
    const tags = Object.fromEntries(doc.tags.map((t) => [t.name, t]));
    assert.deepEqual([tags['v1.0.0'].sha, tags['v1.0.0'].version], [first, '1.0.0']);
    assert.deepEqual([tags.nightly.sha, tags.nightly.version], [first, null]);
    const remotes = Object.fromEntries(doc.remotes.map((r) => [r.name, r]));
    assert.deepEqual(remotes.github.github && { owner: remotes.github.github.owner, repo: remotes.github.github.repo }, { owner: 'acme', repo: 'app' });
    assert.equal(remotes.origin.github, null);
    assert.equal(remotes.origin.url, path.join(base, 'remote.git'));
    assert.deepEqual(doc.changes, { staged: 1, unstaged: 1, untracked: 1, conflicted: 0 });
  });

  it('finds the repository from a subfolder', async () => {
    const { code, stdout } = await runInProcess(['repo', '--json', '--cwd', path.join(repo, 'src')]);
    assert.equal(code, 0);
    assert.equal((JSON.parse(stdout) as RepoJson).root, repo);
  });

  it('a folder holding .git is read at once, without waiting for discovery; a wrong guess is dropped for what discovery finds', async () => {
    const discovered: string[] = [];
    const services: CliServices = {
      discoverRepository: (dir) => {
        discovered.push(dir);
        return discoverRepository(dir);
      },
      createGit,
    };
    // The root itself: no discovery at all, and no rev-parse either (its .git says what git would).
    const trace: GitTraceEvent[] = [];
    (globalThis as { __sdlcGitTrace?: unknown }).__sdlcGitTrace = trace;
    let r = await runInProcess(['repo', '--json', '--cwd', repo], {}, undefined, services).finally(() => delete (globalThis as { __sdlcGitTrace?: unknown }).__sdlcGitTrace);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as RepoJson).root, repo);
    assert.deepEqual(discovered, []);
    assert.deepEqual(trace.filter((e) => e.what.startsWith('git rev-parse')), []);
    assert.ok(trace.some((e) => e.what.startsWith('git --no-optional-locks status')), 'the trace saw the snapshot');
    // A subfolder: discovery first, as before.
    r = await runInProcess(['repo', '--json', '--cwd', path.join(repo, 'src')], {}, undefined, services);
    assert.equal((JSON.parse(r.stdout) as RepoJson).root, repo);
    assert.deepEqual(discovered, [path.join(repo, 'src')]);
    // A folder holding a .git folder that is no repository: git reads the repository above, the
    // guess is dropped, discovery answers, and nothing is written into that .git.
    const nested = path.join(repo, 'nested');
    mkdirSync(path.join(nested, '.git'), { recursive: true });
    try {
      discovered.length = 0;
      r = await runInProcess(['repo', '--json', '--cwd', nested], {}, undefined, services);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as RepoJson).root, repo);
      assert.deepEqual(discovered, [nested]);
      assert.deepEqual(readdirSync(path.join(nested, '.git')), []);
    } finally {
      removeDir(nested);
    }
  });

  it('without --json prints a readable summary', async () => {
    const { code, stdout } = await runInProcess(['repo', '--cwd', repo]);
    assert.equal(code, 0);
    assert.match(stdout, /HEAD +main \([0-9a-f]{7}\) → origin\/main ↑1 ↓1/);
    assert.match(stdout, /Changes +1 staged, 1 unstaged, 1 untracked/);
    assert.match(stdout, /Branches +2/);
    assert.match(stdout, /Tags +2, latest release v1\.0\.0/);
    assert.match(stdout, /github {2}https:\/\/github\.com\/acme\/app\.git {2}\(GitHub acme\/app\)/);
  });

  it('--cwd outside any repository → exit 2, NotARepository on stderr, empty stdout', async () => {
    const plain = tempDir('sdlc-plain-');
    try {
      const { code, stdout, stderr } = await runInProcess(['repo', '--json', '--cwd', plain]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.equal(parseError(stderr).code, 'NotARepository');
    } finally {
      removeDir(plain);
    }
  });

  it('--cwd that does not exist → exit 2 with an error document', async () => {
    const { code, stdout, stderr } = await runInProcess(['repo', '--json', '--cwd', '/not/a/repo']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(parseError(stderr).code, 'NotADirectory');
  });

  it('a bare repository or --cwd repo/.git → exit 2 NotARepository saying there is no work tree (issue 8 #18)', async () => {
    for (const dir of [path.join(base, 'remote.git'), path.join(repo, '.git')]) {
      for (const json of [true, false]) {
        const { code, stdout, stderr } = await runInProcess(['repo', ...(json ? ['--json'] : []), '--cwd', dir]);
        assert.equal(code, 2, `${dir}: ${stderr}`);
        assert.equal(stdout, '');
        const message = json ? parseError(stderr).message : stderr;
        if (json) assert.equal(parseError(stderr).code, 'NotARepository');
        assert.match(message, /bare repository|no work tree|git directory/);
        assert.doesNotMatch(message, /See the log/);
      }
    }
  });

  it('remote URLs lose their credentials: user info, ?access_token=, &token=, and known secret values (issue 8 #13)', async () => {
    const token = 'ghs_0123456789abcdefghijABCDEFGHIJ';
    git(repo, 'remote', 'add', 'tok', `https://${token}@github.com/acme/app.git`);
    git(repo, 'remote', 'add', 'userpass', 'https://ada:pa55word-x@example.com/acme/app.git');
    git(repo, 'remote', 'add', 'query', 'https://example.com/acme/app.git?access_token=qs-secret-1&x=1&token=qs-secret-2');
    git(repo, 'remote', 'add', 'sshplus', 'git+ssh://git@github.com/acme/app.git');
    git(repo, 'remote', 'add', 'envsecret', 'https://example.com/acme/my-deploy-key-value-42.git');
    for (const json of [true, false]) {
      const { code, stdout } = await runInProcess(['repo', ...(json ? ['--json'] : []), '--cwd', repo], { DEPLOY_KEY: 'my-deploy-key-value-42' });
      assert.equal(code, 0);
      for (const secret of [token, 'pa55word-x', 'qs-secret-1', 'qs-secret-2', 'my-deploy-key-value-42']) assert.ok(!stdout.includes(secret), `${secret} in ${stdout}`);
      if (json) {
        const doc = JSON.parse(stdout) as RepoJson;
        const url = (name: string) => doc.remotes.find((r) => r.name === name)!;
        assert.equal(url('tok').url, 'https://github.com/acme/app.git');
        assert.deepEqual(url('tok').github, { owner: 'acme', repo: 'app', host: 'github.com' });
        assert.equal(url('userpass').url, 'https://example.com/acme/app.git');
        assert.equal(url('query').url, 'https://example.com/acme/app.git?access_token=***&x=1&token=***');
        assert.equal(url('sshplus').url, 'git+ssh://git@github.com/acme/app.git');
        assert.deepEqual(url('sshplus').github, { owner: 'acme', repo: 'app', host: 'github.com' });
        assert.equal(url('envsecret').url, 'https://example.com/acme/***.git');
      }
    }
    for (const name of ['tok', 'userpass', 'query', 'sshplus', 'envsecret']) git(repo, 'remote', 'remove', name);
  });

  it('an unknown flag → exit 2', async () => {
    const { code, stdout, stderr } = await runInProcess(['repo', '--json', '--cwd', repo, '--porcelain']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(parseError(stderr).code, 'UnknownOption');
  });

  describe(`as a process (${cliProcessCommand().how === 'dist' ? 'node dist/cli.js' : 'sources through tsx: dist/cli.js not built'})`, function () {
    this.timeout(30_000);

    it('repo --json prints the same document as in process', async () => {
      const [proc, inProcess] = await Promise.all([runProcess(['repo', '--json', '--cwd', repo]), runInProcess(['repo', '--json', '--cwd', repo])]);
      assert.equal(proc.stderr, '');
      assert.equal(proc.code, 0);
      assert.deepEqual(JSON.parse(proc.stdout), JSON.parse(inProcess.stdout));
    });

    it('exit codes and the error document cross the process boundary', async () => {
      const [notDir, unknownFlag, failed] = await Promise.all([
        runProcess(['repo', '--json', '--cwd', '/not/a/repo']),
        runProcess(['repo', '--json', '--frob']),
        runProcess(['audit', 'verify', '--json', '--cwd', repo, '--min-entries', '99']),
      ]);
      assert.deepEqual([notDir.code, notDir.stdout, parseError(notDir.stderr).code], [2, '', 'NotADirectory']);
      assert.deepEqual([unknownFlag.code, unknownFlag.stdout, parseError(unknownFlag.stderr).code], [2, '', 'UnknownOption']);
      // A check that fails (exit 1) still prints its one document on stdout, nothing on stderr.
      assert.deepEqual([failed.code, failed.stderr, (JSON.parse(failed.stdout) as { ok: boolean }).ok], [1, '', false]);
    });
  });
});
