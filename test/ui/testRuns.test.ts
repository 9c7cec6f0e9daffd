// Screenshots of the Testing view (SDLC Tests by kind) and the Test Runs view (history with a
// regression and a flaky test), after three runs of a node:test project driven from the palette.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { cleanupTempDirs, makeTempDir } from '../support/repos';
import { makeTestRunsProject, type TestRunsProject } from '../support/testRunsProject';
import { dismissNotifications, openSdlcContainer, openWorkbench, runCommand, setSideBarWidth, viewHeader, waitForTreeRow, type Workbench } from './driver';

/** Expands every collapsed row of the side bar's trees (twisties), a bounded number of times. */
async function expandAll(page: Page, scope: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const row = page.locator(`${scope} .monaco-list-row[aria-expanded="false"]`).first();
    if (!(await row.count())) return;
    const index = await row.getAttribute('data-index');
    await row.locator('.monaco-tl-twistie').click();
    await page.locator(`${scope} .monaco-list-row[data-index="${index}"][aria-expanded="true"]`).waitFor();
  }
}

describe('Test Runs UI', function () {
  this.timeout(240000);
  let wb: Workbench | undefined;
  let project: TestRunsProject;

  before(async () => {
    project = await makeTestRunsProject(path.join(await makeTempDir('sdlc-ui-testruns-'), 'shop'));
    wb = await openWorkbench({
      folder: project.dir,
      viewport: { width: 1280, height: 900 },
      userSettings: { 'testing.automaticallyOpenPeekView': 'never', 'testing.openTesting': 'neverOpen', 'testing.automaticallyOpenTestResults': 'neverOpen' },
    });
  });

  after(async () => {
    await wb?.close();
    await cleanupTempDirs();
  });

  it('runs the suites three times from the palette: history, a regression and a flaky test', async () => {
    const page = wb!.page;
    await openSdlcContainer(page);
    await setSideBarWidth(page, 560);
    // Room for Test Runs: fold the other views of the container.
    for (const name of ['Repositories', 'Versions', 'Packages', 'Deployments']) {
      const header = page.locator('.part.sidebar .pane-header[aria-expanded="true"]', { hasText: name });
      if (await header.count()) await header.first().click();
    }
    await viewHeader(page, 'Test Runs').waitFor();
    await waitForTreeRow(page, /unit\s*unit · not run yet/, { timeout: 60000 });

    const runAll = async (runs: number) => {
      await runCommand(page, 'SDLC: Run All Test Suites');
      await waitForTreeRow(page, new RegExp(`History\\s*${runs} runs`), { timeout: 60000 });
    };
    await runAll(2); // all green except "divides wrongly"
    await project.setFlip('fail');
    await runAll(4); // "flips" fails
    await project.setFlip('pass');
    await project.setProduct(7);
    await runAll(6); // "flips" passes again (flaky); "multiplies" fails after passing (regression)

    const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Test Runs' }) });
    await pane.locator('.monaco-list-row', { hasText: /Regressions\s*1/ }).first().waitFor();
    await pane.locator('.monaco-list-row', { hasText: /multiplies\s*unit · / }).first().waitFor();
    await pane.locator('.monaco-list-row', { hasText: /flips\s*api · 2 flips · last passed/ }).first().waitFor();
    await pane.locator('.monaco-list-row', { hasText: /^History/ }).first().click();
    await pane.locator('.monaco-list-row', { hasText: /unit: 1 passed, 2 failed/ }).first().waitFor();
    await dismissNotifications(page);
    await wb!.screenshot('test-runs-view');
  });

  it('shows the SDLC Tests items in the Testing view, filtered by kind', async () => {
    const page = wb!.page;
    await runCommand(page, 'Testing: Focus on Test Explorer View');
    const scope = '.part.sidebar';
    await waitForTreeRow(page, /shop/, { timeout: 30000 });
    await expandAll(page, scope);
    await waitForTreeRow(page, /divides wrongly/);
    await waitForTreeRow(page, /flips/);
    // The kinds are tags: the filter "@sdlc.tests:unit" keeps the unit suite only.
    // The filter box is a small editor: focus it and type.
    await page.locator('.part.sidebar .testing-filter-wrapper textarea').first().focus();
    await page.keyboard.type('@sdlc.tests:unit');
    await page.keyboard.press('Escape'); // closes the tag suggestions, keeps the filter
    await page.locator('.part.sidebar .monaco-list-row', { hasText: /^\s*flips/ }).first().waitFor({ state: 'detached', timeout: 10000 });
    await waitForTreeRow(page, /multiplies/);
    assert.equal(await page.locator('.part.sidebar .monaco-list-row', { hasText: /^api/ }).count(), 0);
    await dismissNotifications(page);
    await wb!.screenshot('testing-view-by-kind');
  });
});
