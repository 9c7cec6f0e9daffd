// Screenshots of the Versions view and of a release preview (test-results/screenshots/versions-*.png),
// each after asserting what is shown. A real repository with conventional commits since v1.2.3; the
// preview is started the way a person does: F1 → "SDLC: Bump Version…" → the recommended version.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { cleanupTempDirs, commit, git, headSha, makeRepo, makeTempDir, tag } from '../support/repos';
import { dismissNotifications, openSdlcContainer, openWorkbench, runCommand, setSideBarWidth, viewHeader, type Workbench } from './driver';

const VIEWPORT = { width: 1280, height: 900 };

function versionsPane(page: Page): Locator {
  const pane = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header', { hasText: 'Versions' }) });
  return pane.or(page.locator('.part.sidebar:not(:has(.pane-header))')).first();
}

/** Labels and descriptions of the rows the Versions view renders, in order. */
async function rows(page: Page): Promise<Array<{ label: string; description: string }>> {
  const list = versionsPane(page).locator('.monaco-list-row');
  const out: Array<{ label: string; description: string; index: number }> = [];
  for (const row of await list.all()) {
    out.push({
      index: Number(await row.getAttribute('data-index')),
      label: ((await row.locator('.label-name').first().textContent()) ?? '').trim(),
      description: ((await row.locator('.label-description').first().textContent().catch(() => '')) ?? '').trim(),
    });
  }
  return out.sort((a, b) => a.index - b.index).map(({ label, description }) => ({ label, description }));
}

async function waitForRows(page: Page, what: string, check: (r: Array<{ label: string; description: string }>) => boolean, timeout = 60000) {
  const deadline = Date.now() + timeout;
  let last: Array<{ label: string; description: string }> = [];
  for (;;) {
    last = await rows(page);
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what} not shown within ${timeout} ms; rows: ${JSON.stringify(last)}`);
    await page.waitForTimeout(200); // polling interval of a condition with a deadline
  }
}

describe('UI: Versions view', () => {
  let wb: Workbench | undefined;
  let repo: string;

  before(async () => {
    const parent = await makeTempDir('sdlc-ui-versions-');
    repo = path.join(parent, 'webshop');
    await makeRepo({ dir: repo, commits: ['chore: initial commit'] });
    await commit(repo, 'chore: add the manifest', { 'package.json': `${JSON.stringify({ name: 'webshop', version: '1.2.3', private: true }, null, 2)}\n` });
    await tag(repo, 'v1.2.3', 'Release 1.2.3');
    await commit(repo, 'feat(api)!: drop the v1 search parameters', { 'src/api.ts': 'export const v = 2;\n' });
    await commit(repo, 'feat(api): add a search endpoint', { 'src/search.ts': 'export const search = 1;\n' });
    await commit(repo, 'feat: export the cart as CSV', { 'src/csv.ts': 'export const csv = 1;\n' });
    await commit(repo, 'fix(cart): keep quantities when the page reloads', { 'src/cart.ts': 'export const cart = 1;\n' });
    await commit(repo, 'perf: cache the product index', { 'src/index.ts': 'export const index = 1;\n' });
    await commit(repo, 'docs: explain the query syntax', { 'README.md': '# webshop\n' });
    wb = await openWorkbench({ folder: repo, viewport: VIEWPORT });
  });

  after(async () => {
    await wb?.close();
    await cleanupTempDirs();
  });

  it('shows the package, the recommended bump and the commits grouped by type', async () => {
    const page = wb!.page;
    await openSdlcContainer(page);
    await viewHeader(page, 'Versions').waitFor({ state: 'visible' });
    await setSideBarWidth(page, 560);
    // Collapse the container's other views so the Versions view gets the height.
    const others = page.locator('.part.sidebar .pane-header[aria-expanded="true"]').filter({ hasNotText: 'Versions' });
    for (let i = 0; i < 5 && (await others.count()); i++) await others.first().click();
    const header = page.locator('.part.sidebar .pane-header', { hasText: 'Versions' }).first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();

    const shown = await waitForRows(page, 'the package with its groups', (r) => r.some((x) => x.label === 'Other changes'));
    assert.deepEqual(shown[0], { label: 'webshop', description: '1.2.3 → 2.0.0 (major)' });
    assert.deepEqual(
      shown.filter((r) => ['Breaking changes', 'Features', 'Bug fixes', 'Performance', 'Other changes'].includes(r.label)).map((r) => `${r.label} ${r.description}`),
      ['Breaking changes 1', 'Features 2', 'Bug fixes 1', 'Performance 1', 'Other changes 1'],
    );
    assert.ok(shown.some((r) => r.label === 'drop the v1 search parameters' && r.description.startsWith('api · ')), JSON.stringify(shown));
    assert.deepEqual(await dismissNotifications(page), []);
    await page.locator('.part.editor').click({ position: { x: 40, y: 40 } });
    await wb!.screenshot('versions-view');
  });

  it('previews the release as diffs from F1 → SDLC: Bump Version…, and cancelling changes nothing', async () => {
    const page = wb!.page;
    const before = { head: await headSha(repo), manifest: await fs.readFile(path.join(repo, 'package.json'), 'utf8') };
    await runCommand(page, 'SDLC: Bump Version…');
    const pick = page.locator('.quick-input-widget');
    const recommended = pick.locator('.monaco-list-row', { hasText: '2.0.0' }).first();
    await recommended.waitFor();
    assert.match(await pick.locator('.monaco-list-row').first().innerText(), /2\.0\.0[\s\S]*major — recommended[\s\S]*1 breaking change in api/);
    await recommended.click();

    // One diff editor per file, then the modal asking to apply.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Apply release v2\.0\.0\?[\s\S]*package\.json, CHANGELOG\.md \(new\)/);
    const tabs = page.locator('.part.editor .tab');
    assert.deepEqual((await tabs.allInnerTexts()).map((t) => t.trim().split('\n')[0]).sort(), ['CHANGELOG.md (v2.0.0 preview: new file)', 'package.json (v2.0.0 preview: 1.2.3 ↔ 2.0.0)'].sort());
    // The manifest's diff is in front: its version line before and after.
    assert.match(await page.locator('.part.editor .tab.active').innerText(), /^package\.json/);
    const diff = page.locator('.part.editor .monaco-diff-editor').first();
    await diff.waitFor();
    assert.match(await diff.innerText(), /"version":\s+"1\.2\.3"[\s\S]*"version":\s+"2\.0\.0"/);
    await wb!.screenshot('versions-preview-diff');

    await dialog.locator('.dialog-buttons a, .dialog-buttons .monaco-button', { hasText: 'Cancel' }).first().click();
    await dialog.waitFor({ state: 'hidden' });
    await tabs.filter({ hasText: 'preview' }).first().waitFor({ state: 'detached' });
    assert.equal(await headSha(repo), before.head);
    assert.equal(await fs.readFile(path.join(repo, 'package.json'), 'utf8'), before.manifest);
    assert.equal((await git(repo, ['tag', '--list', 'v2.0.0'])).trim(), '');
  });
});
