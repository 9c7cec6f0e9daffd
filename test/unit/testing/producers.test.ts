/**
 * Reports written by real producers (test/fixtures/testing/producers, see its README), each checked
 * against something other than this parser: the expected results that dorny/test-reporter and
 * EnricoMi/publish-unit-test-result-action ship with their fixtures, the totals the producers
 * declare in the XML (read with fast-xml-parser), tap-parser's verdict on its own fixtures, and the
 * summaries the producers printed when the reports were generated here. Every difference is listed
 * below with why; a new one fails the test.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { Parser as TapParser } from 'tap-parser';
import { SdlcError } from '../../../src/core/errors';
import { DECLARED_TOTALS } from '../../../src/core/testing/junit';
import type { ReportFormat, TestReport } from '../../../src/core/testing/model';
import { parseReportBytes } from '../../../src/core/testing/parse';
import { TAP_PLAN } from '../../../src/core/testing/tap';
import { assertConsistent, FIXTURES } from './helpers';

const PRODUCERS = path.join(FIXTURES, 'producers');

function read(dir: string, file: string, format: ReportFormat): TestReport {
  const r = parseReportBytes(readFileSync(path.join(PRODUCERS, dir, file)), format);
  assertConsistent(r);
  // Stable ids: a second parse of the same bytes gives the same ids.
  assert.deepEqual(parseReportBytes(readFileSync(path.join(PRODUCERS, dir, file)), format).tests.map((t) => t.id), r.tests.map((t) => t.id));
  return r;
}

function expected<T>(dir: string): Record<string, T> {
  return (JSON.parse(readFileSync(path.join(PRODUCERS, dir, 'expected.json'), 'utf8')) as { expected: Record<string, T> }).expected;
}

function counts(r: TestReport): [number, number, number] {
  return [r.passed, r.failed, r.skipped];
}

function malformedOrTooLarge(fn: () => unknown): SdlcError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SdlcError && e.code === 'MalformedReport', String(e));
    return e;
  }
  assert.fail('expected MalformedReport');
}

/** Files checked, by source: printed at the end so the closing note can cite it. */
const checked: Record<string, number> = {};

