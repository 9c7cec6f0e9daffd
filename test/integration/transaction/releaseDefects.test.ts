/**
 * Issue 8's release defects, each reproduced on a real repository through the CLI (in process) or
 * applyRelease: every test fails on the code before the transaction core.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { applyRelease } from '../../../src/core/versioning/release';
import { planRepository, type PlanRepositoryOptions } from '../../../src/core/versioning/service';
import { parseError, runInProcess } from '../cli/cliRunner';
import { commit, git, initRepo, removeDir, tempDir, writeFile } from '../cli/tempRepo';

const PKG = (version: string) => `{\n  "name": "app",\n  "version": "${version}"\n}\n`;

/** The root package's plan through the planning service (its errors thrown). */
async function planRelease(g: ReturnType<typeof createGit>, options: PlanRepositoryOptions = {}) {
  const { plans } = await planRepository(g, { ...options, only: ['.'] });
  return plans[0];
}

function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, base, out);
    else out.push(path.relative(base, p));
  }
  return out;
}

/** Work tree bytes, index, HEAD, tags, and the files of .git except objects, logs and the audit log. */
function state(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of walk(dir)) {
    // objects, reflogs and git's scratch files (COMMIT_EDITMSG) may change; refs, config and the rest may not.
    if (/^\.git\/(objects|logs|hooks)\//.test(f) || ['.git/sdlc/audit.jsonl', '.git/index', '.git/COMMIT_EDITMSG', '.git/ORIG_HEAD'].includes(f)) continue;
    out[f] = readFileSync(path.join(dir, f)).toString('base64');
  }
  out['<index>'] = git(dir, 'ls-files', '-s');
  out['<status>'] = git(dir, 'status', '--porcelain', '--untracked-files=all');
  out['<HEAD>'] = git(dir, 'rev-parse', 'HEAD');
  out['<tags>'] = git(dir, 'tag', '--list');
  return out;
}

