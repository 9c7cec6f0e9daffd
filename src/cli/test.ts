/**
 * `sdlc test`: runs the repository's suites (`.sdlc.json` `tests`, else detected from package.json),
 * or parses an existing report (`--report FILE --format junit|tap|mocha-json`). Both end with the
 * line `N passed, N failed` (`, N skipped`) and exit 1 when anything failed.
 */
import * as path from 'node:path';
import { SdlcError, errorMessage } from '../core/errors';
import { TEST_KINDS, assertReportFormat, formatCommand, readReportFile, runSuite, type ReportFormat, type TestCase, type TestKind, type TestReport, type TestSuite } from '../core/testing';
import { parseCommandLine } from '../core/testing/command';
import { ProcessTrees } from '../core/testing/processTree';
import { runnableSuites } from '../core/testing/suite';
import { loadSuites, reportFromExit } from '../vscode/testRuns/suites';
import type { CommandOutput, OptionValues } from './args';
import type { CliContext } from './context';

interface SuiteOutcome {
  suite: string;
  kind: TestKind;
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  error: { code: string; message: string } | null;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  tests: TestCase[];
}

export async function testCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const v = args.values;
  const report = v.report as string | undefined;
  const format = v.format as string | undefined;
  const suiteName = v.suite as string | undefined;
  const kind = v.kind as string | undefined;
  if (report !== undefined) {
    if (suiteName !== undefined || kind !== undefined) throw usage('--report parses an existing report: it cannot be combined with --suite or --kind.');
    return parseReportCommand(context, report, format);
  }
  if (format !== undefined) throw usage('--format goes with --report FILE.');
  if (suiteName !== undefined && kind !== undefined) throw usage('Give --suite NAME or --kind KIND, not both.');
  if (kind !== undefined && !(TEST_KINDS as readonly string[]).includes(kind)) throw usage(`Unknown kind "${kind}"; use one of ${TEST_KINDS.join(', ')}.`);
  return runSuitesCommand(context, suiteName, kind as TestKind | undefined);
}

async function parseReportCommand(context: CliContext, file: string, formatOption: string | undefined): Promise<CommandOutput> {
  const full = path.resolve(context.cwd, file);
  const format = formatOption !== undefined ? assertReportFormat(formatOption) : guessFormat(full);
  // Streamed for JUnit (any size, bounded memory), size-capped for the others: ReportTooLarge, exit 2.
  const parsed = await readReportFile(full, format, { cwd: context.cwd });
  const json = { passed: parsed.passed, failed: parsed.failed, skipped: parsed.skipped, durationMs: parsed.durationMs, tests: parsed.tests, warnings: parsed.warnings ?? [] };
  const lines = [...failureLines(parsed.tests, ''), ...(parsed.warnings ?? []).map((w) => `! ${w}`), summary(parsed)];
  return { json, text: lines.join('\n'), exitCode: parsed.failed > 0 ? 1 : 0 };
}

