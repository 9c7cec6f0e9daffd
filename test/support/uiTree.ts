// Reading one tree view of the SDLC container in a UI test (test/ui/*): the rows it renders, each
// with its path of labels (from aria-level), description, codicon and expansion; waiting for a
// condition over them with a deadline; folding the container's other views so the view under
// test has the height (list rows are virtualized: rows outside the pane are not in the DOM).
import type { Locator, Page } from 'playwright-core';
import { dismissNotifications, openSdlcContainer, setSideBarWidth, viewHeader } from '../ui/driver';

export interface TreeRow {
  index: number;
  level: number;
  /** Labels from the top-level row down to this one. */
  path: string[];
  label: string;
  description: string;
  /** The codicon class of the row's icon (e.g. codicon-package), '' when none. */
  icon: string;
  expanded: string | null;
}

/** The pane of a view of the side bar by its header (the whole side bar when it is the only view). */
export function viewPane(page: Page, view: string): Locator {
  const pane = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header', { hasText: view }) });
  return pane.or(page.locator('.part.sidebar:not(:has(.pane-header))')).first();
}

/** The rows a view renders now, in order. */
export async function treeRows(page: Page, view: string): Promise<TreeRow[]> {
  const rows = await viewPane(page, view).evaluate((pane: unknown) => {
    // Runs in the page; this project compiles without the DOM library, hence the local shape.
    // No named local functions: tsx's keepNames would wrap them in a `__name` the page lacks.
    interface El { dataset: Record<string, string | undefined>; textContent: string | null; classList: Iterable<string>; getAttribute(name: string): string | null; querySelector(selector: string): El | null; querySelectorAll(selector: string): Iterable<El> }
    return [...(pane as El).querySelectorAll('.monaco-list-row')].map((r) => ({
      index: Number(r.dataset.index),
      level: Number(r.getAttribute('aria-level') ?? '1'),
      label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
      icon: [...(r.querySelector('.custom-view-tree-node-item-icon')?.classList ?? [])].find((c) => c.startsWith('codicon-') && c !== 'codicon-modifier-spin') ?? '',
      expanded: r.getAttribute('aria-expanded'),
    }));
  });
  rows.sort((a, b) => a.index - b.index);
  const stack: string[] = [];
  return rows.map((r) => {
    stack.length = Math.max(0, r.level - 1);
    stack.push(r.label);
    return { ...r, path: [...stack] };
  });
}

/** The rendered row at a path of labels (each matches exactly or as a prefix followed by a space). */
export function findRow(rows: TreeRow[], labels: string[]): TreeRow | undefined {
  return rows.find((r) => r.path.length === labels.length && labels.every((l, i) => r.path[i] === l || r.path[i].startsWith(`${l} `)));
}

/** Polls the view's rows until `check` returns something truthy; fails with what was seen last. */
export async function waitForTree<T>(page: Page, view: string, what: string, check: (rows: TreeRow[]) => T | undefined | null | false, timeout = 60000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const rows = await treeRows(page, view);
    const got = check(rows);
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`${view}: ${what} not shown within ${timeout} ms; rows:\n${rows.map((r) => `  ${'  '.repeat(r.level - 1)}${r.label} | ${r.description} | ${r.icon} | ${r.expanded ?? ''}`).join('\n')}`);
    await page.waitForTimeout(250); // polling interval of a condition with a deadline
  }
}

/** Waits for the row at `labels` satisfying `check`. */
export function waitForRow(page: Page, view: string, labels: string[], check: (r: TreeRow) => boolean = () => true, timeout = 60000): Promise<TreeRow> {
  return waitForTree(page, view, labels.join(' › '), (rows) => {
    const row = findRow(rows, labels);
    return row && check(row) ? row : undefined;
  }, timeout);
}

