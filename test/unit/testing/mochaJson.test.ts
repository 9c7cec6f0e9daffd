import { strict as assert } from 'node:assert';
import { parseReportBytes } from '../../../src/core/testing/parse';
import { parseMochaJson } from '../../../src/core/testing/mochaJson';
import { assertConsistent, byName, fixture, malformedError } from './helpers';

describe('testing/mochaJson', () => {
  it("parses mocha's json reporter with a log line before the document", () => {
    const text = fixture('mocha.json');
    assert.ok(!text.startsWith('{'), 'the fixture starts with a line printed by a test');
    const r = parseMochaJson(text, { cwd: '/home/dev/calc-mocha' });
    assertConsistent(r);
    assert.deepEqual([r.passed, r.failed, r.skipped], [3, 3, 2]);
    assert.equal(r.durationMs, 10);
    const sub = byName(r, 'subtracts wrongly');
    assert.equal(sub.file, 'test/calc.spec.js');
    assert.deepEqual(sub.suite, ['calc']);
    assert.equal(sub.message, 'Expected values to be strictly equal:\n\n2 !== 3');
    assert.deepEqual([sub.expected, sub.actual], ['3', '2']);
    assert.deepEqual(sub.location, { file: '/home/dev/calc-mocha/test/calc.spec.js', line: 12, column: 12 });
    assert.equal(byName(r, 'is pending').status, 'skipped');
    assert.deepEqual(byName(r, 'greets').suite, ['calc strings']);
    const hook = byName(r, '"before all" hook for "never runs"');
    assert.equal(hook.status, 'failed');
    assert.equal(hook.message, 'database unavailable');
    const dupes = r.tests.filter((t) => t.name === 'name ✓');
    assert.equal(dupes.length, 2);
    assert.notEqual(dupes[0].id, dupes[1].id);
  });

  it('tolerates trailing output and non-string expected/actual', () => {
    const doc = { stats: { duration: 5 }, tests: [{ title: 't', fullTitle: 's t', file: 'a.js', duration: 1, err: { message: 'm', expected: { a: 1 }, actual: 2 } }], failures: [], pending: [], passes: [] };
    const r = parseMochaJson(`npm notice\n${JSON.stringify(doc, null, 2)}\nDone in 1s\n`);
    assert.deepEqual([r.tests[0].expected, r.tests[0].actual], ['{"a":1}', '2']);
    assert.equal(r.failed, 1);
  });

  it('reports truncated, empty and foreign JSON as MalformedReport', () => {
    const text = fixture('mocha.json');
    assert.match(malformedError(() => parseMochaJson(text.slice(0, text.length / 2))).message, /truncated/);
    assert.match(malformedError(() => parseMochaJson('{"hello": 1}')).message, /--reporter json/);
    malformedError(() => parseMochaJson(''));
    malformedError(() => parseMochaJson('null'));
  });

  it('reads a report with a UTF-8 BOM, as text or as bytes', () => {
    const doc = JSON.stringify({ stats: { duration: 1 }, tests: [{ title: 'ünï', fullTitle: 's ünï', file: 'a.js', duration: 1, err: {} }] });
    assert.equal(parseMochaJson(`\ufeff${doc}`).tests[0].name, 'ünï');
    assert.equal(parseReportBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)]), 'mocha-json').tests[0].name, 'ünï');
  });
});
