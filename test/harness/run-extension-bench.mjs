// The editor bench (issue 11 §4): bundles test/bench/editor/index.ts to out/test/editor-bench/index.js
// and runs it inside a real VS Code (code-server's extension host, opened by headless Chromium) with
// the folder given as the workspace — the same launch as run-extension-tests.mjs, one test, no
// fixtures. The numbers land in the JSON file named by SDLC_BENCH_OUT; SDLC_EDITOR_BENCH_SKIP_REPOSITORIES=1
// is passed on to the test (see test/bench/editor/editor.bench.ts); SDLC_EDITOR_BENCH_BUILTIN_GIT=0 turns
// VS Code's own Git extension off (git.enabled: false), to see what its reads cost the first screen.
//   node test/harness/run-extension-bench.mjs <folder>       (needs `node esbuild.mjs` first: dist/extension.js)
// Exit: 0 measured, 1 the bench test failed, 2 harness error or timeout (SDLC_TEST_TIMEOUT_S, default 900).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import * as esbuild from 'esbuild';
import {
  PROJECT_ROOT, CHROMIUM_ARGS, ensureCodeServer, findChromium, injectDevelopmentOptions,
  loadPlaywright, startCodeServer, workbenchUrl,
} from './codeServer.mjs';

const NOISE = /vsda|ENOTFOUND open-vsx\.org|is not a web extension|^(Resolving|Resolved) connection token|^Creating a socket|^Updating additional builtin|^\[Service Worker\]|ChatSessionStore: Migrating/;
const TIMEOUT_MS = 1000 * Number(process.env.SDLC_TEST_TIMEOUT_S || 900);
const ENTRY = path.join(PROJECT_ROOT, 'out/test/editor-bench/index.js');
const t0 = Date.now();
const say = (msg) => process.stderr.write(`[editor-bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);

const folder = process.argv[2] ? path.resolve(process.argv[2]) : '';
let server;
let browser;

async function main() {
  if (!folder || !existsSync(folder)) throw new Error(`usage: run-extension-bench.mjs <folder> (got ${process.argv[2] ?? 'nothing'})`);
  if (!existsSync(path.join(PROJECT_ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js missing: run `node esbuild.mjs` first');
  await esbuild.build({
    entryPoints: { index: path.join(PROJECT_ROOT, 'test/bench/editor/index.ts') }, outdir: path.dirname(ENTRY),
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
    external: ['vscode', 'mocha'],
  });
  await ensureCodeServer();
  let timer;
  const deadline = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timeout after ${TIMEOUT_MS / 1000}s`)), TIMEOUT_MS); });
  try {
    return await Promise.race([measure(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function measure() {
  const env = {};
  if (process.env.SDLC_BENCH_OUT) env.SDLC_BENCH_OUT = path.resolve(process.env.SDLC_BENCH_OUT);
  if (process.env.SDLC_EDITOR_BENCH_SKIP_REPOSITORIES) env.SDLC_EDITOR_BENCH_SKIP_REPOSITORIES = process.env.SDLC_EDITOR_BENCH_SKIP_REPOSITORIES;
  server = await startCodeServer({ folder, env, quiet: true, userSettings: process.env.SDLC_EDITOR_BENCH_BUILTIN_GIT === '0' ? { 'git.enabled': false } : {} });
  say(`code-server listening on port ${server.port}, folder ${folder}`);
  const { chromium } = await loadPlaywright();
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  await page.exposeFunction('codeAutomationLog', (_level, args) => {
    const text = Array.isArray(args) ? format(...args) : String(args);
    if (!NOISE.test(text)) process.stdout.write(`${text}\n`);
  });
  const exited = new Promise((resolve) => { void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code))); });
  await injectDevelopmentOptions(page, { extensionPath: PROJECT_ROOT, testsPath: ENTRY });
  await page.goto(workbenchUrl(server.url, folder));
  const code = await exited;
  say(`bench exited with code ${code}`);
  return code === 0 ? 0 : 1;
}

let exitCode = 2;
try {
  exitCode = await main();
} catch (e) {
  say(`ERROR ${e instanceof Error ? e.stack ?? e.message : e}`);
}
await browser?.close().catch(() => {});
await server?.stop({ keep: exitCode !== 0 });
process.exit(exitCode);
