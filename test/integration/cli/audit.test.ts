import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cliProcessCommand, parseError, runInProcess, runProcess } from './cliRunner';
import { initRepo, removeDir, tempDir, writeFile } from './tempRepo';

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
      assert.deepEqual(JSON.parse(proc.stdout), { ok: true, file: defaultFile, entries: 10, problems: [] });
    });
  });
});
