// @vscode/test-cli (`npm run test:electron` → `vscode-test`): the same extension tests in desktop
// VS Code, downloaded by @vscode/test-electron (needs access to update.code.visualstudio.com, which
// these CI machines do not have: there `npm run test:extension` runs them in code-server instead).
// The test-cli runner loads the esbuild bundle of test/extension/index.ts as a mocha file; the bundle
// notices the runner's globals and registers its suites there (test/harness/extensionMocha.ts).
// `node test/harness/run-electron.mjs` runs the same bundle through its own run() instead.
import { defineConfig } from '@vscode/test-cli';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const workspace = mkdtempSync(path.join(tmpdir(), 'sdlc-ext-workspace-'));

export default defineConfig({
  label: 'extension',
  files: 'out/test/extension/index.js',
  version: process.env.VSCODE_TEST_VERSION ?? 'stable',
  workspaceFolder: workspace,
  env: { SDLC_TEST_WORKSPACE: workspace },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 60000, color: true, reporter: path.resolve('test/harness/reporter.cjs') },
});
