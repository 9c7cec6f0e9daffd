/** Issue 10 (JUnit 1–6) and issue 8 (#8 memory, #20 declared locations): each case fails if the fix is undone. */
import { strict as assert } from 'node:assert';
import { DECLARED_TOTALS, JUNIT_LIMITS, JUnitStreamParser, SUITE_ERROR, parseJUnit, parseJUnitBytes } from '../../../src/core/testing/junit';
import { assertConsistent, byName, malformedError } from './helpers';

describe('testing/junit dialects (issue 10)', () => {
  it('1. decodes numeric character references in names, suite names, messages and stacks; ids stay stable', () => {
    const xml =
      '<testsuites><testsuite name="suite&#10;two &#x1F600;"><testcase name="caf&#xE9; &#233; &#x2713;" classname="c"><failure message="line1&#10;line2&#13;">at x&#10;at y &#x3C;</failure></testcase></testsuite></testsuites>';
    const r = parseJUnit(xml);
    const t = r.tests[0];
    assert.equal(t.name, 'café é ✓');
    assert.deepEqual(t.suite, ['suite\ntwo 😀', 'c']);
    assert.equal(t.message, 'line1\nline2\r');
    assert.equal(t.stack, 'at x\nat y <');
    assert.equal(parseJUnit(xml).tests[0].id, t.id);
    assert.equal(t.id, '::suite\ntwo 😀 > c::café é ✓');
  });

  it('2. status="disabled" / "notrun", result="skipped|suppressed" and disabled="…" are skipped, not passed', () => {
    const r = parseJUnit(
      [
        '<testsuites><testsuite name="ctest" tests="5" disabled="1">',
        '<testcase name="a" status="run"/>',
        '<testcase name="b" status="disabled"/>',
        '<testcase name="c" status="notrun"/>',
        '<testcase name="d" status="run" result="suppressed"/>',
        '<testcase name="e" disabled="true"/>',
        '<testcase name="f" disabled="false"/>',
        '</testsuite></testsuites>',
      ].join(''),
    );
    assert.deepEqual(r.tests.map((t) => t.status), ['passed', 'skipped', 'skipped', 'skipped', 'skipped', 'passed']);
    assert.equal(byName(r, 'b').message, 'Disabled');
  });

  it('3. honours the declared encoding and BOMs: ISO-8859-1, UTF-16 LE / BE with a BOM, UTF-16 without one, UTF-8 BOM', () => {
    const body = (enc: string) => `<?xml version="1.0" encoding="${enc}"?><testsuite name="s"><testcase name="café ünï"/></testsuite>`;
    assert.equal(parseJUnitBytes(Buffer.from(body('ISO-8859-1'), 'latin1')).tests[0].name, 'café ünï');
    assert.equal(parseJUnitBytes(Buffer.from(body('windows-1252'), 'latin1')).tests[0].name, 'café ünï');
    const le = Buffer.from(body('UTF-16'), 'utf16le');
    assert.equal(parseJUnitBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), le])).tests[0].name, 'café ünï');
    assert.equal(parseJUnitBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()])).tests[0].name, 'café ünï');
    assert.equal(parseJUnitBytes(le).tests[0].name, 'café ünï', 'UTF-16 LE without a BOM, told by "<?"');
    assert.equal(parseJUnitBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body('UTF-8'))])).tests[0].name, 'café ünï');
    assert.equal(parseJUnit(`\ufeff${body('UTF-8')}`).tests[0].name, 'café ünï');
    assert.match(malformedError(() => parseJUnitBytes(Buffer.from(body('x-no-such-encoding'), 'latin1'))).message, /encoding "x-no-such-encoding"/);
  });

  it('4. accepts suites nested far deeper than 100 levels, up to a bound', () => {
    const nest = (n: number) => `<testsuites>${'<testsuite name="n">'.repeat(n)}<testcase name="deep"/>${'</testsuite>'.repeat(n)}</testsuites>`;
    assert.equal(parseJUnit(nest(150)).tests[0].suite.length, 150);
    assert.equal(parseJUnit(nest(5000)).tests[0].suite.length, 5000);
    assert.match(malformedError(() => parseJUnit(nest(JUNIT_LIMITS.maxDepth + 10))).message, /nested deeper than 10,000/);
  });

  it('5. a truncated file says it looks truncated, where it ends and inside what', () => {
    const e = malformedError(() => parseJUnit('<testsuites>\n  <testsuite name="s">\n    <testcase name="t1"/>\n    <testcase name="t2">\n      <failure message="m">boo'));
    assert.match(e.message, /looks truncated: it ends at line 5, column 31 inside <testcase name="t2"> \(in its <failure>\), with 4 elements left open/);
    assert.match(malformedError(() => parseJUnit('<testsuites><testsuite name="s">')).message, /line 1, column 33 inside <testsuite name="s">/);
    assert.match(malformedError(() => parseJUnit('<testsuites>\n<a><b></a></testsuites>')).message, /closing tag at line 2, column 7 does not match <b>/);
  });

  it('6. declared totals the cases contradict: declared failures with no failed case fail the suite; other differences warn', () => {
    const r = parseJUnit('<testsuites><testsuite name="pytest" tests="6" failures="1" errors="0" skipped="2"></testsuite></testsuites>');
    assertConsistent(r);
    assert.deepEqual([r.passed, r.failed, r.skipped], [0, 1, 0]);
    const t = byName(r, DECLARED_TOTALS);
    assert.deepEqual(t.suite, ['pytest']);
    assert.match(t.message ?? '', /declares 6 tests and 1 failure, but the report holds 0 test cases \(0 failed\)/);

    const fewer = parseJUnit('<testsuite name="s" tests="3" failures="0"><testcase name="a"/></testsuite>');
    assert.deepEqual([fewer.passed, fewer.failed], [1, 0]);
    assert.match(fewer.warnings?.[0] ?? '', /declares 3 tests and 0 failures, but the report holds 1 test case/);

    // Surefire's reruns: totals count every run; a flaky test that passed in the end is not a failure.
    const flaky = parseJUnit('<testsuite name="s" tests="2" failures="2"><testcase name="a"><flakyFailure message="x"/></testcase></testsuite>');
    assert.deepEqual([flaky.passed, flaky.failed], [1, 0]);
    assert.match(flaky.warnings?.[0] ?? '', /reruns/);

    const consistent = parseJUnit('<testsuite name="s" tests="2" failures="1"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>');
    assert.equal(consistent.warnings, undefined);
  });

  it('an error right inside a suite (outside its cases) is a failed result of its own', () => {
    const r = parseJUnit('<testsuite name="s" tests="1" errors="1"><error message="NoClassDefFoundError: X" type="E">java.lang.NoClassDefFoundError: X\n  at a.B(B.java:1)</error></testsuite>');
    const t = byName(r, SUITE_ERROR);
    assert.equal(t.status, 'failed');
    assert.match(t.message ?? '', /outside its test cases: NoClassDefFoundError: X/);
    assert.equal(r.failed, 1);
  });

  it('several <testsuite> roots, a document declaration, comments, CDATA, DOCTYPE without entity expansion', () => {
    const r = parseJUnit(
      '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY boom "BOOM">]>\n<!-- c --><testsuite name="a" time="1"><testcase name="t"><failure><![CDATA[<raw> & stuff]]> &boom;</failure></testcase></testsuite>\n<testsuite name="b" time="2"><testcase name="u"/></testsuite>',
    );
    assert.deepEqual(r.tests.map((t) => t.suite[0]), ['a', 'b']);
    assert.equal(r.tests[0].stack, '<raw> & stuff &boom;');
    assert.equal(r.durationMs, 3000);
  });

  it('issue 8 #20: locations a report declares stay inside the project', () => {
    const xml = (file: string) => `<testsuite name="s"><testcase name="x" file="${file}" line="3"><failure message="m">no stack</failure></testcase></testsuite>`;
    const evil = parseJUnit(xml('/root/.ssh/id_rsa'), { cwd: '/home/dev/p' }).tests[0];
    assert.equal(evil.location, undefined);
    assert.equal(evil.file, undefined, 'not offered as the test’s file either');
    assert.equal(parseJUnit(xml('../../../../etc/passwd'), { cwd: '/home/dev/p' }).tests[0].location, undefined);
    assert.equal(parseJUnit(xml('../../../../etc/passwd')).tests[0].location, undefined);
    assert.deepEqual(parseJUnit(xml('src/a.test.ts'), { cwd: '/home/dev/p' }).tests[0].location, { file: '/home/dev/p/src/a.test.ts', line: 3 });
    const stack = parseJUnit('<testsuite name="s"><testcase name="x"><failure>Error\n    at /etc/shadow:1:1\n    at /home/dev/p/a.js:2:3</failure></testcase></testsuite>', { cwd: '/home/dev/p' });
    assert.deepEqual(stack.tests[0].location, { file: '/home/dev/p/a.js', line: 2, column: 3 });
  });

  it('issue 8 #8: memory is bounded by the result, not the input — whitespace and output are streamed past', () => {
    const p = new JUnitStreamParser();
    p.write('<testsuites><testsuite name="s">');
    const spaces = ' '.repeat(1 << 20);
    const before = process.memoryUsage().heapUsed;
    // 64 MB of whitespace and captured output, fed in 1 MB pieces.
    for (let i = 0; i < 32; i++) p.write(spaces);
    p.write('<testcase name="a"><system-out>');
    for (let i = 0; i < 32; i++) p.write(spaces);
    p.write('</system-out></testcase></testsuite></testsuites>');
    const grown = process.memoryUsage().heapUsed - before;
    const r = p.end();
    assert.equal(r.tests.length, 1);
    assert.ok(grown < 48 * 1024 * 1024, `heap grew ${Math.round(grown / 1048576)} MB for 64 MB of input`);
  });

  it('bounds what it keeps: a huge failure body is cut with a note; a huge attribute is ReportTooLarge', () => {
    const big = 'x'.repeat(JUNIT_LIMITS.maxBody + 1000);
    const r = parseJUnit(`<testsuite name="s"><testcase name="a"><failure>${big}</failure></testcase></testsuite>`);
    assert.ok((r.tests[0].stack ?? '').length < JUNIT_LIMITS.maxBody + 100);
    assert.match(r.tests[0].stack ?? '', /1,000 more characters not kept/);
    const e = malformedError(() => parseJUnit(`<testsuite name="${'n'.repeat(JUNIT_LIMITS.maxAttribute + 1)}"></testsuite>`), 'ReportTooLarge');
    assert.ok(e.usage, 'exit 2 from the CLI');
    assert.match(e.message, /attribute value longer than 4 MB \(line 1, column \d+\)/);
  });

  it('the same report split into any chunks parses the same', () => {
    const xml = '<?xml version="1.0"?><testsuites><testsuite name="s&#10;x"><testcase name="a &amp; b"><failure message="m">body &#x1F600;</failure></testcase><testcase name="c"/></testsuite></testsuites>';
    const whole = parseJUnit(xml);
    for (const size of [1, 2, 3, 7, 13]) {
      const p = new JUnitStreamParser();
      for (let i = 0; i < xml.length; i += size) p.write(xml.slice(i, i + size));
      assert.deepEqual(p.end(), whole, `chunks of ${size}`);
    }
  });
});
