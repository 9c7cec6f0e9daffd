import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CONVENTIONAL_PARSER_OPTIONS, createMessageParser, loadMessageParser, type MessageParser } from '../../../src/core/versioning/conventionalParser';

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

  it('handles a 10,000-line message quickly', () => {
    const body = Array.from({ length: 10_000 }, (_, i) => `line ${i} with some words and #${i} @user`).join('\n');
    const t0 = performance.now();
    const p = parse(`feat: big\n\n${body}\n\nBREAKING CHANGE: at the very end`);
    assert.ok(performance.now() - t0 < 500);
    assert.deepEqual(p.breakingNotes, ['at the very end']);
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

  it('property: the header-only fast path gives the same result as parsing the whole message', async () => {
    const { CommitParser } = await import('conventional-commits-parser');
    const full = createMessageParser(new CommitParser(CONVENTIONAL_PARSER_OPTIONS), { fast: false });
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('feat(a): b', 'fix!: c', 'Breaking change: x', ' * BREAKING CHANGE y', 'revert: feat: a', 'Revert "fix: b"', 'This reverts commit 0123abc.', 'gpg: sig', ' gpg: x', '', ' ', '\r', 'a\rb: c', '@someone #12'),
    );
    const sep = fc.constantFrom('\n', '\r\n', '\r');
    const message = fc.array(fc.tuple(line, sep), { maxLength: 8 }).map((parts) => parts.map(([l, s]) => l + s).join(''));
    fc.assert(
      fc.property(message, (m) => {
        assert.deepEqual(parse(m), full(m));
      }),
      { numRuns: 1000 },
    );
  });
});
