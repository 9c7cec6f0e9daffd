/**
 * The extension packages itself (issue 12 §4): `sdlc package --target vsix` builds the .vsix, code-server
 * installs it with `--install-extension` (no development path: the installed copy runs), and the
 * extension activates and shows its views, the Packages view among them.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { openSdlcContainer, PROJECT_ROOT, screenshot, viewHeader } from './driver';

type Harness = typeof import('../harness/codeServer.mjs', { with: { 'resolution-mode': 'import' } });
const loadHarness = (): Promise<Harness> => import('../harness/codeServer.mjs');

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { cwd: PROJECT_ROOT, env, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' }, (e, stdout, stderr) => (e ? reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${stderr || e.message}`)) : resolve(stdout))),
  );
}

describe('UI: the .vsix built by sdlc package installs into code-server and activates', function () {
  this.timeout(300_000);
  const work = mkdtempSync(path.join(tmpdir(), 'sdlc-vsix-'));
  let browser: Browser | undefined;
  let stop: (() => Promise<void>) | undefined;
  after(async () => {
    await browser?.close().catch(() => undefined);
    await stop?.();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs, activates, and shows the Packages view', async () => {
    const harness = await loadHarness();
    await harness.ensureCodeServer();
    const bin = harness.CS_BIN;
    // 1. The .vsix, built the way `npm run package` builds it (dist/ is built by the test:ui script).
    const out = await run(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'cli.js'), 'package', '--target', 'vsix', '--out', path.join(work, 'artifacts'), '--json']);
    const doc = JSON.parse(out) as { artifacts: Array<{ path: string; bytes: number; sha256: string }> };
    assert.equal(doc.artifacts.length, 1);
    const vsix = doc.artifacts[0].path;
    assert.match(vsix, /sdlc-workbench-.*\.vsix$/);

    // 2. Installed with code-server's own CLI into a fresh extensions folder.
    const home = path.join(work, 'home');
    const extensionsDir = path.join(work, 'extensions');
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local/share') };
    await run(bin, ['--extensions-dir', extensionsDir, '--user-data-dir', path.join(work, 'user-data-install'), '--install-extension', vsix], env);
    const listed = await run(bin, ['--extensions-dir', extensionsDir, '--user-data-dir', path.join(work, 'user-data-install'), '--list-extensions', '--show-versions'], env);
    const version = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.match(listed, new RegExp(`sdlc-workbench\\.sdlc-workbench@${version.replace(/\./g, '\\.')}`));

    // 3. A folder with .sdlc.json (an activation event), opened without any development path.
    const folder = path.join(work, 'folder');
    await run('git', ['init', '-q', folder]);
    writeFileSync(path.join(folder, '.sdlc.json'), '{}\n');
    const server = await harness.startCodeServer({ folder, extensionsDir, quiet: !process.env.SDLC_VERBOSE });
    stop = () => server.stop();
    const { chromium } = await harness.loadPlaywright();
    browser = await chromium.launch({ executablePath: harness.findChromium(), args: harness.CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(60_000);
    await page.goto(harness.workbenchUrl(server.url, folder));
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 90_000 });
    await openSdlcContainer(page);
    await viewHeader(page, 'Repositories').waitFor({ state: 'visible' });
    await viewHeader(page, 'Packages').waitFor({ state: 'visible' });

    // 4. The installed copy (not a development one) activated: the extension host says so.
    const deadline = Date.now() + 60_000;
    let activated = false;
    while (!activated && Date.now() < deadline) {
      activated = harness.exthostLogs(server.userDataDir).some((file) => /sdlc-workbench\.sdlc-workbench/.test(readFileSync(file, 'utf8')) && /activat/i.test(readFileSync(file, 'utf8')));
      if (!activated) await page.waitForTimeout(250);
    }
    assert.ok(activated, 'the extension host log shows the installed sdlc-workbench activating');
    await screenshot(page, 'packages-installed-vsix');
  });
});