async function runSuitesCommand(context: CliContext, suiteName: string | undefined, kind: TestKind | undefined): Promise<CommandOutput> {
  const root = (await context.openRepository()).root;
  const all = await loadSuites(root);
  if (all.length === 0) throw new SdlcError('NoSuites', `${root} has no test suites: add "tests" to .sdlc.json or a "test" script to package.json.`, { usage: true });
  // Each test runs once: a script that runs other suites (`test` → `test:unit`, …) runs as its parts.
  let suites: TestSuite[];
  if (suiteName !== undefined) {
    const chosen = all.filter((s) => s.name === suiteName);
    if (chosen.length === 0) throw usage(`No suite "${suiteName}" (suites: ${all.map((s) => s.name).join(', ')}).`, 'UnknownSuite');
    suites = runnableSuites(all, chosen);
  } else if (kind !== undefined) {
    suites = runnableSuites(all).filter((s) => s.kind === kind);
    if (suites.length === 0) throw usage(`No ${kind} suites (suites: ${runnableSuites(all).map((s) => `${s.name} (${s.kind})`).join(', ')}).`, 'NoSuites');
  } else {
    suites = runnableSuites(all);
  }

  // A command that would run as something other than what was written is bad input: refuse it before anything runs.
  for (const s of suites) if (typeof s.command === 'string') parseCommandLine(s.command);

  // The suite's process group is detached from the terminal's: Ctrl-C has to be passed on.
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const outcomes: SuiteOutcome[] = [];
  const processes = new ProcessTrees();
  try {
    for (const suite of suites) {
      if (abort.signal.aborted) break;
      outcomes.push(await runOne(context, suite, abort.signal, processes));
    }
  } finally {
    await processes.dispose();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const total = { passed: 0, failed: 0, skipped: 0, durationMs: 0 };
  for (const o of outcomes) {
    total.passed += o.passed;
    total.failed += o.failed;
    total.skipped += o.skipped;
    total.durationMs += o.durationMs;
  }
  const cancelled = abort.signal.aborted;
  const lines: string[] = [];
  for (const o of outcomes) {
    lines.push(`${o.failed > 0 || o.error ? '✗' : '✓'} ${o.suite} (${o.kind}): ${summary(o)} [${formatMs(o.durationMs)}]`);
    lines.push(...failureLines(o.tests, '  '));
  }
  if (cancelled) lines.push('Cancelled.');
  lines.push(summary(total));
  return {
    json: { ...total, cancelled, suites: outcomes },
    text: lines.join('\n'),
    exitCode: total.failed > 0 || cancelled || outcomes.some((o) => o.error) ? 1 : 0,
  };
}

async function runOne(context: CliContext, suite: TestSuite, signal: AbortSignal, processes: ProcessTrees): Promise<SuiteOutcome> {
  const argv = Array.isArray(suite.command) ? suite.command : [suite.command];
  const base = { suite: suite.name, kind: suite.kind, command: Array.isArray(suite.command) ? formatCommand(argv) : suite.command };
  context.logger.info(`[Tests] running ${suite.name}`);
  let report: TestReport;
  let exitCode: number | null = null;
  let timedOut = false;
  let error: SuiteOutcome['error'] = null;
  try {
    const result = await runSuite(suite, { signal, logger: context.logger, processes });
    exitCode = result.exitCode;
    timedOut = result.timedOut;
    if (result.reportError) error = { code: result.reportError.code, message: result.reportError.message };
    report = result.report ?? reportFromExit(suite, result);
  } catch (e) {
    // Could not start (command not found, bad cwd…): the suite failed; the others still run.
    error = { code: e instanceof SdlcError ? e.code : 'Internal', message: errorMessage(e) };
    report = reportFromExit(suite, { reportError: e instanceof SdlcError ? e : new SdlcError('Internal', errorMessage(e)), exitCode: null, signal: null, outputTail: '', durationMs: 0 });
  }
  return { ...base, exitCode, timedOut, error, passed: report.passed, failed: report.failed, skipped: report.skipped, durationMs: report.durationMs, tests: report.tests };
}

function failureLines(tests: readonly TestCase[], indent: string): string[] {
  const out: string[] = [];
  for (const t of tests) {
    if (t.status !== 'failed') continue;
    const where = t.location ? ` (${t.location.file}:${t.location.line})` : '';
    const name = [...t.suite, t.name].join(' › ');
    const message = t.message?.split('\n').find((l) => l.trim() !== '')?.trim();
    out.push(`${indent}✗ ${name}${where}${message ? `: ${message}` : ''}`);
  }
  return out;
}

/** The closing line: `N passed, N failed` and `, N skipped` when there are any. */
export function summary(c: { passed: number; failed: number; skipped: number }): string {
  return `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`;
}

function guessFormat(file: string): ReportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xml') return 'junit';
  if (ext === '.tap') return 'tap';
  if (ext === '.json') return 'mocha-json';
  throw usage(`Cannot tell the format of ${path.basename(file)}: give --format junit, tap or mocha-json.`);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}

function usage(message: string, code = 'BadUsage'): SdlcError {
  return new SdlcError(code, message, { usage: true });
}
