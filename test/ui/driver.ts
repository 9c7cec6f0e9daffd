// UI driver: the real VS Code workbench (code-server) in headless Chromium via playwright-core,
// with this project loaded as the development extension. Runs under mocha + tsx in plain Node.
//
//   const wb = await openWorkbench({ folder: repoDir });      // folder: null = no folder open
//   await openSdlcContainer(wb.page);
//   await waitForTreeRow(wb.page, 'main');
//   await runCommand(wb.page, 'SDLC: Refresh');
//   await wb.screenshot('repositories');                       // test-results/screenshots/repositories.png
//   await wb.close();
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { CodeServer } from '../harness/codeServer.mjs' with { 'resolution-mode': 'import' };

export const PROJECT_ROOT = path.resolve(__dirname, '../..');
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-results', 'screenshots');

export interface WorkbenchOptions {
  /** Folder to open. undefined = a fresh empty temp folder (removed on close); null = no folder. */
  folder?: string | null;
  /** Merged over the quiet defaults (startupEditor none, no telemetry, ...). */
  userSettings?: Record<string, unknown>;
  /** Extra environment for code-server; the extension host inherits it (e.g. GITHUB_API_URL). */
  env?: Record<string, string>;
  /** Default: this project. */
  extensionPath?: string;
  viewport?: { width: number; height: number };
  /** Default timeout of page actions, ms (default 30 000). */
  timeout?: number;
  /** Workspace Trust on (default off): the folder opens untrusted and VS Code shows its trust dialog. */
  workspaceTrust?: boolean;
}

export interface Workbench {
  page: Page;
  /** The workbench URL the page was opened at. */
  url: string;
  /** The opened folder, or null. */
  folder: string | null;
  server: CodeServer;
  /** Saves test-results/screenshots/<name>.png (mouse moved away, hovers gone); returns the path. */
  screenshot(name: string, options?: { keepHover?: boolean }): Promise<string>;
  close(): Promise<void>;
}

type Harness = typeof import('../harness/codeServer.mjs', { with: { 'resolution-mode': 'import' } });
// codeServer.mjs is ESM; this file is CommonJS under tsx, so it is loaded with a dynamic import.
const loadHarness = (): Promise<Harness> => import('../harness/codeServer.mjs');