describe('testing/producers: real reports against their producers’ own counts', () => {
  after(() => {
    const total = Object.values(checked).reduce((a, b) => a + b, 0);
    console.log(`      ${total} real report files checked: ${Object.entries(checked).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  });

  it('dorny/test-reporter fixtures: the passed / failed / skipped of its expected outputs', () => {
    const exp = expected<{ passed: number; failed: number; skipped: number; format: ReportFormat }>('dorny');
    for (const [file, e] of Object.entries(exp)) {
      const r = read('dorny', file, e.format);
      assert.deepEqual(counts(r), [e.passed, e.failed, e.skipped], file);
    }
    checked['dorny/test-reporter'] = Object.keys(exp).length;
  });

  it('EnricoMi/publish-unit-test-result-action fixtures: its runs_succ / runs_fail + runs_error / runs_skip, and its parse errors', () => {
    interface E {
      exception?: string;
      runs_succ?: number;
      runs_skip?: number;
      runs_fail?: number;
      runs_error?: number;
    }
    // Where we differ on purpose, what we report instead and why.
    const deviations: Record<string, { counts: [number, number, number]; why: string }> = {
      'junit-xml/tst/disabled.xml': { counts: [6, 20, 5], why: 'status="disabled" is skipped (issue 10 #2); the action counts the 5 disabled tests as passed' },
      'junit-xml/junit.multiresult.xml': { counts: [1, 2, 1], why: 'a case with <skipped> and <failure> failed; the action counts each result element (and gets -2 passed)' },
      'junit-xml/no-cases-but-tests.xml': { counts: [0, 1, 0], why: 'declares 6 tests, 1 failure, holds no case: one failed "(declared totals)" result (issue 10 #6); the action trusts the declared totals' },
    };
    const exp = expected<E>('enricomi');
    for (const [file, e] of Object.entries(exp)) {
      if (e.exception !== undefined) {
        malformedOrTooLarge(() => parseReportBytes(readFileSync(path.join(PRODUCERS, 'enricomi', file)), 'junit'));
        continue;
      }
      const r = read('enricomi', file, 'junit');
      const d = deviations[file];
      if (d) assert.deepEqual(counts(r), d.counts, `${file}: ${d.why}`);
      else assert.deepEqual(counts(r), [e.runs_succ, (e.runs_fail ?? 0) + (e.runs_error ?? 0), e.runs_skip], file);
    }
    assert.equal(byName(read('enricomi', 'junit-xml/no-cases-but-tests.xml', 'junit'), DECLARED_TOTALS).status, 'failed');
    checked['EnricoMi/publish-unit-test-result-action'] = Object.keys(exp).length;
  });

  for (const dir of ['go-junit-report', 'jenkins-junit-plugin']) {
    it(`${dir} test data: the totals each report declares (read with fast-xml-parser)`, () => {
      const deviations: Record<string, { counts?: [number, number, number]; malformed?: true; why: string }> = {
        'JENKINS-42438_junit-report-1.xml': { counts: [8, 0, 3], why: 'declares skipped="2" but holds 3 <skipped/> cases: the cases are counted (a warning says so)' },
        'SKIPPED_MESSAGE_afterSkippedResult.xml': { counts: [0, 1, 0], why: 'cucumber declares the case skipped but it holds an <error>: failed' },
        'gh-237_TEST-io.olamy.AlwaysFailTest.xml': { counts: [0, 1, 0], why: 'Surefire counts every rerun in failures="4"; one test failed' },
        'gh-237_TEST-io.olamy.FlakyTest.xml': { counts: [1, 0, 0], why: 'Surefire counts the flaky reruns as failures; the test passed in the end' },
        'junit-report-1233.xml': { counts: [5, 0, 0], why: 'declares 456 tests, holds 5 cases: the cases are counted (a warning says so)' },
        'junit-report-bad-duration.xml': { counts: [2, 0, 0], why: 'declares 1 test, holds 2 cases' },
        'junit-report-errror-details.xml': { counts: [0, 1, 0], why: 'declares 2 tests, holds 1 case' },
        // (junit-report-6700.xml: a suite-level <error> counted by the producer as its one test — our "(suite error)" matches it.)
        'junit-report-nested-testsuites.xml': { counts: [2, 1, 0], why: 'an <error> right inside a suite is a failed "(suite error)" result' },
        'testXxe-oob.xml': { malformed: true, why: 'no JUnit root (an XXE probe): rejected, no entity is resolved' },
        'testXxe-xxe.xml': { malformed: true, why: 'root <r> (an XXE probe): rejected, no entity is resolved' },
      };
      const xp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (t) => t === 'testsuite' || t === 'testcase' });
      const files = readdirSync(path.join(PRODUCERS, dir)).filter((f) => f.endsWith('.xml'));
      assert.ok(files.length > 40);
      let compared = 0;
      for (const file of files) {
        const d = deviations[file];
        if (d?.malformed) {
          malformedOrTooLarge(() => parseReportBytes(readFileSync(path.join(PRODUCERS, dir, file)), 'junit'));
          continue;
        }
        const r = read(dir, file, 'junit');
        if (d?.counts) {
          assert.deepEqual(counts(r), d.counts, `${file}: ${d.why}`);
          continue;
        }
        const declared = declaredTotals(xp.parse(readFileSync(path.join(PRODUCERS, dir, file), 'utf8')));
        if (!declared) continue; // no totals declared: nothing to compare with
        compared++;
        assert.deepEqual([r.tests.length, r.failed, r.skipped], [declared.tests, declared.failed, declared.skipped], file);
        assert.ok(!r.tests.some((t) => t.name === DECLARED_TOTALS), file);
      }
      assert.ok(compared >= 30, `compared ${compared}`);
      checked[dir] = files.length;
    });
  }

  it('tap-parser fixtures: the same verdict (ok / not ok) as tap-parser', () => {
    const deviations: Record<string, string> = {
      'die.tap': 'no TAP at all: MalformedReport, tap-parser says ok with 0 tests',
      'empty.tap': 'no TAP at all: MalformedReport',
      'out_err_mix.tap': 'no TAP at all: MalformedReport',
      'out_of_order.tap': 'points 1..15 all reported, out of order: counted, not failed',
      'plan-in-bad-places-pre.tap': 'a contradictory second plan fails the run',
      'pragma-mid-child-strict.tap': '`pragma +strict` is not honoured',
      'plan-invalid-strict.tap': '`pragma +strict` is not honoured (an invalid plan is ignored)',
      'strict.tap': '`pragma +strict` is not honoured',
      'version_old-strict.tap': '`pragma +strict` is not honoured',
      'skip-all-with-assert.tap': '1..0 with a point after it: more points than planned fails the run (issue 8 mutation rule)',
      'space_after_plan.tap': 'a space after the plan is accepted',
    };
    const dir = path.join(PRODUCERS, 'tap-parser');
    const files = readdirSync(dir).filter((f) => f.endsWith('.tap'));
    assert.ok(files.length > 150);
    for (const file of files) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      let theirs: { ok: boolean } | undefined;
      const p = new TapParser();
      p.on('complete', (res: { ok: boolean }) => (theirs = res));
      p.end(text);
      assert.ok(theirs);
      let ours: boolean;
      try {
        const r = read('tap-parser', file, 'tap');
        ours = r.failed === 0;
      } catch (e) {
        assert.ok(e instanceof SdlcError && e.code === 'MalformedReport', `${file}: ${String(e)}`);
        ours = false;
      }
      if (deviations[file] !== undefined) assert.notEqual(ours, theirs.ok, `${file} agrees now: remove it from the deviations (${deviations[file]})`);
      else assert.equal(ours, theirs.ok, `${file}: ours ${ours ? 'ok' : 'not ok'}, tap-parser ${theirs.ok ? 'ok' : 'not ok'}`);
    }
    checked['tap-parser (tapjs)'] = files.length;
  });

  it('tap-parser fixtures: buffered subtests, node-tap timings and Test2 output parse into the right tree', () => {
    const buffered = read('tap-parser', 'subtest-buffer.tap', 'tap');
    assert.ok(!buffered.tests.some((t) => / \{$/.test(t.name) || /time=/.test(t.name)), 'no " {" or "# time=" left in names');
    const perl = read('tap-parser', 'perl-test2-buffered.tap', 'tap');
    assert.ok(perl.tests.every((t) => !t.name.endsWith('{')));
    assert.ok(perl.tests.some((t) => t.suite.length > 0), 'buffered children are filed under their parent');
    const timed = read('tap-parser', 'indent.tap', 'tap');
    assert.ok(timed.tests.every((t) => !/time=/.test(t.name) && t.suite.every((s) => !/time=/.test(s))));
  });

  it('.NET JUnit logger and Catch2 (JUnit and TAP reporters): their declared totals, and where they count something else', () => {
    const dotnet = read('more', 'dotnet-junit-logger.xml', 'junit');
    assert.deepEqual(counts(dotnet), [5, 4, 0], 'declares tests="9" failures="4"');
    assert.equal(byName(dotnet, 'Multiply_ReturnsEight(1,0)').message, '  Expected: 8\r\n  But was:  0\r\n', '&#xD;&#xA; decoded');
    assert.equal(dotnet.tests[0].location, undefined, 'a Windows path outside the project is no location');
    // Catch2 declares assertions (tests="2281" failures="130" errors="17"), not test cases: the cases are counted, with a warning.
    const catchJUnit = read('more', 'catch2-junit.sw.approved.xml', 'junit');
    assert.deepEqual([catchJUnit.tests.length, catchJUnit.failed, catchJUnit.skipped], [968, 96, 12]);
    assert.match(catchJUnit.warnings?.[0] ?? '', /declares 2281 tests and 147 failures, but the report holds 968 test cases \(96 failed\)/);
    // Catch2's TAP plan counts its non-TAP "warning" lines: 2,271 points kept, the plan mismatch reported.
    const catchTap = read('more', 'catch2-tap.sw.approved.tap', 'tap');
    assert.equal(catchTap.tests.length - 1, 2271);
    assert.match(byName(catchTap, TAP_PLAN).message ?? '', /the plan promised 2281, 2271 reported/);
    checked['.NET JUnit logger + Catch2'] = 3;
  });

  it('reports generated here by pytest, node --test, mocha, Perl Test::More and ctest: their own summaries', () => {
    const exp = expected<{ format: ReportFormat; passed: number; failed: number; skipped: number }>('generated');
    for (const [file, e] of Object.entries(exp)) assert.deepEqual(counts(read('generated', file, e.format)), [e.passed, e.failed, e.skipped], file);

    const pytest = read('generated', 'pytest-9-junit.xml', 'junit');
    assert.equal(byName(pytest, 'test_fails').message, 'AssertionError: multiplication is broken\nassert (2 * 2) == 5', '&#10; decoded');
    const node = read('generated', 'node-20-test.tap', 'tap');
    assert.match(byName(node, 'reads').message ?? '', /^cannot connect to db\n\(a hook of "db" failed/, 'the before hook’s error is kept on the tests it cancelled');
    const died = read('generated', 'perl-died-midway.tap', 'tap');
    assert.equal(died.passed, 5);
    assert.match(byName(died, TAP_PLAN).message ?? '', /the plan promised 6, 5 reported/);
    const ctest = read('generated', 'ctest-3.25-junit.xml', 'junit');
    assert.equal(byName(ctest, 'disabled_one').status, 'skipped');
    assert.equal(byName(ctest, 'café_and_name').status, 'passed');
    checked['generated here'] = Object.keys(exp).length;
  });
});

function byName(r: TestReport, name: string) {
  const t = r.tests.find((x) => x.name === name);
  assert.ok(t, `no test named ${name}`);
  return t;
}

/** Totals of the leaf suites (suites holding cases), as the producer declared them. */
function declaredTotals(doc: Record<string, unknown>): { tests: number; failed: number; skipped: number } | undefined {
  const acc = { tests: 0, failed: 0, skipped: 0, any: false };
  const num = (v: unknown) => (v === undefined ? 0 : Number(v));
  const walk = (s: Record<string, unknown>) => {
    const kids = s.testsuite as Array<Record<string, unknown>> | undefined;
    if (s['@tests'] !== undefined && (s.testcase !== undefined || !kids)) {
      acc.any = true;
      acc.tests += num(s['@tests']);
      acc.failed += num(s['@failures']) + num(s['@errors']);
      acc.skipped += num(s['@skipped'] ?? s['@skip']) + num(s['@disabled']);
      return;
    }
    kids?.forEach(walk);
  };
  if (doc.testsuites && typeof doc.testsuites === 'object') walk(doc.testsuites as Record<string, unknown>);
  for (const s of (doc.testsuite as Array<Record<string, unknown>> | undefined) ?? []) walk(s);
  return acc.any ? acc : undefined;
}
