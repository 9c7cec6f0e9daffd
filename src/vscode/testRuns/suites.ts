/**
 * The suites of a repository: `.sdlc.json` `tests` when present, else the ones detected from
 * package.json scripts. No `vscode` import: the CLI (`sdlc test`) uses it too.
 */
import * as path from 'node:path';
import { assertValidConfig, loadConfig, type TestSuiteConfig } from '../../core/config/config';
import { detectSuites, type TestSuite } from '../../core/testing';

export async function loadSuites(repoRoot: string): Promise<TestSuite[]> {
  const config = assertValidConfig(await loadConfig(repoRoot));
  if (config.tests && config.tests.length > 0) return config.tests.map((t) => suiteFromConfig(repoRoot, t));
  return detectSuites(repoRoot);
}

export function suiteFromConfig(repoRoot: string, t: TestSuiteConfig): TestSuite {
  const suite: TestSuite = { name: t.name, kind: t.kind, command: t.command, cwd: path.resolve(repoRoot, t.cwd ?? '.'), origin: 'config' };
  if (t.env) suite.env = t.env;
  if (t.timeout !== undefined) suite.timeoutMs = t.timeout * 1000;
  if (t.report) suite.report = { ...t.report };
  return suite;
}
