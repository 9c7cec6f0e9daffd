import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TEST_KINDS } from '../config/shape';
import { SdlcError, errorMessage } from '../errors';
import type { ReportFormat } from './model';

export type TestKind = (typeof TEST_KINDS)[number];
export { TEST_KINDS };

/** A runnable suite: from `.sdlc.json` `tests`, or detected from package.json scripts. */
export interface TestSuite {
  name: string;
  kind: TestKind;
  /** argv, or a command line split with `splitCommand` (never given to a shell). */
  command: string | string[];
  /** Absolute directory to run in. */
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Where the results are: a file (relative to cwd) or, without `path`, stdout. No report: the exit code decides. */
  report?: { format: ReportFormat; path?: string };
  /**
   * A detected npm script that is a plain mocha / files-free `node --test` call: arguments after
   * npm's `--` reach that runner, so a test-name filter can be added (re-run failed tests).
   */
  runner?: 'mocha' | 'node-test';
  /** Where the suite comes from, for display. */
  origin?: 'config' | 'detected';
}

/** The kind a suite or script name suggests: `test:e2e` → acceptance, `test:api` → integration, … */
export function guessKind(name: string): TestKind {
  const words = name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && w !== 'test' && w !== 'tests');
  const has = (...w: string[]) => words.some((x) => w.includes(x));
  if (has('e2e', 'acceptance', 'uat', 'ui', 'cucumber', 'playwright', 'cypress')) return 'acceptance';
  if (has('security', 'audit', 'sec', 'snyk', 'sast')) return 'security';
  if (has('regression', 'regress', 'visual', 'snapshot')) return 'regression';
  if (has('integration', 'int', 'api', 'it', 'contract')) return 'integration';
  return 'unit';
}

/** Scripts that never finish on their own or are not a run of the tests. */
const NOT_A_RUN = /(?:^|[^a-z])(watch|dev|debug|coverage|cov|update|snapshot-update|ci-setup)(?:$|[^a-z])/i;

/**
 * Suites detected from the `scripts` of `<repoRoot>/package.json`: `test`, `test:*`, `test-*` and
 * `*:test` (watch/debug/coverage variants left out), run as `npm run <script>` in repoRoot.
 * mocha and `node --test` scripts get a machine-readable reporter on stdout, so their results show
 * up per test; other scripts are judged by their exit code. No package.json → no suites.
 */
export async function detectSuites(repoRoot: string): Promise<TestSuite[]> {
  const file = path.join(repoRoot, 'package.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SdlcError('ReadFailed', `Could not read ${file}: ${errorMessage(e)}`, { cause: e });
  }
  let scripts: unknown;
  try {
    scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
  } catch (e) {
    throw new SdlcError('InvalidPackageJson', `${file} is not valid JSON: ${errorMessage(e)}`, { usage: true, cause: e });
  }
  if (scripts === null || typeof scripts !== 'object') return [];
  const suites: TestSuite[] = [];
  for (const [name, body] of Object.entries(scripts as Record<string, unknown>)) {
    if (typeof body !== 'string' || !isTestScript(name)) continue;
    const suite: TestSuite = {
      name,
      kind: guessKind(name),
      command: name === 'test' ? ['npm', 'test', '--silent'] : ['npm', 'run', name, '--silent'],
      cwd: repoRoot,
      origin: 'detected',
    };
    const reporter = reporterFor(body);
    if (reporter) {
      (suite.command as string[]).push('--', ...reporter.args);
      suite.report = { format: reporter.format };
      suite.runner = reporter.runner;
    }
    suites.push(suite);
  }
  return suites;
}

function isTestScript(name: string): boolean {
  if (NOT_A_RUN.test(name)) return false;
  return name === 'test' || /^tests?[:-]/.test(name) || /[:-]tests?$/.test(name);
}

/** Only when the script is a single plain runner call, so `--` arguments reach that runner. */
function reporterFor(script: string): { format: ReportFormat; args: string[]; runner: 'mocha' | 'node-test' } | undefined {
  if (/&&|\|\||[;|]/.test(script) || /--reporter\b|--test-reporter\b/.test(script)) return undefined;
  if (/^(?:npx\s+)?mocha(?:\s|$)/.test(script)) return { format: 'mocha-json', args: ['--reporter', 'json'], runner: 'mocha' };
  // node takes options only before the first file: add the reporter only to a files-free `node --test`.
  if (/^node(?:\s+--\S+)*\s+--test(?:\s+--\S+)*\s*$/.test(script)) return { format: 'tap', args: ['--test-reporter=tap'], runner: 'node-test' };
  return undefined;
}
