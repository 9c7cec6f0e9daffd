import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { REPORT_FORMATS, type ReportFormat } from '../../../src/core/testing/model';
import { parseReport } from '../../../src/core/testing/parse';
import { assertConsistent, fixture } from './helpers';

/** Parses, and checks the only error is MalformedReport and any report is consistent. */
function check(text: string, format: ReportFormat): void {
  try {
    assertConsistent(parseReport(text, format));
  } catch (e) {
    if (e instanceof SdlcError && e.code === 'MalformedReport') return;
    throw e;
  }
}

const samples: Record<ReportFormat, string[]> = {
  junit: [fixture('junit-surefire.xml'), fixture('junit-jest.xml')],
  tap: [fixture('tap-node-test.tap')],
  'mocha-json': [fixture('mocha.json')],
};

/** Report-ish text: fragments of the real samples and the format's tokens, shuffled together. */
function reportish(format: ReportFormat): fc.Arbitrary<string> {
  const lines = samples[format].flatMap((s) => s.split('\n'));
  const tokens: Record<ReportFormat, string[]> = {
    junit: ['<testsuites>', '</testsuites>', '<testsuite name="s">', '</testsuite>', '<testcase name="t"/>', '<testcase name="t">', '</testcase>', '<failure message="m">', '</failure>', '<skipped/>', '<error/>', '<![CDATA[', ']]>', '&amp;', '<!-- c -->'],
    tap: ['TAP version 14', '1..2', 'ok 1 - a', 'not ok 2 - b # TODO', '  ---', '  ...', '    ok 1 - c', '# Subtest: x', 'Bail out!', '  error: |-', '    boom', '  duration_ms: x'],
    'mocha-json': ['{', '}', '"stats": {}', '"tests": [', ']', '{"title": "t", "err": {"message": 1}}', ',', 'null', '"failures": [{}]', '"pending": [1]'],
  };
  return fc.array(fc.oneof(fc.constantFrom(...lines), fc.constantFrom(...tokens[format]), fc.string()), { maxLength: 40 }).map((parts) => parts.join('\n'));
}

describe('testing/parsers (properties)', () => {
  for (const format of REPORT_FORMATS) {
    it(`${format}: never throws anything but MalformedReport on any string, and counts add up`, () => {
      fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => check(s, format)), { numRuns: 300 });
      fc.assert(fc.property(reportish(format), (s) => check(s, format)), { numRuns: 300 });
    });

    it(`${format}: every prefix of a real report parses or is MalformedReport`, () => {
      const text = samples[format][0];
      fc.assert(fc.property(fc.nat({ max: text.length }), (n) => check(text.slice(0, n), format)), { numRuns: 150 });
    });
  }

  it('mocha-json: a report built from arbitrary tests keeps its counts', () => {
    const test = fc.record({
      title: fc.string(),
      fullTitle: fc.string(),
      file: fc.constantFrom('a.js', 'b.js'),
      duration: fc.nat(),
      state: fc.constantFrom('passed', 'failed', 'pending'),
    });
    fc.assert(
      fc.property(fc.array(test, { maxLength: 30 }), (tests) => {
        const json = (t: (typeof tests)[number]) => ({ title: t.title, fullTitle: t.fullTitle, file: t.file, duration: t.duration, err: t.state === 'failed' ? { message: 'x' } : {} });
        const doc = {
          stats: { duration: 1 },
          tests: tests.map(json),
          passes: tests.filter((t) => t.state === 'passed').map(json),
          failures: tests.filter((t) => t.state === 'failed').map(json),
          pending: tests.filter((t) => t.state === 'pending').map(json),
        };
        const r = parseReport(JSON.stringify(doc), 'mocha-json');
        assertConsistent(r);
        assert.deepEqual([r.passed, r.failed, r.skipped], ['passed', 'failed', 'pending'].map((s) => tests.filter((t) => t.state === s).length));
      }),
      { numRuns: 200 },
    );
  });

  it('junit: a report built from arbitrary names keeps them, escaped or not', () => {
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/>/g, '&gt;');
    const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && !/[\u0000-\u001f\ufffe\uffff]/.test(s));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.constantFrom('pass', 'fail', 'skip')), { maxLength: 20 }), (cases) => {
        const body = cases
          .map(([n, s]) => `<testcase name="${esc(n)}" time="0.001">${s === 'fail' ? '<failure message="x"/>' : s === 'skip' ? '<skipped/>' : ''}</testcase>`)
          .join('');
        const r = parseReport(`<testsuites><testsuite name="s">${body}</testsuite></testsuites>`, 'junit');
        assertConsistent(r);
        assert.deepEqual(r.tests.map((t) => t.name), cases.map(([n]) => n));
        assert.equal(r.failed, cases.filter(([, s]) => s === 'fail').length);
      }),
      { numRuns: 200 },
    );
  });
});

/** A suite tree for the generators below: names drawn from a small pool so duplicates happen. */
interface GenSuite {
  name: string;
  cases: Array<{ name: string; status: 'pass' | 'fail' | 'skip' }>;
  children: GenSuite[];
}

