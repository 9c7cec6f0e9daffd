import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cliProcessCommand, parseError, runInProcess, runProcess } from './cliRunner';
import { git, initRepo, removeDir, tempDir, writeFile } from './tempRepo';

interface Verification {
  ok: boolean;
  file: string;
  entries: number;
  head: string | null;
  problems: Array<{ line: number; seq?: number; kind: string; message: string }>;
}

describe('sdlc audit (integration, real git)', () => {
  let base: string;
  let repo: string;
  let defaultFile: string;
  const record = (...extra: string[]) => runInProcess(['audit', 'record', '--json', '--cwd', repo, '--action', 'deploy.manual', ...extra]);
  const verify = async (...extra: string[]) => {
    const r = await runInProcess(['audit', 'verify', '--json', '--cwd', repo, ...extra]);
    return { ...r, doc: r.stdout ? (JSON.parse(r.stdout) as Verification) : null };
  };

  beforeEach(() => {
    base = tempDir();
    repo = initRepo(path.join(base, 'app'));
    defaultFile = path.join(repo, '.git', 'sdlc', 'audit.jsonl');
  });
  afterEach(() => removeDir(base));

  it('verify on a repository without a log: ok, 0 entries, the default file <gitDir>/sdlc/audit.jsonl', async () => {
    const { code, doc, stderr } = await verify();
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.deepEqual(doc, { ok: true, file: defaultFile, entries: 0, head: null, problems: [] });
  });

  it('record appends entries with the git identity; verify → ok, exit 0', async () => {
    const first = await record('--subject', 'env=production', '--subject', 'ref=v1.2.0', '--message', 'hotfix by hand');
    assert.equal(first.code, 0, first.stderr);
    const entry = JSON.parse(first.stdout) as { seq: number; actor: Record<string, string>; target: Record<string, string>; repository: string; after: unknown };
    assert.equal(entry.seq, 1);
    assert.deepEqual([entry.actor.tool, entry.actor.gitName, entry.actor.gitEmail], ['cli', 'Ada Lovelace', 'ada@example.com']);
    assert.deepEqual(entry.target, { env: 'production', ref: 'v1.2.0' });
    assert.equal(entry.repository, repo);
    assert.equal((await record('--result', 'failure', '--message', 'rolled back')).code, 0);

    const { code, doc } = await verify();
    assert.equal(code, 0);
    const lastLine = (await fs.readFile(defaultFile, 'utf8')).trim().split('\n').pop()!;
    const head = (JSON.parse(lastLine) as { hash: string }).hash;
    assert.deepEqual(doc, { ok: true, file: defaultFile, entries: 2, head, problems: [] });
    const text = await runInProcess(['audit', 'verify', '--cwd', repo]);
    assert.match(text.stdout, new RegExp(`^Audit log OK: 2 entries, chain intact, head ${head}`));
  });

  it('after tampering: verify → exit 1 with the problems on stdout, stderr empty', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await record('--subject', `n=${i}`)).code, 0);
    const lines = (await fs.readFile(defaultFile, 'utf8')).split('\n');
    lines[1] = lines[1].replace('"n":"1"', '"n":"9"');
    await fs.writeFile(defaultFile, lines.join('\n'));

    const { code, doc, stderr } = await verify();
    assert.equal(code, 1);
    assert.equal(stderr, '');
    assert.equal(doc?.ok, false);
    assert.equal(doc?.entries, 3);
    assert.deepEqual(doc?.problems.map((p) => [p.line, p.seq, p.kind]), [[2, 2, 'edited']]);

    const text = await runInProcess(['audit', 'verify', '--cwd', repo]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /FAILED verification: 1 problem/);
    assert.match(text.stdout, /line 2 \(entry 2\): edited/);
  });

  it('honours audit.path of .sdlc.json (relative to the repository root, inside .git)', async () => {
    writeFile(repo, '.sdlc.json', '{\n  // kept with the project\n  "audit": { "path": ".git/ops/audit.jsonl" },\n}\n');
    assert.equal((await record()).code, 0);
    const { doc } = await verify();
    assert.deepEqual({ ...doc, head: undefined }, { ok: true, file: path.join(repo, '.git', 'ops', 'audit.jsonl'), entries: 1, head: undefined, problems: [] });
    await fs.access(path.join(repo, '.git', 'ops', 'audit.jsonl'));
  });

  it('a .sdlc.json that does not parse → exit 2 InvalidConfig naming file:line:column', async () => {
    writeFile(repo, '.sdlc.json', '{\n  "audit": { "path": "x" }\n  "tests": []\n}\n');
    const { code, stdout, stderr } = await verify();
    assert.equal(code, 2);
    assert.equal(stdout, '');
    const error = parseError(stderr);
    assert.equal(error.code, 'InvalidConfig');
    assert.equal(error.message, `${path.join(repo, '.sdlc.json')}:3:3: comma expected`);
  });

  it('a wrong type in .sdlc.json → exit 2 InvalidConfig with its position', async () => {
    writeFile(repo, '.sdlc.json', '{ "audit": { "path": 42 } }');
    const { code, stderr } = await verify();
    assert.equal(code, 2);
    assert.match(parseError(stderr).message, /\.sdlc\.json:1:22: expected a string, got 42 \(at audit\.path\)$/);
  });

  it('--file verifies any log file', async () => {
    assert.equal((await record()).code, 0);
    const copy = path.join(base, 'copy.jsonl');
    await fs.copyFile(defaultFile, copy);
    const { code, doc } = await verify('--file', copy);
    assert.equal(code, 0);
    assert.deepEqual({ ...doc, head: undefined }, { ok: true, file: copy, entries: 1, head: undefined, problems: [] });
  });

  it('record refuses a malformed action (exit 2) and never stores a token', async () => {
    const bad = await runInProcess(['audit', 'record', '--json', '--cwd', repo, '--action', 'Deploy It']);
    assert.equal(bad.code, 2);
    assert.equal(parseError(bad.stderr).code, 'BadUsage');
    const token = 'ghp_' + 'z'.repeat(36);
    assert.equal((await record('--result', 'failure', '--message', `push failed with ${token}`)).code, 0);
    assert.ok(!(await fs.readFile(defaultFile, 'utf8')).includes(token));
  });

  it('record keeps secrets of the environment and URL credentials out of the log (issue 8 #13)', async () => {
    const env = { GITHUB_TOKEN: 'gh-env-token-31337', RELEASE_PASSWORD: 'hunter2-hunter2' };
    const r = await runInProcess(
      ['audit', 'record', '--json', '--cwd', repo, '--action', 'deploy.manual', '--message', 'used gh-env-token-31337 and hunter2-hunter2', '--subject', 'url=https://tok-in-url-42@example.com/x?access_token=qq11qq'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const stored = await fs.readFile(defaultFile, 'utf8');
    for (const secret of ['gh-env-token-31337', 'hunter2-hunter2', 'tok-in-url-42', 'qq11qq']) {
      assert.ok(!stored.includes(secret), `${secret} stored`);
      assert.ok(!r.stdout.includes(secret), `${secret} printed`);
    }
    assert.match(stored, /used \*\*\* and \*\*\*/);
    assert.equal((await verify()).code, 0);
  });

  it('--subject __proto__=x is stored as given (not dropped), and the entry verifies; a key given twice → exit 2', async () => {
    const r = await record('--subject', '__proto__=x', '--subject', 'constructor=y');
    assert.equal(r.code, 0, r.stderr);
    const line = (await fs.readFile(defaultFile, 'utf8')).trim();
    assert.match(line, /"target":\{"__proto__":"x","constructor":"y"\}/);
    assert.ok(Object.hasOwn((JSON.parse(r.stdout) as { target: object }).target, '__proto__'));
    assert.equal((await verify()).code, 0);
    const twice = await record('--subject', 'env=a', '--subject', 'env=b');
    assert.equal(twice.code, 2);
    assert.match(parseError(twice.stderr).message, /given twice/);
  });

  describe('verify: pinning what the chain cannot prove (issue 8 #11)', () => {
    const heads: string[] = [];
    beforeEach(async () => {
      heads.length = 0;
      for (let i = 0; i < 3; i++) {
        const r = await record('--subject', `n=${i}`);
        heads.push((JSON.parse(r.stdout) as { hash: string }).hash);
      }
    });

    it('prints the head (JSON and text) and passes when the pinned head is still there, even after more entries', async () => {
      const { code, doc } = await verify('--expect-head', heads[2], '--min-entries', '3');
      assert.equal(code, 0);
      assert.equal(doc?.head, heads[2]);
      assert.equal((await record()).code, 0);
      const grown = await verify('--expect-head', heads[2], '--min-entries', '3');
      assert.equal(grown.code, 0);
      assert.equal(grown.doc?.entries, 4);
      const text = await runInProcess(['audit', 'verify', '--cwd', repo]);
      assert.match(text.stdout, new RegExp(`head ${grown.doc?.head}`));
    });

    it('a cut-off tail: OK without pins, FAILED with --expect-head (head-not-found) or --min-entries', async () => {
      const lines = (await fs.readFile(defaultFile, 'utf8')).split('\n').filter(Boolean);
      await fs.writeFile(defaultFile, lines.slice(0, 2).map((l) => l + '\n').join(''));
      assert.equal((await verify()).code, 0, 'the chain alone cannot tell');
      const pinned = await verify('--expect-head', heads[2]);
      assert.equal(pinned.code, 1);
      assert.deepEqual(pinned.doc?.problems.map((p) => p.kind), ['head-not-found']);
      assert.equal(pinned.doc?.head, heads[1]);
      const counted = await verify('--min-entries', '3');
      assert.equal(counted.code, 1);
      assert.deepEqual(counted.doc?.problems.map((p) => p.kind), ['too-few-entries']);
      const text = await runInProcess(['audit', 'verify', '--cwd', repo, '--expect-head', heads[2]]);
      assert.equal(text.code, 1);
      assert.match(text.stdout, /head-not-found/);
    });

    it('an emptied or deleted log fails with pins; without them the text says it is empty', async () => {
      await fs.writeFile(defaultFile, '');
      assert.equal((await verify('--min-entries', '1')).code, 1);
      assert.equal((await verify('--expect-head', heads[0])).code, 1);
      await fs.rm(defaultFile);
      const gone = await verify('--min-entries', '1', '--expect-head', heads[2]);
      assert.equal(gone.code, 1);
      assert.deepEqual(gone.doc?.problems.map((p) => p.kind).sort(), ['head-not-found', 'too-few-entries']);
      const text = await runInProcess(['audit', 'verify', '--cwd', repo]);
      assert.equal(text.code, 0);
      assert.match(text.stdout, /empty.*--min-entries/);
    });

    it('a head that is in the log but no longer intact (edited) does not count', async () => {
      const lines = (await fs.readFile(defaultFile, 'utf8')).split('\n');
      lines[2] = lines[2].replace('"n":"2"', '"n":"7"');
      await fs.writeFile(defaultFile, lines.join('\n'));
      const { code, doc } = await verify('--expect-head', heads[2]);
      assert.equal(code, 1);
      assert.deepEqual(doc?.problems.map((p) => p.kind), ['edited', 'head-not-found']);
    });

    it('bad pins → exit 2', async () => {
      for (const args of [['--expect-head', 'abc'], ['--min-entries', '-1'], ['--min-entries', 'x']]) {
        const r = await verify(...args);
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(parseError(r.stderr).code, 'BadUsage');
      }
    });
  });

  it('verify --file DIR → exit 2 with a clear error, not Internal (issue 8 #18)', async () => {
    const r = await verify('--file', base);
    assert.equal(r.code, 2);
    const error = parseError(r.stderr);
    assert.equal(error.code, 'AuditLogNotAFile');
    assert.match(error.message, /is a folder/);
  });

  it('--file under /proc or /dev, or a FIFO → exit 2 at once, never an endless read (issue 8 #9)', async () => {
    const fifo = path.join(base, 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    for (const file of ['/proc/self/status', '/dev/zero', fifo]) {
      for (const args of [['audit', 'verify', '--json', '--file', file], ['audit', 'record', '--json', '--action', 'a.b', '--cwd', repo, '--file', file]]) {
        const r = await runInProcess(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(parseError(r.stderr).code, 'AuditLogRefused');
      }
    }
  });

  it('a linked worktree writes to the common git dir, which outlives the worktree (issue 8 #10)', async () => {
    const wt = path.join(base, 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', wt);
    const r = await runInProcess(['audit', 'record', '--json', '--cwd', wt, '--action', 'deploy.manual']);
    assert.equal(r.code, 0, r.stderr);
    await fs.access(defaultFile);
    const wtVerify = await runInProcess(['audit', 'verify', '--json', '--cwd', wt]);
    assert.equal((JSON.parse(wtVerify.stdout) as Verification).file, defaultFile);
    git(repo, 'worktree', 'remove', '--force', wt);
    const { doc } = await verify('--min-entries', '1');
    assert.equal(doc?.ok, true);
    assert.equal(doc?.entries, 1);
  });

  describe('audit.path is kept in the git dir or an existing folder outside the work tree (issue 8 #9)', () => {
    let outside: string;
    let victim: string;
    beforeEach(async () => {
      outside = path.join(base, 'outside');
      await fs.mkdir(outside);
      victim = path.join(outside, 'victim.txt');
      await fs.writeFile(victim, 'precious\n');
    });
    const config = (auditPath: string) => writeFile(repo, '.sdlc.json', JSON.stringify({ audit: { path: auditPath } }));
    const refused = async (auditPath: string, pattern: RegExp, code = 'InvalidConfig') => {
      config(auditPath);
      for (const run of [() => record(), () => verify()]) {
        const r = await run();
        assert.equal(r.code, 2, `${auditPath}: ${r.stdout}${r.stderr}`);
        const error = parseError(r.stderr);
        assert.equal(error.code, code, error.message);
        assert.match(error.message, pattern);
      }
    };

    it('"../outside/victim.txt", "../outside/x.jsonl" and a work-tree path are refused; nothing is written', async () => {
      await refused('../outside/victim.txt', /\.jsonl/);
      await refused('../outside/x.jsonl', /goes up with "\.\."/);
      await refused('ops/audit.jsonl', /inside the work tree/);
      await refused(path.join(repo, 'ops', 'audit.jsonl'), /inside the work tree/);
      assert.equal(await fs.readFile(victim, 'utf8'), 'precious\n');
      assert.deepEqual(await fs.readdir(outside), ['victim.txt']);
      await assert.rejects(fs.access(path.join(repo, 'ops')));
    });

    it('/proc, /sys, /dev are refused at once (no endless read)', async () => {
      await refused('/proc/self/audit.jsonl', /system folder/);
      await refused('/dev/shm/audit.jsonl', /system folder/);
    });

    it('a folder that does not exist outside the work tree is refused (not created)', async () => {
      await refused(path.join(outside, 'new', 'audit.jsonl'), /does not exist/);
      await assert.rejects(fs.access(path.join(outside, 'new')));
    });

    it('a symbolic link as the log, or on the way to it inside .git, is refused; its target is untouched', async () => {
      await fs.symlink(victim, path.join(outside, 'link.jsonl'));
      await refused(path.join(outside, 'link.jsonl'), /symbolic link/);
      await fs.mkdir(path.join(repo, '.git', 'sdlc'), { recursive: true });
      await fs.symlink(victim, defaultFile);
      writeFile(repo, '.sdlc.json', '{}');
      const r = await record();
      assert.equal(r.code, 2, r.stderr);
      assert.match(parseError(r.stderr).message, /symbolic link/);
      await fs.rm(defaultFile);
      await fs.rm(path.join(repo, '.git', 'sdlc'), { recursive: true });
      await fs.symlink(outside, path.join(repo, '.git', 'sdlc'));
      assert.equal((await record()).code, 2);
      assert.equal(await fs.readFile(victim, 'utf8'), 'precious\n');
      assert.deepEqual((await fs.readdir(outside)).sort(), ['link.jsonl', 'victim.txt']);
    });

    it('an existing file that is not an audit log is never appended to', async () => {
      const notALog = path.join(outside, 'notes.jsonl');
      await fs.writeFile(notALog, '{"some":"other data"}\n');
      config(notALog);
      const r = await record();
      assert.equal(r.code, 2);
      assert.equal(parseError(r.stderr).code, 'AuditLogRefused');
      assert.equal(await fs.readFile(notALog, 'utf8'), '{"some":"other data"}\n');
    });

    it('an absolute .jsonl path in an existing folder outside the work tree, and ".git/…" paths, are used', async () => {
      const file = path.join(outside, 'audit.jsonl');
      config(file);
      assert.equal((await record()).code, 0);
      assert.equal((await record()).code, 0);
      const { code, doc } = await verify('--min-entries', '2');
      assert.equal(code, 0);
      assert.equal(doc?.file, file);
      config('.git/logs-sdlc/audit.jsonl');
      assert.equal((await record()).code, 0);
      assert.equal((await verify()).doc?.file, path.join(repo, '.git', 'logs-sdlc', 'audit.jsonl'));
    });
  });

  it('a .sdlc.json nested 5,000 levels deep → exit 2 InvalidConfig with a position, not Internal (issue 8 #17)', async () => {
    writeFile(repo, '.sdlc.json', `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    const { code, stderr } = await verify();
    assert.equal(code, 2);
    const error = parseError(stderr);
    assert.equal(error.code, 'InvalidConfig');
    assert.match(error.message, /\.sdlc\.json:1:\d+: nested deeper than 64 levels/);
  });

  describe(`two CLI processes appending at once (${cliProcessCommand().how === 'dist' ? 'node dist/cli.js' : 'sources through tsx: dist/cli.js not built'})`, function () {
    this.timeout(60_000);
    it('keep the chain intact', async () => {
      const writer = async (name: string) => {
        for (let i = 0; i < 5; i++) {
          const r = await runProcess(['audit', 'record', '--json', '--cwd', repo, '--action', 'test.append', '--subject', `writer=${name}`, '--subject', `i=${i}`]);
          assert.equal(r.code, 0, r.stderr);
        }
      };
      await Promise.all([writer('A'), writer('B')]);
      const proc = await runProcess(['audit', 'verify', '--json', '--cwd', repo]);
      assert.equal(proc.code, 0, proc.stdout + proc.stderr);
      assert.deepEqual({ ...(JSON.parse(proc.stdout) as Verification), head: undefined }, { ok: true, file: defaultFile, entries: 10, head: undefined, problems: [] });
    });
  });
});
