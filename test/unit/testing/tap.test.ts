import { strict as assert } from 'node:assert';
import { parseTap } from '../../../src/core/testing/tap';
import { assertConsistent, byName, fixture, malformedError } from './helpers';

describe('testing/tap', () => {
  it("parses Node's test runner output: nested suites, YAML diagnostics, skip, todo, duplicates", () => {
    const r = parseTap(fixture('tap-node-test.tap'), { cwd: '/home/dev/calc' });
    assertConsistent(r);
    assert.deepEqual([r.passed, r.failed, r.skipped], [5, 3, 2]);
    assert.equal(r.durationMs, 631.746);
    const wrong = byName(r, 'adds wrongly');
    assert.deepEqual(wrong.suite, ['calc']);
    assert.equal(wrong.status, 'failed');
    assert.equal(wrong.message, 'Expected values to be strictly equal:\n\n2 !== 3');
    assert.deepEqual([wrong.expected, wrong.actual], ['3', '2']);
    assert.deepEqual(wrong.location, { file: '/home/dev/calc/calc.test.mjs', line: 13, column: 12 });
    assert.equal(wrong.durationMs, 6.944);
    assert.deepEqual(byName(r, 'handles zero').suite, ['calc', 'edge cases']);
    assert.equal(byName(r, 'is skipped').message, 'Skipped: not yet');
    assert.equal(byName(r, 'is todo').status, 'skipped');
    assert.equal(byName(r, 'ünïcödé ✓ name').status, 'passed');
    assert.notEqual(byName(r, 'same name', 0).id, byName(r, 'same name', 1).id);
    const greets = byName(r, 'greets');
    assert.equal(greets.expected, "hello 'world'\nagain");
    assert.equal(greets.actual, 'hello wörld');
    assert.equal(byName(r, 'compares objects').expected, 'a: 2\nb:\n  0: 1\n  1: 2');
    // The suite "calc" failed because of its subtest: it is not a test of its own.
    assert.ok(!r.tests.some((t) => t.name === 'calc'));
  });

  it('gives a test the same id whether it passes or fails', () => {
    const pass = parseTap('TAP version 13\n# Subtest: s\n    ok 1 - t\n      ---\n      duration_ms: 1\n      ...\n    1..1\nok 1 - s\n1..1\n');
    const fail = parseTap(
      "TAP version 13\n# Subtest: s\n    not ok 1 - t\n      ---\n      location: '/x/a.mjs:3:1'\n      error: 'boom'\n      ...\n    1..1\nnot ok 1 - s\n1..1\n",
    );
    assert.equal(pass.tests[0].id, fail.tests[0].id);
    assert.equal(fail.tests[0].message, 'boom');
  });

  it('parses plain TAP 14: plan first, directives, escaped #, noise lines, subtests', () => {
    const r = parseTap(
      [
        '> pkg@1.0.0 test',
        'TAP version 14',
        '1..4',
        'ok 1 - issue \\#12 is fixed',
        'not ok 2 - broken # TODO not written yet',
        'ok 3 # SKIP no database',
        '    # Subtest: group',
        '    ok 1 - inner',
        '    1..1',
        'ok 4 - group',
        'some stray log line',
      ].join('\n'),
    );
    assertConsistent(r);
    assert.deepEqual(
      r.tests.map((t) => [t.name, t.status, t.suite.join('/')]),
      [
        ['issue #12 is fixed', 'passed', ''],
        ['broken', 'skipped', ''],
        ['', 'skipped', ''],
        ['inner', 'passed', 'group'],
      ],
    );
  });

  it('reports a failed suite whose tests all passed (a failing hook) as a failure', () => {
    const r = parseTap('# Subtest: s\n    ok 1 - a\n    1..1\nnot ok 1 - s\n  ---\n  error: \'before hook failed\'\n  ...\n1..1\n');
    assert.deepEqual([r.passed, r.failed], [1, 1]);
    assert.equal(byName(r, 's').message, 'before hook failed');
  });

  it('ends at "Bail out!" with a failure that says so', () => {
    const r = parseTap('TAP version 13\n1..3\nok 1 - a\nBail out! database is down\n');
    assertConsistent(r);
    assert.equal(r.failed, 1);
    assert.equal(byName(r, 'Bail out!').message, 'The test run bailed out: database is down');
  });

  it('node-tap diagnostics: wanted/found and an at: block', () => {
    const r = parseTap('not ok 1 - eq\n  ---\n  wanted: 1\n  found: 2\n  at:\n    line: 4\n    column: 2\n    file: test/a.js\n  ...\n1..1\n', { cwd: '/p' });
    const t = r.tests[0];
    assert.deepEqual([t.expected, t.actual], ['1', '2']);
    assert.deepEqual(t.location, { file: '/p/test/a.js', line: 4, column: 2 });
  });

  it('reports foreign output as MalformedReport', () => {
    assert.match(malformedError(() => parseTap('hello world')).message, /no TAP/);
    malformedError(() => parseTap(''));
  });

  it('accepts an empty plan', () => {
    const r = parseTap('TAP version 13\n1..0 # SKIP nothing to do\n');
    assert.equal(r.tests.length, 0);
  });
});
