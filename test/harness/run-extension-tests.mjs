// Runs the extension tests (out/test/extension/index.js, built by `npm run test:extension`) inside a
// real VS Code: code-server's server-side extension host, opened by headless Chromium. code-server's
// CLI refuses --extensionDevelopmentPath/--extensionTestsPath, so the web workbench gets them through
// developmentOptions (see codeServer.mjs). Exit: the tests' code (0/1); 2 = harness error or timeout.
// Env: SDLC_TEST_TIMEOUT_S (default 300), SDLC_RESULTS_FILE (passed to the extension host),
//      SDLC_KEEP_WORKDIR=1 (keep the temp workspace and server logs), SDLC_TEST_GREP (run matching tests only).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import {
  PROJECT_ROOT, CHROMIUM_ARGS, ensureCodeServer, exthostLogs, findChromium, injectDevelopmentOptions,
  loadPlaywright, startCodeServer, workbenchUrl,
} from './codeServer.mjs';

// Harmless, known lines (testing.md): closed-source vsda module, unreachable gallery, the web
// scanner refusing the (Node-only) development extension, workbench socket chatter.
const NOISE = /vsda|ENOTFOUND open-vsx\.org|is not a web extension|^(Resolving|Resolved) connection token|^Creating a socket|^Updating additional builtin|^\[Service Worker\]|ChatSessionStore: Migrating/;
const TIMEOUT_MS = 1000 * Number(process.env.SDLC_TEST_TIMEOUT_S || 300);
// SDLC_EXTENSION_TESTS_PATH: another run() entry (e.g. @vscode/test-cli's runner.cjs, for checking test/harness/vscode-test.config.mjs).
const TESTS_ENTRY = path.resolve(process.env.SDLC_EXTENSION_TESTS_PATH ?? path.join(PROJECT_ROOT, 'out/test/extension/index.js'));
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (msg) => process.stderr.write(`[extension-tests +${elapsed()}] ${msg}\n`);

let server;
let browser;
let workspace;

async function main() {
  if (!existsSync(TESTS_ENTRY)) throw new Error(`${TESTS_ENTRY} missing: run \`node esbuild.mjs\` first`);
  await ensureCodeServer(); // the one-time install (~75 s) is not part of the deadline
  // The deadline covers everything after it: server start, page load, the tests themselves.
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout: extension tests did not finish after ${TIMEOUT_MS / 1000}s`)), TIMEOUT_MS);
  });
  try {
    const running = runTests();
    running.catch(() => {}); // after a timeout, cleanup makes it reject too: not an unhandled rejection
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function runTests() {
  const executablePath = findChromium();
  workspace = mkdtempSync(path.join(tmpdir(), 'sdlc-ext-workspace-'));
  writeFileSync(path.join(workspace, 'README.md'), '# SDLC extension test workspace\n');

  const env = { SDLC_TEST_WORKSPACE: workspace };
  if (process.env.SDLC_RESULTS_FILE) env.SDLC_RESULTS_FILE = path.resolve(process.env.SDLC_RESULTS_FILE);
  if (process.env.SDLC_TEST_GREP) env.SDLC_TEST_GREP = process.env.SDLC_TEST_GREP;
  server = await startCodeServer({ folder: workspace, env, quiet: true,
    onOutput: (line) => { if (process.env.SDLC_VERBOSE) process.stderr.write(`[code-server] ${line}\n`); } });
  say(`code-server listening on port ${server.port}`);

  const { chromium } = await loadPlaywright();
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  // codeAutomationLog receives the workbench log, including the extension host's console output
  // (mocha's reporter) and failing stacks; codeAutomationExit(code) is called when run() settles.
  await page.exposeFunction('codeAutomationLog', (_level, args) => {
    // args is console-style: [format, ...values] (mocha's reporter prints with %s/%d).
    const text = Array.isArray(args) ? format(...args) : String(args);
    if (NOISE.test(text)) return;
    process.stdout.write(`${text}\n`);
  });
  const exited = new Promise((resolve) => { void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code))); });
  await injectDevelopmentOptions(page, { extensionPath: PROJECT_ROOT, testsPath: TESTS_ENTRY });
  page.on('pageerror', (e) => say(`page error: ${e.message}`));
  await page.goto(workbenchUrl(server.url, workspace));
  page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: TIMEOUT_MS })
    .then(() => say('workbench rendered'), () => {});

  const code = await exited;
  say(`extension tests exited with code ${code}`);
  return code === 0 ? 0 : 1;
}

async function cleanup(code) {
  await browser?.close().catch(() => {});
  const logs = server ? exthostLogs(server.userDataDir) : [];
  if (code !== 0) {
    for (const log of logs) {
      process.stderr.write(`--- extension host log: ${log}\n`);
      try {
        const lines = readFileSync(log, 'utf8').split('\n');
        process.stderr.write(`${lines.slice(-60).map((l) => l.slice(0, 400)).join('\n')}\n`);
      } catch { /* gone */ }
    }
  }
  // Keep the server-side logs when something failed, so the printed paths stay readable.
  await server?.stop({ keep: code !== 0 });
  if (code !== 0) say(`server work dir kept: ${server?.workDir ?? '(not started)'}`);
  if (workspace && code === 0 && !process.env.SDLC_KEEP_WORKDIR) rmSync(workspace, { recursive: true, force: true });
}

let exitCode = 2;
const onSignal = () => { say('interrupted'); void cleanup(2).finally(() => process.exit(130)); };
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  exitCode = await main();
} catch (e) {
  say(`ERROR ${e instanceof Error ? e.stack ?? e.message : e}`);
  exitCode = 2;
}
await cleanup(exitCode);
say(`done, exit ${exitCode}`);
process.exit(exitCode);
