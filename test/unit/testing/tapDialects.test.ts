/** Issue 10 (TAP 7–10), issue 8 #17 (130,000 subtests), #20 (declared locations) and the plan rule. */
import { strict as assert } from 'node:assert';
import { TAP_PLAN, parseTap } from '../../../src/core/testing/tap';
import { assertConsistent, byName } from './helpers';

const summary = (text: string) => {
  const r = parseTap(text);
  assertConsistent(r);
  return r.tests.map((t) => `${t.status[0]} ${[...t.suite, t.name].join(' > ')}`);
};

describe('testing/tap dialects (issue 10)', () => {
  it('7. buffered subtests (Test2, node-tap): children under their parent, no " {" in names', () => {
    const text = ['TAP version 14', 'ok 1 - first', 'not ok 2 - group {', '    ok 1 - inner a', '    not ok 2 - inner b', '    1..2', '}', 'ok 3 - after', '1..3'].join('\n');
    assert.deepEqual(summary(text), ['p first', 'p group > inner a', 'f group > inner b', 'p after']);
    // Nested buffered subtests, and one with diagnostics before its children.
    const nested = ['ok 1 - outer {', '    ok 1 - mid {', '        ok 1 - leaf', '        1..1', '    }', '    1..1', '}', '1..1'].join('\n');
    assert.deepEqual(summary(nested), ['p outer > mid > leaf']);
    // A brace that no "}" closes is part of the name.
    assert.deepEqual(summary('ok 1 - a brace looks like this {\nok 2 - b\n1..2\n'), ['p a brace looks like this {', 'p b']);
  });

  it('8. node-tap timings and directives are stripped from test and suite names, so ids are stable', () => {
    const run = (ms: string) =>
      parseTap([`# Subtest: test/a.js`, `    ok 1 - works # time=${ms}ms`, '    1..1', `ok 1 - test/a.js # time=${ms}ms`, '1..1', `# time=${ms}ms`].join('\n'));
    const a = run('5.26');
    const b = run('17.1');
    assert.deepEqual(a.tests.map((t) => t.id), b.tests.map((t) => t.id));
    assert.deepEqual(a.tests[0].suite, ['test/a.js']);
    assert.equal(a.tests[0].name, 'works');
    assert.equal(a.durationMs, 5.26);
    assert.deepEqual(summary('ok 1 - skipped one # time=1ms # SKIP later\n1..1\n'), ['s skipped one']);
  });

  it('9. node --test: a failing before hook’s error is kept on the tests it cancelled', () => {
    const text = [
      'TAP version 13',
      '# Subtest: db',
      '    # Subtest: reads',
      '    not ok 1 - reads',
      '      ---',
      "      failureType: 'cancelledByParent'",
      "      error: 'test did not finish before its parent and was cancelled'",
      '      ...',
      '    1..1',
      'not ok 1 - db',
      '  ---',
      "  type: 'suite'",
      "  failureType: 'hookFailed'",
      "  error: 'cannot connect to db'",
      '  stack: |-',
      '    SuiteContext.<anonymous> (file:///home/dev/p/db.test.mjs:4:24)',
      '  ...',
      '1..1',
    ].join('\n');
    const r = parseTap(text, { cwd: '/home/dev/p' });
    const t = byName(r, 'reads');
    assert.equal(t.message, 'cannot connect to db\n(a hook of "db" failed, so this test was cancelled)');
    assert.deepEqual(t.location, { file: '/home/dev/p/db.test.mjs', line: 4, column: 24 });
    assert.equal(r.failed, 1, 'the suite is not a second failure');
  });

  it('10. a run that died mid-way keeps its results and fails: "the plan promised 6, 5 reported"', () => {
    const r = parseTap(['1..6', 'ok 1 - a', 'ok 2 - b', 'not ok 3 - c', 'ok 4 - d', 'ok 5 - e'].join('\n'));
    assert.deepEqual([r.passed, r.failed], [4, 2]);
    assert.match(byName(r, TAP_PLAN).message ?? '', /the plan promised 6, 5 reported/);
    // No plan at all (the plan comes last and never came), or cut inside a YAML block: the same rule.
    assert.match(byName(parseTap('ok 1 - a\nok 2 - b\n'), TAP_PLAN).message ?? '', /no plan line/);
    const cut = parseTap('1..2\nok 1 - a\nnot ok 2 - b\n  ---\n  error: boom');
    assert.equal(byName(cut, 'b').message, 'boom');
    assert.match(byName(cut, TAP_PLAN).message ?? '', /ends inside the diagnostics of "b"/);
    // A complete run has no such result.
    assert.ok(!parseTap('1..1\nok 1 - a\n').tests.some((t) => t.name === TAP_PLAN));
  });

  it('more points than the plan (issue 8 mutation): the results are kept and the run fails, like a short run', () => {
    const r = parseTap('1..2\nok 1 - a\nok 2 - b\nok 3 - c\n');
    assert.deepEqual([r.passed, r.failed], [3, 1]);
    assert.match(byName(r, TAP_PLAN).message ?? '', /More tests than planned: the plan promised 2, 3 reported/);
    assert.match(byName(parseTap('1..3\nok 1\nok 2\nok 5\n'), TAP_PLAN).message ?? '', /test number 5 is outside the plan "1..3"/);
    assert.match(byName(parseTap('1..2\nok 1\nok 1\n'), TAP_PLAN).message ?? '', /number 1 is reported twice/);
    assert.match(byName(parseTap('1..2\nok 1\n1..3\nok 2\n'), TAP_PLAN).message ?? '', /second plan "1..3"/);
    assert.deepEqual(summary('8..9\nok 8 - a\nok 9 - b\n'), ['p a', 'p b'], 'a plan may start above 1');
  });

  it('issue 8 #17: 130,000 subtests under one parent, and 12,000 levels of nesting, without recursion or spread', function () {
    this.timeout(90_000); // linear, but the shared machines are slow under load
    const n = 130_000;
    const lines = ['TAP version 13', '# Subtest: parent'];
    for (let i = 1; i <= n; i++) lines.push(`    ok ${i} - child ${i}`);
    lines.push(`    1..${n}`, 'ok 1 - parent', '1..1');
    const r = parseTap(lines.join('\n'));
    assert.equal(r.passed, n);
    assert.deepEqual(r.tests[n - 1].suite, ['parent']);

    const depth = 12_000; // past what a recursive walk survives on Node's default stack
    const deep: string[] = [];
    for (let d = depth; d >= 1; d--) deep.push(`${' '.repeat(d)}ok 1 - l${d}`);
    // Built innermost first: each point closes the deeper ones above it.
    deep.push('ok 1 - top', '1..1');
    const dr = parseTap(deep.join('\n'));
    assert.equal(dr.tests.length, 1);
    assert.equal(dr.tests[0].suite.length, depth);
  });

  it('issue 8 #20: TAP locations outside the project are not offered', () => {
    const r = parseTap("not ok 1 - x\n  ---\n  location: '../../../../etc/passwd:1:1'\n  ...\nnot ok 2 - y\n  ---\n  at:\n    file: /root/.ssh/id_rsa\n    line: 1\n  ...\n1..2\n", {
      cwd: '/home/dev/p',
    });
    assert.equal(byName(r, 'x').location, undefined);
    assert.equal(byName(r, 'y').location, undefined);
    const ok = parseTap("not ok 1 - x\n  ---\n  location: 'test/a.mjs:3:1'\n  ...\n1..1\n", { cwd: '/home/dev/p' });
    assert.deepEqual(ok.tests[0].location, { file: '/home/dev/p/test/a.mjs', line: 3, column: 1 });
  });
});
