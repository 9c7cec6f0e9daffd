// The extension tests in desktop VS Code through @vscode/test-electron, calling the bundle's run()
// (the same entry code-server uses). Downloads VS Code (stable, or VSCODE_TEST_VERSION) on first use:
// it works where update.code.visualstudio.com is reachable, not on the offline CI machines.
//   node esbuild.mjs && node test/harness/run-electron.mjs
import { runTests } from '@vscode/test-electron';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './codeServer.mjs';

const workspace = mkdtempSync(path.join(tmpdir(), 'sdlc-ext-workspace-'));
try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? 'stable',
    extensionDevelopmentPath: PROJECT_ROOT,
    extensionTestsPath: path.join(PROJECT_ROOT, 'out/test/extension/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { SDLC_TEST_WORKSPACE: workspace,
      ...(process.env.SDLC_RESULTS_FILE ? { SDLC_RESULTS_FILE: path.resolve(process.env.SDLC_RESULTS_FILE) } : {}) },
  });
} catch (e) {
  console.error(`extension tests failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
