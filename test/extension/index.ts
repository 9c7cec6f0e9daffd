// Extension-test entry: VS Code (code-server via test/harness/run-extension-tests.mjs, or desktop
// VS Code via @vscode/test-electron) loads the bundle out/test/extension/index.js and awaits run().
// The workspace folder under test is in process.env.SDLC_TEST_WORKSPACE.
import { runMocha } from '../harness/extensionMocha'; // must stay the first import: defines describe/it

// ── Suites ── one import per line; each file uses the globals describe/it/before…
import './smoke.test';
import './repositories.test';
import './testRuns.test';
import './ci.test';
import './versions.test';
import './versionsEcosystems.test';
import './packages.test';
import './deployments.test';

export function run(): Promise<void> {
  return runMocha();
}
