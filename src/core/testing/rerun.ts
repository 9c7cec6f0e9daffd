import * as path from 'node:path';
import { parseCommandLine } from './command';
import type { FailedTest } from './history';
import type { TestCase, TestReport } from './model';
import type { TestSuite } from './suite';

/** Runners whose command line takes a test-name filter. */
export type FilterableRunner = 'mocha' | 'node-test';

/** A test to run again: its name and the suites around it (outermost first). */
export interface RerunTarget {
  name: string;
  suite: readonly string[];
}

export type RerunPlan =
  | { filtered: true; runner: FilterableRunner; suite: TestSuite; pattern: string; targets: RerunTarget[] }
  | { filtered: false; suite: TestSuite; reason: string };

/** `s` as a regular expression that matches exactly `s`. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The suites of a failed test from the history: `FailedTest.suite` when recorded, else read from its
 * id (`file::Outer > Inner::name`, a duplicate ending in ` [n]`).
 */
export function rerunTarget(f: FailedTest): RerunTarget {
  if (f.suite) return { name: f.name, suite: f.suite };
  let id = f.id;
  const dup = /^(.*) \[\d+\]$/s.exec(id);
  if (dup && !id.endsWith(`::${f.name}`)) id = dup[1];
  const head = id.endsWith(`::${f.name}`) ? id.slice(0, id.length - f.name.length - 2) : '';
  const sep = head.indexOf('::');
  const suitePath = sep >= 0 ? head.slice(sep + 2) : '';
  return { name: f.name, suite: suitePath === '' ? [] : suitePath.split(' > ') };
}

/**
 * The regular expression that selects exactly `targets`: anchored, every name escaped. mocha's
 * `--grep` matches the full title (suites and test joined by spaces); `node --test
 * --test-name-pattern` matches the test's own name (Node 20) or its full name (Node 22+), so both
 * are alternatives. A test named like another test's full title runs too — the only over-match.
 */
export function rerunPattern(targets: readonly RerunTarget[], runner: FilterableRunner): string {
  const alternatives = new Set<string>();
  for (const t of targets) {
    const full = [...t.suite, t.name].join(' ');
    alternatives.add(escapeRegExp(full));
    if (runner === 'node-test') alternatives.add(escapeRegExp(t.name));
  }
  return `^(?:${[...alternatives].join('|')})$`;
}

/**
 * Which filterable runner a suite's command starts, if any, and where a filter goes in its argv:
 * - `node [opts] --test [opts] [files]`: `--test-name-pattern=` right after `node` (node takes
 *   options only before the first file);
 * - `[npx] mocha …` or a path to `mocha`/`_mocha`: `--grep <re>` at the end (mocha reads options anywhere);
 * - a detected `npm run <script>` whose script is plain mocha / files-free `node --test`
 *   (`suite.runner`): the filter after npm's `--`, which npm appends to the script.
 */
export function detectRunner(suite: TestSuite): { runner: FilterableRunner; argv: string[]; env: Record<string, string>; insertAt: number } | undefined {
  const { argv, env } = Array.isArray(suite.command) ? { argv: [...suite.command], env: {} } : parseCommandLine(suite.command);
  const prog = (i: number) => (argv[i] === undefined ? '' : path.basename(argv[i]).replace(/\.(?:exe|cmd|js|cjs|mjs)$/i, ''));
  if (suite.runner && prog(0) === 'npm') {
    const dd = argv.indexOf('--');
    if (dd >= 0) return { runner: suite.runner, argv, env, insertAt: argv.length };
  }
  if (/^node(?:js)?$/.test(prog(0))) {
    for (let i = 1; i < argv.length && argv[i].startsWith('-'); i++) {
      if (argv[i] === '--test') return { runner: 'node-test', argv, env, insertAt: 1 };
    }
    // `node ./node_modules/.bin/mocha …`
    if (/^_?mocha$/.test(prog(1))) return { runner: 'mocha', argv, env, insertAt: argv.length };
    return undefined;
  }
  if (/^_?mocha$/.test(prog(0)) || (prog(0) === 'npx' && /^_?mocha$/.test(prog(argv[1] === '--no-install' || argv[1] === '--yes' ? 2 : 1)))) {
    return { runner: 'mocha', argv, env, insertAt: argv.length };
  }
  return undefined;
}

/**
 * How to run only `failed` of `suite`: its argv with the runner's name filter (an argv array, never
 * a shell line), or — for a runner without a filter — the whole suite and the reason.
 */
export function planRerun(suite: TestSuite, failed: readonly FailedTest[]): RerunPlan {
  const found = detectRunner(suite);
  if (!found) {
    return { filtered: false, suite, reason: `The runner of "${suite.name}" has no test-name filter that SDLC knows (only mocha --grep and node --test --test-name-pattern); the whole suite runs again.` };
  }
  const targets = failed.map(rerunTarget);
  const pattern = rerunPattern(targets, found.runner);
  const filter = found.runner === 'mocha' ? ['--grep', pattern] : [`--test-name-pattern=${pattern}`];
  const argv = [...found.argv.slice(0, found.insertAt), ...filter, ...found.argv.slice(found.insertAt)];
  return { filtered: true, runner: found.runner, pattern, targets, suite: { ...suite, command: argv, env: { ...suite.env, ...found.env } } };
}

/**
 * The report of a filtered run without the tests the filter left out: `node --test` reports them as
 * skipped ("test name does not match pattern"). Tests that did run are kept whatever their name.
 */
export function onlyTargets(report: TestReport, targets: readonly RerunTarget[]): TestReport {
  const wanted = new Set(targets.map((t) => key(t)));
  const tests: TestCase[] = report.tests.filter((t) => t.status !== 'skipped' || wanted.has(key(t)));
  if (tests.length === report.tests.length) return report;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const t of tests) {
    if (t.status === 'passed') passed++;
    else if (t.status === 'failed') failed++;
    else skipped++;
  }
  return { ...report, passed, failed, skipped, tests };
}

function key(t: RerunTarget): string {
  return [...t.suite, t.name].join('\u001f');
}