const genName = fc.oneof(fc.constantFrom('a', 'b', 'same', 'ünï ✓', 'x & y', 'line\nbreak'), fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/[\u0000-\u001f\ufffe\uffff#\\{}]/.test(s) && s.trim() === s));
const genCase = fc.record({ name: genName, status: fc.constantFrom('pass' as const, 'fail' as const, 'skip' as const) });
function suiteOf(depth: number): fc.Arbitrary<GenSuite> {
  const children: fc.Arbitrary<GenSuite[]> = depth === 0 ? fc.constant([]) : fc.array(suiteOf(depth - 1), { maxLength: 3 });
  return fc.record({ name: genName, cases: fc.array(genCase, { maxLength: 5 }), children });
}
const genSuite = suiteOf(3);

function leaves(s: GenSuite): GenSuite['cases'] {
  return [...s.cases, ...s.children.flatMap(leaves)];
}

function toJUnit(suites: GenSuite[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
  const suite = (s: GenSuite): string =>
    `<testsuite name="${esc(s.name)}">${s.cases
      .map((c) => `<testcase name="${esc(c.name)}">${c.status === 'fail' ? '<failure message="m"/>' : c.status === 'skip' ? '<skipped/>' : ''}</testcase>`)
      .join('')}${s.children.map(suite).join('')}</testsuite>`;
  return `<?xml version="1.0"?><testsuites>${suites.map(suite).join('')}</testsuites>`;
}

function toTap(suites: GenSuite[], buffered: boolean): string {
  const out: string[] = ['TAP version 14'];
  const pad = (d: number) => '    '.repeat(d);
  const clean = (s: string) => s.replace(/\n/g, ' ');
  const suite = (s: GenSuite, d: number, n: number) => {
    const kids = s.cases.length + s.children.length;
    const ok = leaves(s).every((c) => c.status !== 'fail') ? 'ok' : 'not ok';
    if (kids === 0) {
      out.push(`${pad(d)}ok ${n} - ${clean(s.name)} # SKIP empty`);
      return;
    }
    if (buffered) out.push(`${pad(d)}${ok} ${n} - ${clean(s.name)} {`);
    else out.push(`${pad(d + 1)}# Subtest: ${clean(s.name)}`);
    let i = 0;
    for (const c of s.cases) out.push(`${pad(d + 1)}${c.status === 'fail' ? 'not ok' : 'ok'} ${++i} - ${clean(c.name)}${c.status === 'skip' ? ' # SKIP no' : ''} # time=${i}.5ms`);
    for (const child of s.children) suite(child, d + 1, ++i);
    out.push(`${pad(d + 1)}1..${i}`);
    if (buffered) out.push(`${pad(d)}}`);
    else out.push(`${pad(d)}${ok} ${n} - ${clean(s.name)} # time=12ms`);
  };
  suites.forEach((s, i) => suite(s, 0, i + 1));
  out.push(`1..${suites.length}`);
  return out.join('\n');
}

describe('testing/parsers (properties over generated reports, issue 10)', () => {
  it('junit: for any report the counts add up, ids are unique and stable across two parses', () => {
    fc.assert(
      fc.property(fc.array(genSuite, { minLength: 1, maxLength: 3 }), (suites) => {
        const xml = toJUnit(suites);
        const a = parseReport(xml, 'junit');
        const b = parseReport(xml, 'junit');
        assertConsistent(a);
        assert.deepEqual(b.tests.map((t) => t.id), a.tests.map((t) => t.id));
        const all = suites.flatMap(leaves);
        assert.deepEqual([a.passed, a.failed, a.skipped], ['pass', 'fail', 'skip'].map((s) => all.filter((c) => c.status === s).length));
      }),
      { numRuns: 200 },
    );
  });

  for (const buffered of [false, true]) {
    it(`tap (${buffered ? 'buffered' : 'streamed'} subtests, node-tap timings): counts add up, ids unique and stable across two parses`, () => {
      fc.assert(
        fc.property(fc.array(genSuite, { minLength: 1, maxLength: 3 }), (suites) => {
          const text = toTap(suites, buffered);
          const a = parseReport(text, 'tap');
          const b = parseReport(text.replace(/time=\d+(\.\d+)?ms/g, 'time=999ms'), 'tap');
          assertConsistent(a);
          assert.deepEqual(b.tests.map((t) => t.id), a.tests.map((t) => t.id), 'ids do not depend on timings');
          const all = suites.flatMap(leaves);
          const empty = (s: GenSuite): number => (s.cases.length + s.children.length === 0 ? 1 : s.children.reduce((n, c) => n + empty(c), 0));
          const emptySuites = suites.reduce((n, s) => n + empty(s), 0);
          assert.deepEqual([a.passed, a.failed, a.skipped], [all.filter((c) => c.status === 'pass').length, all.filter((c) => c.status === 'fail').length, all.filter((c) => c.status === 'skip').length + emptySuites]);
        }),
        { numRuns: 200 },
      );
    });
  }
});