export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const harness = await loadHarness();
  const ownFolder = options.folder === undefined ? mkdtempSync(path.join(tmpdir(), 'sdlc-ui-folder-')) : undefined;
  const folder = options.folder === undefined ? ownFolder! : options.folder;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (ownFolder) rmSync(ownFolder, { recursive: true, force: true });
  };
  try {
    const executablePath = harness.findChromium();
    server = await harness.startCodeServer({ folder, userSettings: options.userSettings, env: options.env,
      quiet: !process.env.SDLC_VERBOSE, workspaceTrust: options.workspaceTrust });
    const { chromium } = await harness.loadPlaywright();
    browser = await chromium.launch({ executablePath, args: harness.CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    page.setDefaultTimeout(options.timeout ?? 30000);
    await harness.injectDevelopmentOptions(page, { extensionPath: options.extensionPath ?? PROJECT_ROOT });
    const url = harness.workbenchUrl(server.url, folder);
    await page.goto(url);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60000 });
    return { page, url, folder, server, close, screenshot: (name, opts) => screenshot(page, name, opts) };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The activity-bar item of a view container, by the start of its aria-label ("SDLC", "Explorer"…). */
export function activityBarItem(page: Page, label: string): Locator {
  return page.locator(`.part.activitybar .action-item a[aria-label^="${label}"]`).first();
}

/** Opens the SDLC container (click on its activity-bar item unless it is already shown). */
export async function openSdlcContainer(page: Page): Promise<void> {
  const item = activityBarItem(page, 'SDLC');
  await item.waitFor();
  const checked = page.locator('.part.activitybar .action-item.checked a[aria-label^="SDLC"]');
  if (!(await checked.count())) await item.click();
  await page.locator('.part.sidebar .composite.title', { hasText: /SDLC/i }).waitFor();
}

/**
 * A view's header in the side bar (e.g. "Repositories"). When a container shows a single view, VS Code
 * merges its header into the side bar title ("SDLC: REPOSITORIES"), so that title counts too.
 */
export function viewHeader(page: Page, name: string): Locator {
  const pane = page.locator('.part.sidebar .pane-header', { hasText: name });
  const merged = page.locator('.part.sidebar .composite.title', { hasText: name });
  return pane.or(merged).first();
}

/** Waits until a tree/list row containing `text` is rendered (anywhere in the workbench). */
export async function waitForTreeRow(page: Page, text: string | RegExp, options: { timeout?: number } = {}): Promise<Locator> {
  const row = page.locator('.monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: options.timeout });
  return row;
}

/** Runs a command by its title (e.g. "SDLC: Refresh") through F1 / the command palette. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await page.locator('.monaco-workbench').waitFor();
  await page.keyboard.press('F1');
  const input = widget.locator('.quick-input-box input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = widget.locator('.monaco-list-row', { hasText: title }).first();
  await row.waitFor();
  // Prefer the exact title if several match ("SDLC: Bump" vs "SDLC: Bump Prerelease").
  const exact = widget.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) }).first();
  if (await exact.count()) await exact.click();
  else await input.press('Enter');
  await widget.waitFor({ state: 'hidden' }).catch(() => undefined);
}

/**
 * Best effort: waits (≤ timeout, never throws) until extensions finished activating and no view
 * shows its progress bar, so pictures show settled content rather than a loading state.
 */
export async function waitForWorkbenchIdle(page: Page, timeout = 10000): Promise<void> {
  const quiet = (l: Locator) => l.waitFor({ state: 'hidden', timeout }).catch(() => undefined);
  await quiet(page.locator('.part.statusbar .statusbar-item', { hasText: 'Activating Extensions' }).first());
  await quiet(page.locator('.part.sidebar .monaco-progress-container.active').first());
}

/**
 * Saves test-results/screenshots/<name>.png after moving the mouse away and letting hovers fade.
 * `keepHover: true` leaves the mouse where it is (a picture of a hover/tooltip).
 */
export async function screenshot(page: Page, name: string, options: { keepHover?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await waitForWorkbenchIdle(page);
  if (!options.keepHover) {
    const size = page.viewportSize() ?? { width: 1280, height: 800 };
    await page.mouse.move(size.width - 20, size.height - 60);
    await page.locator('.workbench-hover-container').waitFor({ state: 'detached', timeout: 3000 }).catch(() => undefined);
  }
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Loads another folder (or none: null) in the same page and code-server — a few seconds instead of
 * a new launch. The development extension stays injected (init scripts apply to every navigation).
 */
export async function reopenWorkbench(wb: Workbench, folder: string | null): Promise<void> {
  const harness = await loadHarness();
  await wb.page.goto(harness.workbenchUrl(wb.server.url, folder));
  await wb.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60000 });
}

/** Drags the sash between the side bar and the editor so the side bar is `width` px wide. */
export async function setSideBarWidth(page: Page, width: number): Promise<void> {
  const bar = await page.locator('.part.sidebar').boundingBox();
  if (!bar) throw new Error('the side bar is not visible');
  const edge = bar.x + bar.width;
  const sashes = page.locator('.monaco-sash.vertical');
  for (let i = 0; i < (await sashes.count()); i++) {
    const box = await sashes.nth(i).boundingBox();
    if (!box || Math.abs(box.x + box.width / 2 - edge) > 6) continue;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(bar.x + width, y, { steps: 8 });
    await page.mouse.up();
    const after = await page.locator('.part.sidebar').boundingBox();
    if (!after || Math.abs(after.width - width) > 8) throw new Error(`side bar is ${after?.width} px wide, wanted ${width}`);
    return;
  }
  throw new Error('no sash found at the right edge of the side bar');
}

/** Closes notification toasts (and the notification center); returns their texts so tests can judge them. */
export async function dismissNotifications(page: Page): Promise<string[]> {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  const texts = (await toasts.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  if (texts.length || (await page.locator('.notifications-center.visible').count())) {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await toasts.first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  }
  return texts;
}
