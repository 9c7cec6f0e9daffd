// A real VS Code for tests and `npm start`: code-server (VS Code server + web workbench from npm),
// installed once into `.vscode-test/` and started in its own process group with a throwaway home.
// Facts behind every trick here: /work/shared/testing.md and shared/tools/probe-vscode.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Last code-server on npm whose engines allow Node 20 (VS Code 1.100.3). */
export const CS_VERSION = '4.100.3';
export const CACHE_DIR = path.join(PROJECT_ROOT, '.vscode-test');
export const CS_DIR = path.join(CACHE_DIR, `code-server-${CS_VERSION}`);
export const CS_BIN = path.join(CS_DIR, 'node_modules/.bin/code-server');
const MARKER = path.join(CS_DIR, '.install-ok');
// code-server 4.100.3 pins @vscode/ripgrep 1.15.11, whose postinstall wants release tag v13.0.0-10.
const RG_PKG_VERSION = '1.15.11';
const RG_TAG = 'v13.0.0-10';

/** Quiet, deterministic workbench (no Welcome page, no gallery/update checks, no telemetry). */
export const DEFAULT_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
};

/** Chromium args that work in a container as root (see probe-vscode.md). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const say = (msg) => process.stderr.write(`[code-server] ${msg}\n`);

/** playwright-core from the project's own devDependencies (it downloads no browser). */
export async function loadPlaywright() {
  return import('playwright-core');
}

/**
 * Debian's Chromium. On a machine without it, `@sparticuz/chromium` (npm) ships a headless
 * Chromium inside the package (`await chromium.executablePath()`, launch with its `args` +
 * `--no-sandbox`); it was verified on a plain page only, so it is not wired in here.
 */
export function findChromium() {
  for (const candidate of [process.env.SDLC_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  throw new Error('Chromium not found: install it with `apt-get install -y chromium` (or set SDLC_CHROMIUM to a chromium binary).');
}

function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, options);
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Installs code-server into `.vscode-test/code-server-<v>` once (idempotent via a marker file). */
export async function ensureCodeServer() {
  if (existsSync(MARKER) && existsSync(CS_BIN)) return CS_DIR;
  const major = Number(process.versions.node.split('.')[0]);
  // code-server's postinstall insists on exactly the Node major of its engines field.
  if (major !== 20) throw new Error(`code-server ${CS_VERSION} needs Node 20, this is ${process.version}`);
  for (const [bin, pkg] of [['/usr/bin/rg', 'ripgrep'], ['/usr/bin/make', 'build-essential'], ['/usr/bin/pkg-config', 'pkg-config']]) {
    if (!existsSync(bin)) throw new Error(`${bin} missing: apt-get install -y ${pkg} libkrb5-dev chromium (see .ci/run)`);
  }
  say(`installing code-server@${CS_VERSION} into ${path.relative(PROJECT_ROOT, CS_DIR)} (~1 min, ~320 MB)…`);
  const started = Date.now();
  rmSync(CS_DIR, { recursive: true, force: true });
  const tmp = path.join(CS_DIR, 'tmp');
  // @vscode/ripgrep's postinstall downloads rg from GitHub (blocked) unless it finds
  // $TMPDIR/vscode-ripgrep-cache-<pkg>/ripgrep-<tag>-<target>.tar.gz: seed it with Debian's rg.
  const rgCache = path.join(tmp, `vscode-ripgrep-cache-${RG_PKG_VERSION}`);
  mkdirSync(rgCache, { recursive: true });
  const tarCode = await run('tar', ['czf', path.join(rgCache, `ripgrep-${RG_TAG}-x86_64-unknown-linux-musl.tar.gz`), '-C', '/usr/bin', 'rg'], { stdio: 'inherit' });
  if (tarCode !== 0) throw new Error('could not seed the ripgrep cache');
  const env = {
    ...process.env,
    TMPDIR: tmp,
    npm_config_unsafe_perm: 'true', // postinstall.sh refuses root without it (npm 11 warns, harmless)
    npm_config_yes: 'true', // node-pty runs `npx node-gyp`; the machine's npmrc `yes=false` cancels it
  };
  // Headers from Debian's node, else node-gyp downloads them from nodejs.org (blocked).
  if (existsSync('/usr/include/node/common.gypi')) env.npm_config_nodedir = '/usr';
  const logFile = path.join(CS_DIR, 'install.log');
  const log = createWriteStream(logFile);
  await new Promise((r) => log.on('open', r));
  const timer = setInterval(() => say(`…still installing (${Math.round((Date.now() - started) / 1000)} s, log: ${logFile})`), 15000);
  let code;
  try {
    code = await run('npm', ['install', '--prefix', CS_DIR, '--no-save', '--no-audit', '--no-fund', '--loglevel=error',
      `code-server@${CS_VERSION}`], { env, stdio: ['ignore', log, log] });
  } finally {
    clearInterval(timer);
    log.end();
  }
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`code-server install failed (exit ${code}); log: ${logFile}\n${tail}`);
  }
  const rg = path.join(CS_DIR, 'node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg');
  if (!existsSync(rg)) throw new Error(`ripgrep seeding failed: ${rg} missing (log: ${logFile})`);
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(MARKER, `${new Date().toISOString()}\n`);
  say(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return CS_DIR;
}