/** The rendered row element (by index, only while it still shows the same label). */
export function rowLocator(page: Page, view: string, row: TreeRow): Locator {
  const label = page.locator('.label-name', { hasText: new RegExp(`^\\s*${row.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) });
  return viewPane(page, view).locator(`.monaco-list-row[data-index="${row.index}"]`).filter({ has: label });
}

/** Expands or collapses the row at `labels` by its twistie; clicks again when the tree re-rendered under the click. */
export async function setExpanded(page: Page, view: string, labels: string[], expanded: boolean): Promise<void> {
  const deadline = Date.now() + 30000;
  for (;;) {
    const row = await waitForRow(page, view, labels, (r) => r.expanded !== null);
    if (row.expanded === String(expanded)) return;
    if (Date.now() > deadline) throw new Error(`could not ${expanded ? 'expand' : 'collapse'} ${labels.join(' › ')}`);
    await rowLocator(page, view, row).locator('.monaco-tl-twistie').click({ timeout: 5000 }).catch(() => undefined);
    await waitForRow(page, view, labels, (r) => r.expanded === String(expanded), 3000).catch(() => undefined);
  }
}

/** Opens the SDLC container at `width` px with every view but `view` folded, and `view` expanded. */
export async function showOnlyView(page: Page, view: string, width = 600): Promise<void> {
  await openSdlcContainer(page);
  await viewHeader(page, view).waitFor({ state: 'visible' });
  await setSideBarWidth(page, width);
  const others = page.locator('.part.sidebar .pane-header[aria-expanded="true"]').filter({ hasNotText: view });
  for (let i = 0; i < 6 && (await others.count()); i++) {
    const name = (await others.first().locator('.title').innerText()).trim();
    await others.first().click();
    await page.locator('.part.sidebar .pane-header[aria-expanded="false"]', { hasText: name }).first().waitFor();
  }
  const header = page.locator('.part.sidebar .pane-header', { hasText: view }).first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  await viewPane(page, view).waitFor({ state: 'visible' });
}

/** Closes toasts before a picture; the texts are returned (and logged) so a test can judge them. */
export async function closeToasts(page: Page): Promise<string[]> {
  const texts = await dismissNotifications(page);
  if (texts.length) console.log(`      (closed notifications: ${texts.map((t) => JSON.stringify(t.replace(/\s+/g, ' '))).join(', ')})`);
  return texts;
}

/** Moves keyboard focus to the editor area: no focus outline or inline actions in the picture. */
export async function blurViews(page: Page): Promise<void> {
  // Away from the side bar first: a hover left by the last click (e.g. "Views and More Actions...") would take the click.
  const editor = await page.locator('.part.editor').boundingBox();
  if (editor) await page.mouse.move(editor.x + editor.width / 2, editor.y + editor.height - 40);
  await page.locator('.context-view .hover-contents, .workbench-hover-container').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  await page.locator('.part.editor').click({ position: { x: 40, y: 40 } });
}

/** The text of the hover shown after pointing at a row's label. */
export async function hoverRow(page: Page, view: string, row: TreeRow, contains: string | RegExp): Promise<string> {
  const hover = page.locator('.workbench-hover-container, .monaco-hover.workbench-hover').filter({ hasText: contains }).first();
  // A hover goes away when the tree re-renders the row under it (the view refreshes as data comes
  // in): move off and back on, with the row found again by its labels, until the hover stays.
  const deadline = Date.now() + 30000;
  for (let current = row; ; ) {
    await rowLocator(page, view, current).locator('.label-name').hover({ timeout: 5000 }).catch(() => undefined);
    if (await hover.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) return hover.innerText();
    if (Date.now() > deadline) throw new Error(`${view}: no hover with ${String(contains)} over ${row.path.join(' › ')}`);
    const editor = await page.locator('.part.editor').boundingBox();
    if (editor) await page.mouse.move(editor.x + editor.width / 2, editor.y + editor.height / 2);
    current = await waitForRow(page, view, row.path);
  }
}
