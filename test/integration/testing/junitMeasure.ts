/**
 * Measurement, not a test: parsing a JUnit report with 100,000 test cases into the report model vs
 * a bare fast-xml-parser parse of the same text. `npx tsx test/integration/testing/junitMeasure.ts [n]`.
 * `measureJUnit` is exported for `npm run bench`.
 */
import { XMLParser } from 'fast-xml-parser';
import { parseJUnit } from '../../../src/core/testing/junit';

/** A report shaped like a big CI run: 1,000-case suites, 5% failures with stacks, 2% skipped, some output. */
export function generateJUnit(cases: number): string {
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="big" time="1234.5">\n'];
  const perSuite = 1000;
  for (let s = 0; s * perSuite < cases; s++) {
    parts.push(`  <testsuite name="pkg.module${s}.FeatureTest" file="src/module${s}/feature.test.ts" tests="${perSuite}" time="12.3">\n`);
    for (let i = s * perSuite; i < Math.min(cases, (s + 1) * perSuite); i++) {
      const attrs = `name="handles case ${i} &amp; more" classname="pkg.module${s}.FeatureTest" time="0.0${i % 97}" line="${(i % 500) + 1}"`;
      if (i % 20 === 7) {
        parts.push(
          `    <testcase ${attrs}>\n      <failure message="expected ${i} to equal ${i + 1}" type="AssertionError">AssertionError: expected ${i} to equal ${i + 1}\n    at Context.&lt;anonymous&gt; (/home/dev/app/src/module${s}/feature.test.ts:${(i % 500) + 3}:14)\n    at process.processImmediate (node:internal/timers:483:21)</failure>\n      <system-out><![CDATA[log <${i}>]]></system-out>\n    </testcase>\n`,
        );
      } else if (i % 50 === 11) {
        parts.push(`    <testcase ${attrs}><skipped message="not on this platform"/></testcase>\n`);
      } else {
        parts.push(`    <testcase ${attrs}/>\n`);
      }
    }
    parts.push('  </testsuite>\n');
  }
  parts.push('</testsuites>\n');
  return parts.join('');
}

export interface JUnitMeasurement {
  cases: number;
  bytes: number;
  bareMs: number;
  bareWithAttributesMs: number;
  modelMs: number;
  ratio: number;
  ratioWithAttributes: number;
  peakHeapMB: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown, runs: number): number {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

export function measureJUnit(cases = 100_000, runs = 3): JUnitMeasurement {
  const text = generateJUnit(cases);
  const bare = new XMLParser();
  const bareAttrs = new XMLParser({ ignoreAttributes: false });
  // Warm up the JIT on all three paths.
  const warm = generateJUnit(2000);
  bare.parse(warm);
  bareAttrs.parse(warm);
  parseJUnit(warm);
  const bareMs = time(() => bare.parse(text), runs);
  const bareWithAttributesMs = time(() => bareAttrs.parse(text), runs);
  let peak = 0;
  const modelMs = time(() => {
    const before = process.memoryUsage().heapUsed;
    const r = parseJUnit(text);
    peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    if (r.tests.length !== cases) throw new Error(`parsed ${r.tests.length} of ${cases} cases`);
  }, runs);
  return {
    cases,
    bytes: Buffer.byteLength(text),
    bareMs: Math.round(bareMs),
    bareWithAttributesMs: Math.round(bareWithAttributesMs),
    modelMs: Math.round(modelMs),
    ratio: Math.round((modelMs / bareMs) * 100) / 100,
    ratioWithAttributes: Math.round((modelMs / bareWithAttributesMs) * 100) / 100,
    peakHeapMB: Math.round(peak / 1024 / 1024),
  };
}

if (require.main === module) {
  console.log(JSON.stringify(measureJUnit(Number(process.argv[2] ?? 100_000)), null, 2));
}
