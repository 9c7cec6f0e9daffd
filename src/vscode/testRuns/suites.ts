/**
 * The suites of a repository: `.sdlc.json` `tests` when present, else the ones detected from
 * package.json scripts. No `vscode` import: the CLI (`sdlc test`) uses it too.
 */
import * as path from 'node:path';
import { assertValidConfig, loadConfig, type TestSuiteConfig } from '../../core/config/config';
import { detectSuites, type SuiteRunResult, type TestReport, type TestSuite } from '../../core/testing';

export async function loadSuites(repoRoot: string): Promise<TestSuite[]> {
  const config = assertValidConfig(await loadConfig(repoRoot));
  if (config.tests && config.tests.length > 0) return config.tests.map((t) => suiteFromConfig(repoRoot, t));
  const suites = await detectSuites(repoRoot);
  for (const suite of suites) {
    if (!config.testKinds || !Object.hasOwn(config.testKinds, suite.name)) continue;
    const guess = `${suite.kind}, because ${suite.kindReason ?? 'of its name'}`;
    suite.kind = config.testKinds[suite.name];
    suite.kindReason = `set in .sdlc.json "testKinds" (the guess was ${guess})`;
  }
  return suites;
}

export function suiteFromConfig(repoRoot: string, t: TestSuiteConfig): TestSuite {
  const suite: TestSuite = { name: t.name, kind: t.kind, kindReason: 'set in .sdlc.json', command: t.command, cwd: path.resolve(repoRoot, t.cwd ?? '.'), origin: 'config' };
  if (t.env) suite.env = t.env;
  if (t.timeout !== undefined) suite.timeoutMs = t.timeout * 1000;
  if (t.report) suite.report = { ...t.report };
  return suite;
}

/**
 * The report of a run that has none (no report configured, or it could not be read): one test
 * named after the suite, passed only when the command exited 0 and no report was expected.
 */
export function reportFromExit(suite: TestSuite, result: Pick<SuiteRunResult, 'reportError' | 'exitCode' | 'signal' | 'outputTail' | 'durationMs'>): TestReport {
  const ok = !result.reportError && result.exitCode === 0;
  const message = result.reportError
    ? result.reportError.message
    : ok
      ? undefined
      : `The command exited with ${result.exitCode ?? result.signal}.\n${result.outputTail.slice(-2000)}`;
  const test = { id: `::${suite.name}`, suite: [], name: suite.name, status: ok ? ('passed' as const) : ('failed' as const), durationMs: result.durationMs, ...(message ? { message } : {}) };
  return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, durationMs: result.durationMs, tests: [test] };
}