describe('transaction: the release defects of issue 8 (real repositories)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));

  /** app 1.4.2 released as v1.4.2, then a feature. */
  function repo(setup?: (dir: string) => void): string {
    const dir = tempDir('sdlc-defect-');
    dirs.push(dir);
    initRepo(dir);
    commit(dir, 'package.json', PKG('1.4.2'), 'chore: release 1.4.2');
    git(dir, 'tag', '-a', '-m', 'v1.4.2', 'v1.4.2');
    setup?.(dir);
    commit(dir, 'src/search.ts', 'export {}\n', 'feat(search): fuzzy search');
    return dir;
  }

  async function refused(dir: string, argv: string[], code: string, message: RegExp): Promise<void> {
    const r = await runInProcess([...argv, '--json', '--cwd', dir]);
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    const error = parseError(r.stderr);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
  }

  it('1: a CHANGELOG.md or package.json that is a symlink (to a file outside) is refused, by --dry-run too; the outside file is untouched', async () => {
    const outside = tempDir('sdlc-victim-');
    dirs.push(outside);
    writeFileSync(path.join(outside, 'victim.txt'), 'precious\n');
    const dir = repo((d) => {
      symlinkSync(path.join(outside, 'victim.txt'), path.join(d, 'CHANGELOG.md'));
      git(d, 'add', 'CHANGELOG.md');
      git(d, 'commit', '-q', '-m', 'docs: changelog');
    });
    const before = state(dir);
    await refused(dir, ['bump'], 'SymlinkRefused', /CHANGELOG\.md" goes through the symbolic link CHANGELOG\.md/);
    await refused(dir, ['bump', '--dry-run'], 'SymlinkRefused', /symbolic link/);
    assert.equal(readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'precious\n');
    assert.deepEqual(state(dir), before);

    const pkgLink = repo((d) => {
      writeFileSync(path.join(outside, 'package.json'), PKG('1.4.2'));
      git(d, 'rm', '-q', 'package.json');
      symlinkSync(path.join(outside, 'package.json'), path.join(d, 'package.json'));
      git(d, 'add', 'package.json');
      git(d, 'commit', '-q', '-m', 'chore: link');
    });
    await refused(pkgLink, ['bump'], 'SymlinkRefused', /package\.json/);
    assert.equal(readFileSync(path.join(outside, 'package.json'), 'utf8'), PKG('1.4.2'));
  });

  it('2: a changelog path from .sdlc.json is a literal path, never a pathspec: ":(top)*" does not commit untracked files', async () => {
    const dir = repo((d) => {
      writeFile(d, '.sdlc.json', '{ "versioning": { "changelog": ":(glob)**/*" } }\n');
      git(d, 'add', '.sdlc.json');
      git(d, 'commit', '-q', '-m', 'chore: config');
    });
    writeFile(dir, '.env', 'TOKEN=secret\n');
    const r = await runInProcess(['bump', '--json', '--cwd', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort(), [':(glob)**/*', 'package.json']);
    assert.equal(git(dir, 'status', '--porcelain'), '?? .env');
  });

  it('12: an untracked CHANGELOG.md draft refuses the release; a gitignored one too; both by --dry-run as well', async () => {
    const dir = repo();
    writeFile(dir, 'CHANGELOG.md', '# Draft, not for publishing\n');
    const before = state(dir);
    await refused(dir, ['bump'], 'UntrackedReleaseFile', /CHANGELOG\.md exists but is not tracked by git/);
    await refused(dir, ['bump', '--dry-run'], 'UntrackedReleaseFile', /not tracked/);
    assert.deepEqual(state(dir), before);

    const ignored = repo((d) => {
      writeFile(d, '.gitignore', 'CHANGELOG.md\n');
      git(d, 'add', '.gitignore');
      git(d, 'commit', '-q', '-m', 'chore: ignore');
    });
    await refused(ignored, ['bump'], 'ReleaseFileIgnored', /CHANGELOG\.md is ignored by git.*versioning\.changelog/);
  });

  it('18/21: an empty repository, --package nope, "changelog": "../../x" (dry run too), duplicate "version" keys, a tag format that is no ref', async () => {
    const empty = tempDir('sdlc-empty-');
    dirs.push(empty);
    git(empty, 'init', '-q', '-b', 'main');
    await refused(empty, ['bump'], 'EmptyRepository', /no commits yet/);

    const dir = repo();
    await refused(dir, ['bump', '--package', 'nope'], 'InvalidPackage', /"nope" does not exist: there is no such folder/);

    writeFile(dir, '.sdlc.json', '{ "versioning": { "changelog": "../../x" } }\n');
    const before = state(dir);
    await refused(dir, ['bump', '--dry-run'], 'PathOutsideWorkTree', /versioning\.changelog of \.sdlc\.json "\.\.\/\.\.\/x" goes up/);
    await refused(dir, ['bump'], 'PathOutsideWorkTree', /goes up/);
    assert.deepEqual(state(dir), before);

    writeFile(dir, '.sdlc.json', '{ "versioning": { "tagFormat": "--no-${version}" } }\n');
    await refused(dir, ['bump'], 'InvalidTagFormat', /"--no-1\.2\.3", which is not a valid git tag name/);
    writeFile(dir, '.sdlc.json', '{ "versioning": { "tagFormat": "v${version}:x" } }\n');
    await refused(dir, ['bump'], 'InvalidTagFormat', /cannot contain ":"/);
    writeFile(dir, '.sdlc.json', '{}\n');

    writeFile(dir, 'package.json', '{\n  "name": "app",\n  "version": "1.4.2",\n  "version": "9.0.0"\n}\n');
    await refused(dir, ['bump', '--dry-run'], 'DuplicateKey', /^package\.json:4:3: "version" appears twice/);
  });

  it('14: a release file that cannot be written fails the release without a false RollbackIncomplete', async () => {
    const dir = repo((d) => {
      writeFile(d, '.sdlc.json', '{ "versioning": { "changelog": "docs/CHANGELOG.md" } }\n');
      git(d, 'add', '.sdlc.json');
      git(d, 'commit', '-q', '-m', 'chore: config');
    });
    const g = createGit(dir);
    const plan = await planRelease(g, { config: { versioning: { changelog: 'docs/CHANGELOG.md' } } });
    const pkgBefore = readFileSync(path.join(dir, 'package.json'), 'utf8');
    await assert.rejects(
      // Someone puts a file where the changelog's folder would go: that write cannot happen.
      applyRelease(g, plan, { beforeStep: (step) => (step === 'write' ? writeFileSync(path.join(dir, 'docs'), 'in the way\n') : undefined) }),
      (e: { code: string; message: string }) => {
        assert.notEqual(e.code, 'RollbackIncomplete', e.message);
        assert.match(e.message, /docs is not a folder.*Everything was restored/s);
        return true;
      },
    );
    assert.equal(readFileSync(path.join(dir, 'package.json'), 'utf8'), pkgBefore);
    assert.equal(readFileSync(path.join(dir, 'docs'), 'utf8'), 'in the way\n', "someone else's file is left alone");
    assert.equal(git(dir, 'tag', '--list', 'v1.5.0'), '');
  });

  it('the release is audited before its journal goes (a kill in between leaves the journal to recover); an entry that cannot be written leaves the release made and finished', async () => {
    const journal = (dir: string) => existsSync(path.join(dir, '.git', 'sdlc', 'journal.json'));
    const dir = repo();
    const g = createGit(dir);
    const seen: Array<{ action: string; result: string; journal: boolean }> = [];
    const actor = { kind: 'cli', name: 'test' };
    const log = { append: async (e: { action: string; result: string }) => void seen.push({ action: e.action, result: e.result, journal: journal(dir) }) };
    await applyRelease(g, await planRelease(g), { audit: { log, actor } as never });
    assert.deepEqual(seen, [{ action: 'version.bump', result: 'success', journal: true }]);
    assert.equal(journal(dir), false, 'then the journal is removed');

    const other = repo();
    const g2 = createGit(other);
    const failing = { append: () => Promise.reject(new Error('disk full')) };
    await assert.rejects(applyRelease(g2, await planRelease(g2), { audit: { log: failing, actor } as never }), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'AuditWriteFailed');
      assert.match(e.message, /v1\.5\.0 was made but could not be recorded in the audit log: disk full/);
      return true;
    });
    assert.equal(git(other, 'tag', '--list', 'v1.5.0'), 'v1.5.0', 'the release stays');
    assert.equal(journal(other), false, 'and is finished');
  });

  it('a journal that cannot be removed once the release is made leaves it made and recorded once, with a warning, not a false "all restored"', async () => {
    const dir = repo();
    const g = createGit(dir);
    const journalFile = path.join(dir, '.git', 'sdlc', 'journal.json');
    const seen: string[] = [];
    const actor = { kind: 'cli', name: 'test' };
    // The release's audit entry is written just before the journal goes: the journal then becomes a
    // folder, which removing a file refuses (as root too).
    const log = {
      append: async (e: { action: string; result: string }) => {
        seen.push(`${e.action} ${e.result}`);
        if (e.result !== 'success') return;
        const text = readFileSync(journalFile);
        rmSync(journalFile);
        mkdirSync(journalFile);
        writeFileSync(path.join(journalFile, 'journal.json'), text);
      },
    };
    const applied = await applyRelease(g, await planRelease(g), { audit: { log, actor } as never });
    assert.equal(applied.tag, 'v1.5.0');
    assert.equal(applied.warnings.length, 1);
    assert.match(applied.warnings[0], /^The release v1\.5\.0 is made, but its journal \(.*journal\.json\) could not be removed: .+\. The next change in this repository finishes it/);
    assert.deepEqual(seen, ['version.bump success'], 'recorded once, as made: no failure entry, nothing rolled back');
    assert.equal(git(dir, 'rev-parse', 'v1.5.0^{commit}'), git(dir, 'rev-parse', 'HEAD'), 'the release commit and tag stay');
    assert.match(readFileSync(path.join(dir, 'package.json'), 'utf8'), /"version": "1\.5\.0"/);
  });

  it('a failed release removes the CHANGELOG.md it created (and only restores bytes it wrote)', async () => {
    const dir = repo();
    const g = createGit(dir);
    const plan = await planRelease(g);
    const before = state(dir);
    await assert.rejects(
      applyRelease(g, plan, {
        beforeStep: (step) => {
          if (step === 'tag') throw new Error('injected failure before tagging');
        },
      }),
      /Everything was restored/,
    );
    assert.equal(existsSync(path.join(dir, 'CHANGELOG.md')), false);
    assert.deepEqual(state(dir), before);

    // A file someone changed after the release wrote it is left alone and reported.
    await assert.rejects(
      applyRelease(g, await planRelease(g), {
        beforeStep: (step) => {
          if (step === 'tag') {
            writeFileSync(path.join(dir, 'package.json'), 'edited by someone\n');
            throw new Error('injected failure');
          }
        },
      }),
      (e: { code: string; message: string }) => {
        assert.equal(e.code, 'RollbackIncomplete');
        assert.match(e.message, /package\.json was changed by someone else after the release wrote it: left as it is/);
        return true;
      },
    );
    assert.equal(readFileSync(path.join(dir, 'package.json'), 'utf8'), 'edited by someone\n');
  });

  it('5: racy git — package.json committed and rewritten at the same size within one second is in the release commit', async () => {
    for (let i = 0; i < 3; i++) {
      const dir = repo();
      const g = createGit(dir);
      // Commit package.json at the start of a second, then release within it: same size (1.4.2 → 1.4.3).
      const second = Math.floor(Date.now() / 1000);
      while (Math.floor(Date.now() / 1000) === second) await new Promise((r) => setImmediate(r));
      commit(dir, 'package.json', PKG('1.4.2').replace('"app"', '"app" '), 'chore: touch');
      const plan = await planRelease(g, { bump: 'patch' });
      await applyRelease(g, plan, {
        // …and commit in the next second (what made the copied index trust the stale stat data).
        beforeStep: async (step) => {
          if (step !== 'commit') return;
          const now = Math.floor(Date.now() / 1000);
          while (Math.floor(Date.now() / 1000) === now) await new Promise((r) => setImmediate(r));
        },
      });
      assert.deepEqual(git(dir, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort(), ['CHANGELOG.md', 'package.json'], `attempt ${i}`);
      assert.equal(git(dir, 'status', '--porcelain'), '');
    }
  });

  it('6: a shallow clone without the last release (or with history cut since it) refuses; --dry-run warns and says how to deepen', async () => {
    const origin = repo();
    commit(origin, 'src/a.ts', 'a\n', 'feat!: breaking change');
    for (let i = 0; i < 3; i++) commit(origin, `src/f${i}.ts`, `${i}\n`, `fix: fix ${i}`);
    const clone = tempDir('sdlc-shallow-');
    dirs.push(clone);
    git(path.dirname(clone), 'clone', '-q', '--depth', '2', '--no-single-branch', `file://${origin}`, clone);
    git(clone, 'config', 'user.name', 'Ada Lovelace');
    git(clone, 'config', 'user.email', 'ada@example.com');
    const dry = await runInProcess(['bump', '--dry-run', '--json', '--cwd', clone]);
    assert.equal(dry.code, 0, dry.stderr);
    const doc = JSON.parse(dry.stdout) as { warnings: string[] };
    assert.ok(doc.warnings.some((w) => /shallow clone .*git fetch --unshallow --tags.*fetch-depth: 0/.test(w)), doc.warnings.join('\n'));
    const before = state(clone);
    await refused(clone, ['bump'], 'ShallowRepository', /shallow clone/);
    assert.deepEqual(state(clone), before);
  });

  it('a push failing after the index step (not in the pre-check) leaves status, index, HEAD, tags and files as before', async () => {
    const bare = tempDir('sdlc-bare-');
    dirs.push(bare);
    git(bare, 'init', '-q', '--bare');
    const dir = repo();
    git(dir, 'remote', 'add', 'origin', bare);
    git(dir, 'push', '-q', '-u', 'origin', 'main');
    const g = createGit(dir);
    const plan = await planRelease(g);
    const before = state(dir);
    const seen: string[] = [];
    await assert.rejects(
      applyRelease(g, plan, {
        push: true,
        beforeStep: (step) => {
          seen.push(step);
          // The remote goes away after the pre-check: the push itself fails (not a rejection).
          if (step === 'push') git(dir, 'remote', 'set-url', 'origin', path.join(bare, 'gone'));
        },
      }),
      /Everything was restored/,
    );
    assert.deepEqual(seen, ['write', 'commit', 'tag', 'index', 'push']);
    git(dir, 'remote', 'set-url', 'origin', bare);
    assert.deepEqual(state(dir), before);
  });
});
