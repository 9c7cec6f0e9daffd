import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { systemFileOf } from '../../../src/core/git/configCache';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import type { RepoSnapshot } from '../../../src/core/git/git';
import { cleanupTempDirs, cloneRepo, commit, git, makeRepo, makeTempDir } from '../../support/repos';
import { captureLogger } from './helpers';

/**
 * The snapshot's configuration read kept in .git/sdlc/config-v1 (src/core/git/configCache.ts): git is
 * not asked again while none of the files it reads changed, and every change to one of them (the
 * repository's, the user's) is read again; what the snapshot makes equals what it makes without the cache.
 */
describe('configuration kept between snapshots', function () {
  const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, PATH: process.env.PATH };
  let home: string;
  let dir: string;
  let cacheFile: string;

  before(async () => {
    home = await makeTempDir('sdlc-home-');
    process.env.HOME = home;
    delete process.env.XDG_CONFIG_HOME;
    const origin = await makeRepo({ bare: true });
    const seed = await makeRepo({ commits: ['feat: a', 'fix: b'] });
    await git(seed, ['remote', 'add', 'origin', origin]);
    await git(seed, ['push', '-q', 'origin', 'main', 'main:feature', 'main:topic']);
    dir = await cloneRepo(origin);
    await git(dir, ['branch', '-q', '--track', 'feature', 'origin/feature']);
    await git(dir, ['branch', '-q', '--track', 'topic', 'origin/topic']);
    await commit(dir, 'feat: local');
    cacheFile = path.join(dir, '.git', 'sdlc', 'config-v1');
  });

  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await cleanupTempDirs();
  });

  const configReads = (lines: string[]) => lines.filter((l) => l.startsWith('> git config -z --get-regexp')).length;
  /** The snapshot as made with no cache (the file removed first, put back after). */
  async function uncached(): Promise<RepoSnapshot> {
    const kept = await fs.readFile(cacheFile).catch(() => null);
    await fs.rm(cacheFile, { force: true });
    const logger = captureLogger();
    const snap = await createGit(dir, { logger }).snapshot();
    assert.equal(configReads(logger.lines), 1);
    if (kept) await fs.writeFile(cacheFile, kept);
    else await fs.rm(cacheFile, { force: true });
    return snap;
  }

  it('is used from the third snapshot on, and every change of a file git reads is read again', async () => {
    await fs.rm(cacheFile, { force: true });
    const logger = captureLogger();
    const g = createGit(dir, { logger });
    const first = await g.snapshot();
    assert.equal(configReads(logger.lines), 1);
    // The first write learns the system file and holds no signature yet; the second has one.
    assert.ok(existsSync(cacheFile), 'kept in .git/sdlc');
    assert.equal((await fs.stat(cacheFile)).mode & 0o777, 0o600);
    assert.equal((await fs.readFile(cacheFile, 'utf8')).split('\n')[2], '""');
    await g.snapshot();
    assert.equal(configReads(logger.lines), 2);
    const third = await g.snapshot();
    assert.equal(configReads(logger.lines), 2, 'the third snapshot starts no git config');
    assert.deepEqual(third, first);

    const changes: Array<[string, () => Promise<unknown>, (s: RepoSnapshot) => void]> = [
      [
        "a branch's upstream set in the repository's config",
        () => git(dir, ['branch', '-q', '--set-upstream-to=origin/topic', 'feature']),
        (s) => assert.equal(s.branches.find((b) => b.name === 'feature')?.upstream, 'origin/topic'),
      ],
      [
        'the same config edited to a value of the same length',
        () => git(dir, ['config', 'branch.feature.merge', 'refs/heads/feature']),
        (s) => assert.equal(s.branches.find((b) => b.name === 'feature')?.upstream, 'origin/feature'),
      ],
      [
        'a remote added',
        () => git(dir, ['remote', 'add', 'hub', 'gh:octo/app']),
        (s) => assert.equal(s.remotes.find((r) => r.name === 'hub')?.url, 'gh:octo/app'),
      ],
      [
        "a URL rewrite in the user's ~/.gitconfig (a file that did not exist)",
        () => fs.writeFile(path.join(home, '.gitconfig'), '[url "https://github.com/"]\n\tinsteadOf = gh:\n'),
        (s) => {
          assert.equal(s.remotes.find((r) => r.name === 'hub')?.url, 'https://github.com/octo/app');
          assert.deepEqual(s.remotes.find((r) => r.name === 'hub')?.github, { owner: 'octo', repo: 'app', host: 'github.com' });
        },
      ],
      [
        'the XDG file (~/.config/git/config) created',
        async () => {
          await fs.mkdir(path.join(home, '.config', 'git'), { recursive: true });
          await fs.writeFile(path.join(home, '.config', 'git', 'config'), '[url "https://example.com/"]\n\tinsteadOf = gh:octo/\n');
        },
        (s) => assert.equal(s.remotes.find((r) => r.name === 'hub')?.url, 'https://example.com/app'),
      ],
      [
        'another git executable first on PATH (a wrapper of the same git)',
        async () => {
          const bin = await makeTempDir('sdlc-bin-');
          const real = (await git(dir, ['--exec-path'])).trim();
          await fs.writeFile(path.join(bin, 'git'), `#!/bin/sh\nexec "${real}/git" "$@"\n`, { mode: 0o755 });
          process.env.PATH = `${bin}${path.delimiter}${saved.PATH ?? ''}`;
        },
        (s) => assert.equal(s.remotes.find((r) => r.name === 'hub')?.url, 'https://example.com/app'),
      ],
    ];
    for (const [label, change, check] of changes) {
      await change();
      const before = configReads(logger.lines);
      const snap = await g.snapshot();
      assert.equal(configReads(logger.lines), before + 1, `${label}: read again`);
      check(snap);
      assert.deepEqual(snap, await uncached(), label);
      const kept = await g.snapshot();
      assert.equal(configReads(logger.lines), before + 1, `${label}: then kept`);
      assert.deepEqual(kept, snap, label);
    }
  });

  it('is not used where git reads files it does not know (an include), nor written with a credential in it', async () => {
    const logger = captureLogger();
    const g = createGit(dir, { logger });
    await g.snapshot();
    await g.snapshot();
    const reads = configReads(logger.lines);
    await fs.writeFile(path.join(dir, '.git', 'extra.config'), '[remote "inc"]\n\turl = https://example.org/inc.git\n');
    await git(dir, ['config', 'include.path', 'extra.config']);
    for (let i = 1; i <= 3; i++) {
      const snap = await g.snapshot();
      assert.equal(configReads(logger.lines), reads + i, 'git reads each time');
      assert.equal(snap.remotes.find((r) => r.name === 'inc')?.url, 'https://example.org/inc.git', 'the included remote');
    }
    await git(dir, ['config', '--unset', 'include.path']);
    await fs.rm(cacheFile, { force: true });
    await git(dir, ['config', 'remote.hub.url', 'https://bot:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/octo/app.git']);
    await g.snapshot();
    await g.snapshot();
    assert.ok(!existsSync(cacheFile), 'a configuration holding a token is not written to the cache');
  });

  it('a damaged cache file is not used', async () => {
    await git(dir, ['config', 'remote.hub.url', 'https://github.com/octo/app.git']);
    const logger = captureLogger();
    const g = createGit(dir, { logger });
    for (let i = 0; i < 3; i++) await g.snapshot();
    const good = await fs.readFile(cacheFile, 'utf8');
    const [header, system, signature] = good.split('\n');
    const damaged = ['', 'sdlc-config 1\n', `${header}\n${system}\n`, `${header}\n{x\n${signature}\n`, `${header}\n${system}\n"${signature.slice(3)}\n`];
    for (const bad of damaged) {
      await fs.writeFile(cacheFile, bad);
      const reads = configReads(logger.lines);
      assert.deepEqual(await g.snapshot(), await uncached());
      assert.equal(configReads(logger.lines), reads + 1, JSON.stringify(bad.slice(0, 40)));
    }
  });

  it("learns the system file from git's answer", () => {
    assert.equal(systemFileOf(0, 'file:/etc/gitconfig\0credential.helper\nstore\0', ''), '/etc/gitconfig');
    assert.equal(systemFileOf(128, '', "fatal: unable to read config file '/opt/git/etc/gitconfig': No such file or directory\n"), '/opt/git/etc/gitconfig');
    assert.equal(systemFileOf(0, '', ''), null, 'an empty file: git does not name it');
    assert.equal(systemFileOf(128, '', "fatal: unable to read config file '/etc/gitconfig': Permission denied\n"), null);
    assert.equal(systemFileOf(null, '', ''), null);
  });
});
