// The editor bench (issue 11 §4): bundles test/bench/editor/index.ts to out/test/editor-bench/index.js
// and runs it inside a real VS Code (code-server's extension host, opened by headless Chromium) with
// the folder given as the workspace — the same launch as run-extension-tests.mjs, one test, no
// fixtures. The numbers land in the JSON file named by SDLC_BENCH_OUT; SDLC_EDITOR_BENCH_POLL=1 and
// SDLC_EDITOR_BENCH_PROFILE=<file> are passed on to the test (see test/bench/editor/editor.bench.ts);
// SDLC_EDITOR_BENCH_BUILTIN_GIT=0 turns VS Code's own Git extension off (git.enabled: false), to see
// what its reads cost the first screen.
// The views are seen where they are drawn, in the page: a MutationObserver (RENDER_WATCH) notes when
// the Repositories view first shows the repository populated and the Versions view its first plan.
// Those times are added to the JSON file as `render` (epoch ms; the test writes the activation's), with
// when the page first asked the extension host for the Repositories view's items (`asked`).
// Two files in SDLC_BENCH_SIGNALS (a fresh folder) pace the test: `ready` once the workbench is drawn
// (the Explorer shows the folder, then the page has an idle moment): the test opens the SDLC view only
// then, as a user clicks it in a loaded window, not while the page is still drawing its own start;
// `populated` once the page showed the Repositories view populated (the end of the span in which the
// test notes each process's CPU time); `rendered` once the page showed both views filled: the test
// does not end (which stops the extension host) before that.
//   node test/harness/run-extension-bench.mjs <folder>       (needs `node esbuild.mjs` first: dist/extension.js)
// Exit: 0 measured, 1 the bench test failed, 2 harness error or timeout (SDLC_TEST_TIMEOUT_S, default 900).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
let signals;
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

/**
 * In the page: when the Repositories view first shows a row and first shows the repository populated
 * (its "Branches <count>" row, which exists only once the snapshot is in the view's model), and when
 * the Versions view first shows a row and first shows a plan ("<version> → <version>").
 * `window.__sdlcRender` holds the times (epoch ms) and the rows; `window.__sdlcRendered` settles once
 * both views got there.
 */
function RENDER_WATCH() {
  const seen = (window.__sdlcRender = { repositories: {}, versions: {} });
  // When the page first asks the extension host for the Repositories view's items (VS Code's
  // `$getChildren` request, sent once the page has the view's registration): the round trip the
  // populated render waits for besides the extension's own work.
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!seen.repositories.asked && (data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
      const text = new TextDecoder('latin1').decode(data);
      if (text.includes('$getChildren') && text.includes('"sdlc.repositories"')) seen.repositories.asked = Date.now();
    }
    return send.call(this, data);
  };
  let done;
  window.__sdlcRendered = new Promise((resolve) => (done = resolve));
  let populated;
  window.__sdlcPopulated = new Promise((resolve) => (populated = resolve));
  const views = [
    { name: 'Repositories', into: seen.repositories, full: 'populated', test: (rows) => rows.some((t) => /^Branches\s*\d/.test(t)) },
    { name: 'Versions', into: seen.versions, full: 'plan', test: (rows) => rows.some((t) => /\d\s*→\s*v?\d/.test(t)) },
  ];
  const check = () => {
    for (const pane of document.querySelectorAll('.part.sidebar .pane')) {
      // (The title alone: a view's description follows it in the header, e.g. "Repositories" "repo-50k · main".)
      const header = pane.querySelector('.pane-header .title')?.textContent ?? '';
      const view = views.find((v) => new RegExp(`^\\s*${v.name}\\b`, 'i').test(header));
      if (!view || view.into[view.full]) continue;
      const rows = [...pane.querySelectorAll('.monaco-list-row')].map((r) => (r.textContent ?? '').trim());
      if (rows.length && !view.into.firstRow) view.into.firstRow = { at: Date.now(), rows };
      if (view.test(rows)) {
        view.into[view.full] = { at: Date.now(), rows };
        if (view.full === 'populated') populated();
      }
    }
    if (views.every((v) => v.into[v.full])) {
      observer.disconnect();
      done();
    }
  };
  const observer = new MutationObserver(check);
  const start = () => observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
}

async function measure() {
  signals = mkdtempSync(path.join(tmpdir(), 'sdlc-bench-signals-'));
  const env = { SDLC_BENCH_SIGNALS: signals };
  if (process.env.SDLC_BENCH_OUT) env.SDLC_BENCH_OUT = path.resolve(process.env.SDLC_BENCH_OUT);
  for (const name of ['SDLC_EDITOR_BENCH_POLL', 'SDLC_EDITOR_BENCH_PROFILE']) if (process.env[name]) env[name] = process.env[name];
  // (SDLC_BENCH_HOME: the bench's one HOME for all its runs; the user data and extensions are this run's.)
  server = await startCodeServer({ folder, env, quiet: true, home: process.env.SDLC_BENCH_HOME || undefined, userSettings: process.env.SDLC_EDITOR_BENCH_BUILTIN_GIT === '0' ? { 'git.enabled': false } : {} });
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
  await page.addInitScript(RENDER_WATCH);
  await page.goto(workbenchUrl(server.url, folder));
  const paced = (async () => {
    await page.locator('.part.sidebar .monaco-list-row').first().waitFor({ timeout: 120000 });
    await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5000 })));
    writeFileSync(path.join(signals, 'ready'), '');
    await page.evaluate(() => window.__sdlcPopulated);
    writeFileSync(path.join(signals, 'populated'), '');
    await page.evaluate(() => window.__sdlcRendered);
    writeFileSync(path.join(signals, 'rendered'), '');
  })();
  paced.catch((e) => say(`pacing the test: ${e instanceof Error ? e.message : e}`));
  const code = await exited;
  say(`bench exited with code ${code}`);
  if (code !== 0) return 1;
  if (process.env.SDLC_BENCH_OUT) {
    const render = await page.evaluate(() => window.__sdlcRender ?? {});
    const out = path.resolve(process.env.SDLC_BENCH_OUT);
    writeFileSync(out, JSON.stringify({ ...JSON.parse(readFileSync(out, 'utf8')), render }));
  }
  return 0;
}

let exitCode = 2;
try {
  exitCode = await main();
} catch (e) {
  say(`ERROR ${e instanceof Error ? e.stack ?? e.message : e}`);
}
await browser?.close().catch(() => {});
if (signals) rmSync(signals, { recursive: true, force: true });
await server?.stop({ keep: exitCode !== 0 });
process.exit(exitCode);
