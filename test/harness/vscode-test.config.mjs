// @vscode/test-cli (`npm run test:electron` → `vscode-test --config test/harness/vscode-test.config.mjs`): the same extension tests in desktop
// VS Code, downloaded by @vscode/test-electron (needs access to update.code.visualstudio.com, which
// these CI machines do not have: there `npm run test:extension` runs them in code-server instead).
// The test-cli runner loads the esbuild bundle of test/extension/index.ts as a mocha file; the bundle
// notices the runner's globals and registers its suites there (test/harness/extensionMocha.ts).
// `node test/harness/run-electron.mjs` runs the same bundle through its own run() instead.
import { defineConfig } from '@vscode/test-cli';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Paths are absolute: test-cli resolves relative ones against this file's folder.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const workspace = mkdtempSync(path.join(tmpdir(), 'sdlc-ext-workspace-'));

export default defineConfig({
  label: 'extension',
  files: path.join(root, 'out/test/extension/index.js'),
  extensionDevelopmentPath: root,
  version: process.env.VSCODE_TEST_VERSION ?? 'stable',
  workspaceFolder: workspace,
  env: { SDLC_TEST_WORKSPACE: workspace },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 60000, color: true, reporter: path.join(root, 'test/harness/reporter.cjs') },
});
