import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import {
  AuditLog,
  GENESIS_HASH,
  auditAction,
  createEntry,
  commonGitDir,
  defaultAuditPath,
  entryHash,
  findLastEntry,
  MAX_TAIL_CANDIDATES,
  resolveAuditPath,
  verifyAuditText,
  type AuditEntry,
  type AuditInput,
} from '../../../src/core/audit/auditLog';
import { canonicalJson } from '../../../src/core/audit/canonical';
import { SdlcError } from '../../../src/core/errors';

const input = (action: string, extra: Partial<AuditInput> = {}): AuditInput => ({
  actor: { tool: 'cli', gitName: 'Ada', gitEmail: 'ada@example.com' },
  action,
  repository: '/work/repo',
  result: 'success',
  ...extra,
});

/** A valid log of n entries, built in memory. */
function buildLog(n: number, make: (i: number) => AuditInput = (i) => input(`branch.create`, { target: { branch: `b${i}` } })): string[] {
  const lines: string[] = [];
  let last: AuditEntry | null = null;
  for (let i = 0; i < n; i++) {
    last = createEntry(last, make(i), new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString());
    lines.push(canonicalJson(last));
  }
  return lines;
}
const text = (lines: string[]) => lines.map((l) => l + '\n').join('');

describe('audit log', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-audit-'));
    file = path.join(dir, 'nested', 'audit.jsonl');
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  describe('append, read, verify', () => {
    it('chains entries: seq 1.., prev = hash of the previous, first prev is 64 zeros', async () => {
      const log = new AuditLog(file, { now: () => new Date('2025-05-01T10:00:00.000Z') });
      const a = await log.append(input('branch.create', { target: { branch: 'feature/x' } }));
      const b = await log.append(input('tag.push', { target: { tag: 'v1.0.0', remote: 'origin' }, before: null, after: { sha: 'abc' } }));
      assert.equal(a.seq, 1);
      assert.equal(a.prev, GENESIS_HASH);
      assert.equal(a.v, 1);
      assert.equal(a.time, '2025-05-01T10:00:00.000Z');
      assert.equal(b.seq, 2);
      assert.equal(b.prev, a.hash);
      assert.equal(b.hash, entryHash(b));
      assert.deepEqual(await log.read(), [a, b]);
      assert.deepEqual(await log.verify(), { ok: true, entries: 2, head: b.hash, problems: [] });
    });

    it('writes one canonical JSON line per entry', async () => {
      const log = new AuditLog(file);
      const entry = await log.append(input('branch.delete', { target: { z: '1', a: '2' } }));
      const content = await fs.readFile(file, 'utf8');
      assert.equal(content, canonicalJson(entry) + '\n');
      assert.ok(content.indexOf('"a":"2"') < content.indexOf('"z":"1"'), 'keys are sorted');
    });

    it('verifies a missing file as an empty, intact log', async () => {
      assert.deepEqual(await new AuditLog(file).verify(), { ok: true, entries: 0, head: null, problems: [] });
      assert.deepEqual(await new AuditLog(file).read(), []);
    });

    it('never stores a token: every string is redacted', async () => {
      const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
      const log = new AuditLog(file);
      const entry = await log.append(
        input('tag.push', { result: 'failure', error: { code: 'AuthFailed', message: `push to https://x:${token}@github.com failed, token ${token}` }, after: { url: `https://user:hunter2secret@github.com/o/r.git` } }),
      );
      const content = await fs.readFile(file, 'utf8');
      assert.ok(!content.includes(token), 'token not in file');
      assert.ok(!content.includes('hunter2secret'), 'URL password not in file');
      assert.match(entry.error!.message, /\*\*\*/);
      assert.equal((await log.verify()).ok, true);
    });

    it('serializes concurrent appends within one process', async () => {
      const log = new AuditLog(file);
      const other = new AuditLog(file); // a second instance on the same file shares the queue
      const entries = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? log : other).append(input('test.append', { target: { i: String(i) } }))));
      assert.deepEqual(entries.map((e) => e.seq).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.deepEqual(await log.verify(), { ok: true, entries: 20, head: entries.find((e) => e.seq === 20)?.hash, problems: [] });
    });

    it('after a cut-off last line, appends on a new line and chains to the last whole entry', async () => {
      const lines = buildLog(3);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text(lines.slice(0, 2)) + lines[2].slice(0, 40));
      const log = new AuditLog(file);
      const next = await log.append(input('branch.create'));
      assert.equal(next.seq, 3);
      const v = await log.verify();
      assert.equal(v.ok, false);
      assert.deepEqual(v.problems.map((p) => [p.line, p.kind]), [[3, 'malformed']]);
      assert.equal(v.entries, 3);
    });
  });

  describe('tampering is detected with the right kind', () => {
    const verifyLines = (lines: string[]) => verifyAuditText(text(lines));

    it('an edited entry → edited', () => {
      const lines = buildLog(4);
      lines[1] = lines[1].replace('"branch":"b1"', '"branch":"bX"');
      const v = verifyLines(lines);
      assert.equal(v.ok, false);
      assert.deepEqual(v.problems.map((p) => [p.line, p.seq, p.kind]), [[2, 2, 'edited']]);
    });

    it('reformatting a line (same meaning) → edited', () => {
      const lines = buildLog(2);
      lines[0] = JSON.stringify(JSON.parse(lines[0]), null, 1).replace(/\n/g, '');
      assert.deepEqual(verifyLines(lines).problems.map((p) => p.kind), ['edited']);
    });

    it('an entry replaced by a forged one with a recomputed hash → broken-chain at the next entry', () => {
      const lines = buildLog(3);
      const original = JSON.parse(lines[1]) as AuditEntry;
      const forged: Omit<AuditEntry, 'hash'> & { hash?: string } = { ...original, action: 'tag.delete' };
      delete forged.hash;
      lines[1] = canonicalJson({ ...forged, hash: entryHash(forged) });
      const v = verifyLines(lines);
      assert.deepEqual(v.problems.map((p) => [p.line, p.kind]), [[3, 'broken-chain']]);
    });

    it('a removed entry → removed', () => {
      const lines = buildLog(5);
      lines.splice(2, 1);
      const v = verifyLines(lines);
      assert.deepEqual(v.problems.map((p) => [p.line, p.seq, p.kind]), [[3, 4, 'removed']]);
      assert.match(v.problems[0].message, /entry 3 is missing/);
    });

    it('the first entry removed → removed', () => {
      const lines = buildLog(3).slice(1);
      assert.deepEqual(verifyLines(lines).problems.map((p) => p.kind), ['removed']);
    });

    it('swapped entries → reordered', () => {
      const lines = buildLog(4);
      [lines[1], lines[2]] = [lines[2], lines[1]];
      const v = verifyLines(lines);
      assert.ok(v.problems.length > 0);
      assert.ok(v.problems.every((p) => p.kind === 'reordered'), JSON.stringify(v.problems));
      assert.deepEqual(v.problems.map((p) => p.line), [2, 3]);
    });

    it('a duplicated entry → reordered (seq goes back)', () => {
      const lines = buildLog(3);
      lines.push(lines[1]);
      assert.deepEqual(verifyLines(lines).problems.map((p) => [p.line, p.kind]), [[4, 'reordered']]);
    });

    it('a duplicated line right after itself → reordered, said to be a copy (not broken-chain)', () => {
      const lines = buildLog(3);
      lines.splice(2, 0, lines[1]);
      const v = verifyLines(lines);
      assert.deepEqual(v.problems.map((p) => [p.line, p.seq, p.kind]), [[3, 2, 'reordered']]);
      assert.match(v.problems[0].message, /appears again \(a copy of line 2\)/);
      assert.equal(v.head, JSON.parse(lines[3]).hash);
    });

    it('a duplicated last line → reordered', () => {
      const lines = buildLog(2);
      lines.push(lines[1]);
      assert.deepEqual(verifyLines(lines).problems.map((p) => [p.line, p.kind]), [[3, 'reordered']]);
    });

    it('expectations: expectHead must name an intact entry; minEntries counts entries', () => {
      const lines = buildLog(3);
      const hashes = lines.map((l) => (JSON.parse(l) as AuditEntry).hash);
      assert.equal(verifyAuditText(text(lines), { expectHead: hashes[1], minEntries: 3 }).ok, true);
      assert.equal(verifyAuditText(text(lines), { expectHead: hashes[2].toUpperCase() }).ok, true);
      const cut = verifyAuditText(text(lines.slice(0, 2)), { expectHead: hashes[2], minEntries: 3 });
      assert.deepEqual(cut.problems.map((p) => p.kind), ['head-not-found', 'too-few-entries']);
      assert.equal(cut.head, hashes[1]);
      assert.deepEqual(verifyAuditText('', { minEntries: 0 }), { ok: true, entries: 0, head: null, problems: [] });
      const empty = verifyAuditText('', { expectHead: hashes[0] });
      assert.deepEqual(empty.problems.map((p) => p.kind), ['head-not-found']);
    });

    it('a truncated last line → malformed', () => {
      const lines = buildLog(3);
      const v = verifyAuditText(text(lines.slice(0, 2)) + lines[2].slice(0, lines[2].length - 5));
      assert.deepEqual(v.problems.map((p) => [p.line, p.kind]), [[3, 'malformed']]);
      assert.match(v.problems[0].message, /truncated/);
      assert.equal(v.entries, 2);
    });

    it('a blank or garbage line → malformed', () => {
      const lines = buildLog(2);
      assert.deepEqual(verifyAuditText(lines[0] + '\n\n' + lines[1] + '\n').problems.map((p) => [p.line, p.kind]), [[2, 'malformed']]);
      assert.deepEqual(verifyAuditText(lines[0] + '\n{"v":1}\n' + lines[1] + '\n').problems.map((p) => [p.line, p.kind]), [[2, 'malformed']]);
    });

    it('any single-line edit of a valid log is detected (property)', () => {
      const arbInput = fc.record({
        action: fc.constantFrom('branch.create', 'tag.push', 'version.bump', 'deploy.start'),
        target: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
        after: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
        failed: fc.boolean(),
      });
      const arbEdit = fc.oneof(
        // replace one character
        fc.record({ kind: fc.constant('char' as const), at: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 1 }) }),
        // replace the whole line
        fc.record({ kind: fc.constant('line' as const), with: fc.string({ maxLength: 80 }) }),
        // insert text
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 4 }) }),
        // delete a span
        fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 10 }) }),
      );
      fc.assert(
        fc.property(fc.array(arbInput, { minLength: 1, maxLength: 5 }), fc.nat(), arbEdit, (inputs, which, edit) => {
          const lines = buildLog(inputs.length, (i) =>
            input(inputs[i].action, { target: inputs[i].target, after: inputs[i].after, ...(inputs[i].failed ? { result: 'failure', error: { code: 'X', message: 'm' } } : {}) }),
          );
          const i = which % lines.length;
          const line = lines[i];
          let edited: string;
          if (edit.kind === 'char') {
            const at = edit.at % line.length;
            edited = line.slice(0, at) + edit.ch + line.slice(at + 1);
          } else if (edit.kind === 'line') edited = edit.with;
          else if (edit.kind === 'insert') {
            const at = edit.at % (line.length + 1);
            edited = line.slice(0, at) + edit.text + line.slice(at);
          } else {
            const at = edit.at % line.length;
            edited = line.slice(0, at) + line.slice(at + edit.length);
          }
          edited = edited.replace(/\n/g, ' '); // a single-line edit stays one line
          fc.pre(edited !== line);
          lines[i] = edited;
          const v = verifyAuditText(text(lines));
          return !v.ok && v.problems.length > 0;
        }),
        { numRuns: 300 },
      );
    });

    it('an untouched log of any content verifies (property)', () => {
      fc.assert(
        fc.property(fc.array(fc.record({ target: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), after: fc.jsonValue({ maxDepth: 3 }) }), { minLength: 0, maxLength: 6 }), (inputs) => {
          const lines = buildLog(inputs.length, (i) => input('x.y', { target: inputs[i].target, after: inputs[i].after }));
          const v = verifyAuditText(text(lines));
          return v.ok && v.entries === inputs.length;
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('auditAction', () => {
    it('records success with after = the result (or its mapping) and returns it', async () => {
      const log = new AuditLog(file);
      const result = await auditAction(log, input('branch.create'), async () => ({ sha: 'abc', big: 'x' }), { after: (r) => ({ sha: r.sha }) });
      assert.deepEqual(result, { sha: 'abc', big: 'x' });
      const [entry] = await log.read();
      assert.equal(entry.result, 'success');
      assert.deepEqual(entry.after, { sha: 'abc' });
    });

    it('records failure with the error code and message, then rethrows', async () => {
      const log = new AuditLog(file);
      const error = new SdlcError('PushRejected', 'the remote has newer commits');
      await assert.rejects(
        auditAction(log, input('tag.push'), async () => {
          throw error;
        }),
        (e) => e === error,
      );
      await assert.rejects(auditAction(log, input('tag.push'), () => Promise.reject(new Error('boom'))), /boom/);
      const entries = await log.read();
      assert.deepEqual(
        entries.map((e) => [e.result, e.error]),
        [
          ['failure', { code: 'PushRejected', message: 'the remote has newer commits' }],
          ['failure', { code: 'Error', message: 'boom' }],
        ],
      );
      assert.equal((await log.verify()).ok, true);
    });

    it('fails with AuditWriteFailed when the entry cannot be written after success', async () => {
      await fs.writeFile(path.join(dir, 'blocker'), 'a file, not a folder');
      const log = new AuditLog(path.join(dir, 'blocker', 'audit.jsonl'));
      await assert.rejects(auditAction(log, input('branch.create'), async () => 1), (e) => e instanceof SdlcError && e.code === 'AuditWriteFailed');
    });
  });

  describe('junk at the end of the log (issue 8 #19)', () => {
    const junkKinds: Record<string, string> = {
      'short lines': 'junk junk junk junk junk junk junk junk junk junk junk junk\n',
      'one endless line': 'x'.repeat(64),
      'lines that start like JSON': '{"x":' + ' '.repeat(58) + '\n',
      'random bytes': Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 151 + 7) % 256)).toString('latin1'),
    };
    for (const [kind, unit] of Object.entries(junkKinds)) {
      it(`${kind}: 8 MB after the last entry — each byte read once, no junk decoded, the next entry chains to the last real one`, async () => {
        const lines = buildLog(3);
        const junk = unit.repeat(Math.ceil((8 * 1024 * 1024) / unit.length));
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, text(lines) + junk, 'latin1');
        const size = (await fs.stat(file)).size;
        const found = await findLastEntry(file);
        assert.equal(found.last?.seq, 3);
        assert.ok(found.stats.bytesRead <= size, `read ${found.stats.bytesRead} of ${size} bytes`);
        assert.equal(found.stats.linesDecoded, 1, 'only the entry itself is decoded');
        const next = await new AuditLog(file).append(input('branch.create'));
        assert.equal(next.seq, 4);
        assert.equal(next.prev, (JSON.parse(lines[2]) as AuditEntry).hash);
        const v = await new AuditLog(file).verify({ minEntries: 4 });
        assert.equal(v.entries, 4);
        assert.equal(v.head, next.hash);
        assert.ok(v.problems.length > 0 && v.problems.every((p) => p.kind === 'malformed'), 'the junk stays visible to verify');
      });
    }

    it('entry-shaped junk is decoded at most MAX_TAIL_CANDIDATES times, then the log is called damaged', async () => {
      const shaped = '{"action":"x","v":1}\n'; // canonical-looking, but not an entry
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text(buildLog(1)) + shaped.repeat(MAX_TAIL_CANDIDATES + 5));
      await assert.rejects(findLastEntry(file), (e: unknown) => e instanceof SdlcError && e.code === 'AuditLogDamaged');
    });

    it('a file that holds no entry at all is not an audit log: nothing is appended', async () => {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, 'precious\n');
      await assert.rejects(new AuditLog(file).append(input('branch.create')), (e: unknown) => e instanceof SdlcError && e.code === 'AuditLogRefused' && e.usage);
      assert.equal(await fs.readFile(file, 'utf8'), 'precious\n');
    });

    it('a symbolic link is never appended through', async () => {
      const target = path.join(dir, 'target.jsonl');
      await fs.writeFile(target, text(buildLog(1)));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.symlink(target, file);
      await assert.rejects(new AuditLog(file).append(input('branch.create')), (e: unknown) => e instanceof SdlcError && e.code === 'AuditLogRefused');
      assert.equal(await fs.readFile(target, 'utf8'), text(buildLog(1)));
    });
  });

  describe('paths', () => {
    it('the common git dir of a linked worktree comes from its commondir file', async () => {
      const common = path.join(dir, 'repo', '.git');
      const wtGit = path.join(common, 'worktrees', 'wt');
      await fs.mkdir(wtGit, { recursive: true });
      await fs.writeFile(path.join(wtGit, 'commondir'), '../..\n');
      assert.equal(commonGitDir(wtGit), common);
      assert.equal(commonGitDir(common), common);
      assert.equal(resolveAuditPath(path.join(dir, 'wt'), wtGit), path.join(common, 'sdlc', 'audit.jsonl'));
      assert.equal(resolveAuditPath(path.join(dir, 'wt'), wtGit, '.git/x/audit.jsonl'), path.join(common, 'x', 'audit.jsonl'));
    });

    it('refuses audit.path outside the git dir and the existing folders outside the work tree', () => {
      const refused = (configured: string, pattern: RegExp) =>
        assert.throws(() => resolveAuditPath('/r', '/r/.git', configured), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidConfig' && e.usage && pattern.test(e.message));
      refused('../outside/victim.txt', /\.jsonl/);
      refused('../outside/victim.jsonl', /\.\./);
      refused('.git/../../x.jsonl', /\.\./);
      refused('ops/audit.jsonl', /work tree/);
      refused('/r/ops/audit.jsonl', /work tree/);
      refused('/proc/self/audit.jsonl', /system folder/);
      refused('/sys/audit.jsonl', /system folder/);
      refused(path.join(dir, 'missing', 'audit.jsonl'), /does not exist/);
      refused('.git', /\.jsonl/);
    });

    it('defaults to <gitDir>/sdlc/audit.jsonl; a relative audit.path is read from the root and stays in .git', () => {
      assert.equal(defaultAuditPath('/r/.git'), path.join('/r/.git', 'sdlc', 'audit.jsonl'));
      assert.equal(resolveAuditPath('/r', '/r/.git'), path.join('/r/.git', 'sdlc', 'audit.jsonl'));
      assert.equal(resolveAuditPath('/r', '/r/.git', '.git/ops/audit.jsonl'), path.join('/r/.git', 'ops', 'audit.jsonl'));
    });
  });

  describe('two processes appending at once', function () {
    this.timeout(60_000);
    it('keeps the chain intact: 2 × 50 appends → 100 entries, verify ok', async () => {
      const root = path.resolve(__dirname, '../../..');
      const script = path.join(__dirname, 'fixtures', 'appendMany.ts');
      const children = ['A', 'B'].map((tag) => spawn(process.execPath, ['--require', 'tsx/cjs', script, file, tag, '50'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] }));
      const stderr = children.map(() => '');
      const exits = children.map(
        (child, i) =>
          new Promise<number | null>((resolve) => {
            child.stderr.on('data', (d: Buffer) => (stderr[i] += d.toString()));
            child.on('exit', (code) => resolve(code));
          }),
      );
      // Start both only when both are loaded, so their appends overlap.
      await Promise.all(children.map((child) => new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))));
      for (const child of children) child.stdin.write('go\n');
      assert.deepEqual(await Promise.all(exits), [0, 0], stderr.join('\n'));
      const log = new AuditLog(file);
      assert.deepEqual({ ...(await log.verify()), head: undefined }, { ok: true, entries: 100, head: undefined, problems: [] });
      const writers = (await log.read()).map((e) => e.target!.writer);
      assert.equal(writers.filter((w) => w === 'A').length, 50);
      assert.equal(writers.filter((w) => w === 'B').length, 50);
    });
  });
});