/**
 * Starts code-server on `folder` (or no folder when null) on a free loopback port.
 * @param {{ folder?: string|null, userSettings?: object, env?: Record<string,string>,
 *   extensionsDir?: string, userDataDir?: string, home?: string, port?: number, quiet?: boolean, workspaceTrust?: boolean,
 *   onOutput?: (line: string, stream: 'stdout'|'stderr') => void }} [options]
 * @returns {Promise<{ url: string, port: number, workDir: string, userDataDir: string,
 *   extensionsDir: string, process: import('node:child_process').ChildProcess, stop(opts?: { keep?: boolean }): Promise<void> }>}
 */
export async function startCodeServer(options = {}) {
  await ensureCodeServer();
  const workDir = mkdtempSync(path.join(tmpdir(), 'sdlc-code-server-'));
  const home = options.home ?? path.join(workDir, 'home');
  const userDataDir = options.userDataDir ?? path.join(workDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(workDir, 'extensions');
  // Creating the user-data folder first also avoids a "Could not create socket" warning.
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(home, { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  let existing = {};
  if (options.userDataDir && existsSync(settingsFile)) {
    try { existing = JSON.parse(readFileSync(settingsFile, 'utf8')); } catch { existing = {}; }
  }
  // workspaceTrust: true = Workspace Trust as a user has it (the folder starts untrusted and VS Code asks).
  const trust = options.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {};
  writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...existing, ...options.userSettings, ...trust }, null, 2));

  const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${options.port ?? 0}`, '--disable-telemetry',
    '--disable-update-check', ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', '--ignore-last-opened',
    '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  if (options.folder) args.push(options.folder);
  // Even `code-server --version` writes into ~/.config: keep HOME and XDG_* in the work dir.
  const env = { ...process.env, ...options.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'), XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local/state') };
  // detached = own process group, so stop() reaches the extension host, watcher and pty host too.
  const child = spawn(CS_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const killGroup = (signal) => { try { process.kill(-child.pid, signal); } catch { /* already gone */ } };
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  let stopped = false;
  /** Kills the whole process group (SIGTERM, ≤5 s, SIGKILL); removes the work dir unless `keep`. */
  const stop = async ({ keep = false } = {}) => {
    if (stopped) return;
    stopped = true;
    killGroup('SIGTERM');
    let timer;
    await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 5000); })]);
    clearTimeout(timer);
    killGroup('SIGKILL');
    process.off('exit', onExit);
    if (!keep && !process.env.SDLC_KEEP_WORKDIR) rmSync(workDir, { recursive: true, force: true });
  };

  const forward = (stream, name) => {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        // vsda is a closed-source module absent from code-server: looked up on every load, noise.
        if (/vsda/.test(line)) continue;
        options.onOutput?.(line, name);
        if (!options.quiet) process.stderr.write(`[code-server] ${line}\n`);
      }
    });
  };
  forward(child.stdout, 'stdout');
  forward(child.stderr, 'stderr');

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('code-server did not report its port within 60 s')), 60000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`code-server exited early (${code})`)); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.stdout.on('data', (d) => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(String(d));
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
  }).catch(async (e) => { await stop(); throw e; });

  const url = `http://127.0.0.1:${port}/`;
  return { url, port, workDir, userDataDir, extensionsDir, process: child, stop };
}

/** The workbench URL for a folder (or none). */
export function workbenchUrl(base, folder) {
  return folder ? `${base}?folder=${encodeURIComponent(folder)}` : `${base}?ew=true`;
}

/**
 * `page.addInitScript` payload: wraps getAttribute of the workbench configuration meta tag so
 * `developmentOptions` gains the development extension(s) and, optionally, the tests entry.
 * code-server's CLI rejects --extensionDevelopmentPath/--extensionTestsPath; this is the web way.
 */
export async function injectDevelopmentOptions(page, { extensionPath, testsPath }) {
  await page.addInitScript(({ ext, tests }) => {
    const get = Element.prototype.getAttribute;
    Element.prototype.getAttribute = function (name) {
      const v = get.call(this, name);
      if (name !== 'data-settings' || this.id !== 'vscode-workbench-web-configuration' || !v) return v;
      const c = JSON.parse(v);
      const uri = (p) => ({ scheme: 'vscode-remote', authority: location.host, path: p });
      c.developmentOptions = { ...c.developmentOptions, extensions: [uri(ext)], ...(tests ? { extensionTestsPath: uri(tests) } : {}) };
      return JSON.stringify(c);
    };
  }, { ext: extensionPath, tests: testsPath ?? null });
}

/** Server-side extension host logs (activation errors end up here). */
export function exthostLogs(userDataDir) {
  const root = path.join(userDataDir, 'logs');
  const found = [];
  const walk = (dir, depth) => {
    if (depth > 4 || !existsSync(dir)) return;
    for (const entry of readdirSafe(dir)) {
      const p = path.join(dir, entry);
      if (entry === 'remoteexthost.log') found.push(p);
      else walk(p, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}

function readdirSafe(dir) {
  try { return readdirSync(dir); } catch { return []; }
}

// `node test/harness/codeServer.mjs install` installs (used by .ci/run warm-ups and by hand).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  ensureCodeServer().then(
    (dir) => { say(`ready: ${dir} (${((Date.now() - t0) / 1000).toFixed(1)} s)`); },
    (e) => { console.error(e.message); process.exit(3); },
  );
}
