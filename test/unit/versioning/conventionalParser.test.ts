import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CONVENTIONAL_PARSER_OPTIONS, MAX_HEADER_CHARS, MAX_MESSAGE_CHARS, createMessageParser, loadMessageParser, parseMessage, type MessageParser } from '../../../src/core/versioning/conventionalParser';

describe('versioning/conventionalParser', () => {
  let parse: MessageParser;
  before(async () => {
    parse = await loadMessageParser();
  });

  it('reads type, scope and subject', () => {
    const p = parse('feat(api): add the thing\n\nbody text\n');
    assert.deepEqual([p.type, p.scope, p.subject, p.breaking, p.conventional], ['feat', 'api', 'add the thing', false, true]);
  });

  it('reads `!` as a breaking change with the subject as its note', () => {
    const p = parse('refactor(core)!: drop node 18');
    assert.equal(p.breaking, true);
    assert.deepEqual(p.breakingNotes, ['drop node 18']);
    assert.equal(p.type, 'refactor');
  });

  it('reads BREAKING CHANGE and BREAKING-CHANGE footers', () => {
    assert.equal(parse('fix: a\n\nBREAKING CHANGE: the config moved').breaking, true);
    const p = parse('fix: a\n\nsome body\n\nBREAKING-CHANGE: one\nBREAKING CHANGE: two');
    assert.deepEqual(p.breakingNotes, ['one', 'two']);
  });

  it('keeps non-conventional messages as `other` with the header as subject', () => {
    const p = parse('Update README.md\n\nwhatever');
    assert.deepEqual([p.type, p.scope, p.subject, p.conventional], ['other', null, 'Update README.md', false]);
    assert.equal(parse("Merge branch 'feature/x' into main").type, 'other');
  });

  it('recognises git reverts', () => {
    const sha = 'a'.repeat(40);
    const p = parse(`Revert "feat(api): add the thing"\n\nThis reverts commit ${sha}.\n`);
    assert.equal(p.type, 'revert');
    assert.deepEqual(p.revert, { header: 'feat(api): add the thing', sha });
    assert.equal(p.subject, 'feat(api): add the thing');
  });

  it('handles CRLF messages', () => {
    const p = parse('feat(ui): crlf\r\n\r\nbody\r\n\r\nBREAKING CHANGE: yes\r\n');
    assert.deepEqual([p.type, p.scope, p.subject, p.header, p.breaking, p.breakingNotes], ['feat', 'ui', 'crlf', 'feat(ui): crlf', true, ['yes']]);
  });

  it('handles unicode', () => {
    const p = parse('feat(i18n): ünïcødé 🚀 日本語\n\nBREAKING CHANGE: 絵文字 ✨');
    assert.deepEqual([p.scope, p.subject, p.breakingNotes[0]], ['i18n', 'ünïcødé 🚀 日本語', '絵文字 ✨']);
  });

  it('reads a note at the end of a long message (10,000 lines, under the cap)', () => {
    const body = Array.from({ length: 10_000 }, (_, i) => `line ${i} with some words and #${i} @user`).join('\n');
    const message = `feat: big\n\n${body}\n\nBREAKING CHANGE: at the very end`;
    assert.ok(message.length < MAX_MESSAGE_CHARS);
    assert.deepEqual(parse(message).breakingNotes, ['at the very end']);
  });

  it('blank and odd messages do not throw', () => {
    for (const m of ['', '   ', '\n\n', '\r\n', '-notes-\nx', ': nothing', '(scope): x', 'feat(: x', '\u0000']) {
      const p = parse(m);
      assert.equal(typeof p.type, 'string');
      assert.equal(typeof p.subject, 'string');
    }
  });

  it('property: parsing never throws on any string and always gives strings', () => {
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom('BREAKING CHANGE: x', 'BREAKING-CHANGE:', '-notes-', '-type-', 'feat(a)!: b', 'Revert "x"', 'This reverts commit abc.', '', '\r', '# c'),
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.array(line, { maxLength: 12 }).map((ls) => ls.join('\n'))), (m) => {
        const p = parse(m);
        assert.equal(typeof p.type, 'string');
        assert.ok(p.type.length > 0);
        assert.equal(typeof p.subject, 'string');
        assert.equal(typeof p.header, 'string');
        assert.ok(p.scope === null || typeof p.scope === 'string');
        assert.equal(p.breaking, p.breakingNotes.length > 0);
        assert.ok(p.breakingNotes.every((n) => typeof n === 'string'));
      }),
      { numRuns: 300 },
    );
  });

  it('property: the linear parser gives what conventional-commits-parser gives with the same options', async () => {
    const { CommitParser } = await import('conventional-commits-parser');
    const reference = createMessageParser(new CommitParser(CONVENTIONAL_PARSER_OPTIONS));
    const piece = fc.constantFrom(
      'feat', 'fix', '(', ')', '!', ':', ': ', '!: ', ' ', '\t', '"', 'a', 'x y', '*', '|', 'gpg:', 'BREAKING CHANGE', 'breaking-change',
      'BREAKING', 'Revert', 'revert:', 'This reverts commit ', 'this REVERTS commit ', 'abc123', '.', '\u2028', '\u00a0', '\ufeff', 'ſ', 'K', '🚀',
    );
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.array(piece, { maxLength: 10 }).map((p) => p.join('')),
      fc.constantFrom('feat(a): b', 'fix!: c', 'feat(a)!: b): c', 'feat(a): b(c): d', 'feat(): x', ': x', ' * BREAKING CHANGE y', 'BREAKING CHANGE:', '| breaking change: z', 'revert: feat: a', 'Revert "fix: b"', 'This reverts commit 0123abc.', 'gpg: sig', ' gpg: x', '', ' ', '\r', 'a\rb: c'),
    );
    const sep = fc.constantFrom('\n', '\r\n', '\r', '\n\n');
    const message = fc.array(fc.tuple(line, sep), { maxLength: 8 }).map((parts) => parts.map(([l, s]) => l + s).join(''));
    fc.assert(
      fc.property(fc.oneof(message, fc.string({ unit: 'binary' })), (m) => {
        assert.deepEqual(parseMessage(m), reference(m));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: under the caps the capped parse equals the uncapped one; over them it parses the first part', () => {
    const caps = { message: 120, header: 40 };
    const uncapped = { message: Infinity, header: Infinity };
    const line = fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('feat(a)!: b', 'BREAKING CHANGE: x', 'Revert "fix: b"', 'This reverts commit 0123abc.', ''));
    const message = fc.array(line, { maxLength: 8 }).map((ls) => ls.join('\n'));
    fc.assert(
      fc.property(message, (m) => {
        const headerLength = m.replace(/^[\r\n]*/, '').split('\n')[0].length;
        if (m.length <= caps.message && headerLength <= caps.header) assert.deepEqual(parseMessage(m, caps), parseMessage(m, uncapped));
        if (m.length > caps.message && headerLength <= caps.header) assert.deepEqual(parseMessage(m, caps), parseMessage(m.slice(0, caps.message), uncapped));
      }),
      { numRuns: 1000 },
    );
    // With the default caps: a 2.5 MB message is read as its first 1 MiB.
    const big = `fix: a\n\n${'word '.repeat(500_000)}\nBREAKING CHANGE: beyond the cap`;
    assert.equal(parseMessage(big).breaking, false);
    assert.deepEqual(parseMessage(big), parseMessage(big.slice(0, MAX_MESSAGE_CHARS), uncapped));
    assert.equal(parseMessage(`feat: ${'x'.repeat(MAX_HEADER_CHARS)}`).subject.length, MAX_HEADER_CHARS - 'feat: '.length);
  });

  describe('hostile messages are parsed in time linear in their length', () => {
    const uncapped = { message: Infinity, header: Infinity };
    /**
     * CPU time of the parse in ms, the best of seven runs after a warm-up: the machine is shared, and CPU
     * time (not wall time) with the minimum of several runs is what other processes disturb least.
     */
    const time = (m: string) => {
      parseMessage(m, uncapped);
      let best = Infinity;
      for (let i = 0; i < 7; i++) {
        const t0 = process.cpuUsage();
        parseMessage(m, uncapped);
        const d = process.cpuUsage(t0);
        best = Math.min(best, (d.user + d.system) / 1000);
      }
      return best;
    };
    const hostile: Record<string, (n: number) => string> = {
      'a revert with 80k " \\t" (issue 8, defect 7)': (n) => `Revert "x${' \t'.repeat(n)}y`,
      'the same with a "This reverts commit" line at the end': (n) => `Revert "x${' \t'.repeat(n)}y"\n\nThis reverts commit abc.`,
      'a revert of quotes': (n) => `Revert "${'"'.repeat(2 * n)}\nThis reverts commit abc`,
      'feat( and 80k (': (n) => `feat(${'('.repeat(2 * n)}`,
      'feat( and 80k ")!"': (n) => `feat(${')!'.repeat(n)}`,
      'BREAKING and 80k spaces': (n) => `BREAKING${' '.repeat(2 * n)}`,
      'a body line of 80k spaces after BREAKING': (n) => `fix: a\n\nBREAKING${' '.repeat(2 * n)}x`,
      'a long body line mentioning revert': (n) => `fix: a\n\nrevert ${'a'.repeat(2 * n)}`,
      'thousands of note lines': (n) => `fix: a\n${'BREAKING CHANGE: x\n'.repeat(n / 8)}`,
    };
    for (const [name, make] of Object.entries(hostile)) {
      it(name, () => {
        const small = time(make(40_000));
        const large = time(make(320_000));
        // 8× the input: linear work takes ~8× the time, quadratic 64×. The bound sits halfway (32×, and
        // at least 20 ms of CPU): a quadratic parser still fails it, a loaded machine's noise does not.
        assert.ok(large <= Math.max(32 * small, 20), `${name}: ${small.toFixed(2)} ms CPU for 80k chars, ${large.toFixed(2)} ms for 640k chars`);
        // And the message as it arrives from git (capped) still parses to strings.
        assert.equal(typeof parseMessage(make(80_000)).type, 'string');
      });
    }

    it('the 160 KB revert of the issue keeps its meaning where it can be read', () => {
      const p = parseMessage(`Revert "x${' \t'.repeat(80_000)}y`);
      assert.deepEqual([p.type, p.revert, p.conventional], ['other', null, false]);
      const sha = 'b'.repeat(40);
      const q = parseMessage(`Revert "feat: x"\n\n${' \t'.repeat(20_000)}\nThis reverts commit ${sha}.\n`);
      assert.deepEqual(q.revert, { header: 'feat: x', sha });
    });
  });
});
