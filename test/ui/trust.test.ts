// Workspace Trust for real: code-server started WITH trust enabled (not the harness's usual
// --disable-workspace-trust), a folder holding a git repository with a `.sdlc.json` test suite, and
// "No, I don't trust the authors" chosen in VS Code's own trust dialog. The views stay readable; the
// actions that change the repository or run its commands explain Restricted Mode and change nothing.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { cleanupTempDirs, git, makeTempDir } from '../support/repos';
import { makeTestRunsProject, type TestRunsProject } from '../support/testRunsProject';
import { dismissNotifications, openSdlcContainer, openWorkbench, runCommand, waitForTreeRow, type Workbench } from './driver';

const RESTRICTED = 'This action is disabled in Restricted Mode';

/** Every `test-history` file under a directory (the extension's storage lives in code-server's user data). */
function historyFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.split(path.sep).includes('test-history') && f.endsWith('.json'));
}

describe('Workspace Trust UI', function () {
  this.timeout(240000);
  let wb: Workbench | undefined;
  let project: TestRunsProject;

  before(async () => {
    project = await makeTestRunsProject(path.join(await makeTempDir('sdlc-ui-trust-'), 'untrusted-app'));
    wb = await openWorkbench({
      folder: project.dir,
      workspaceTrust: true,
      viewport: { width: 1280, height: 900 },
      userSettings: { 'testing.openTesting': 'neverOpen', 'testing.automaticallyOpenTestResults': 'neverOpen' },
    });
  });

  after(async () => {
    await wb?.close();
    await cleanupTempDirs();
  });

  it('in Restricted Mode the repository is readable, and creating a branch or running tests explains why not and changes nothing', async () => {
    const page = wb!.page;
    // VS Code's trust dialog for the folder: choose Restricted Mode.
    const dialog = page.locator('.monaco-dialog-box', { hasText: /trust the authors/i });
    await dialog.waitFor({ timeout: 60000 });
    await dialog.locator('.monaco-button', { hasText: /No, I don.t trust the authors/ }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor();

    // (a) Readable: the Repositories view shows the repository and its branch; Test Runs its suites.
    await openSdlcContainer(page);
    // (The folder is one repository: its sections are the view's top level, its name and branch by the title.)
    await page.locator('.part.sidebar .pane-header', { hasText: 'Repositories' }).locator('.description', { hasText: /untrusted-app · main/ }).waitFor({ timeout: 60000 });
    await waitForTreeRow(page, /Branches\s*1(?!\d)/, { timeout: 60000 });
    await waitForTreeRow(page, /unit\s*unit · not run yet/, { timeout: 60000 });

    // (b) The actions say why they are disabled …
    await dismissNotifications(page);
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: RESTRICTED });
    await runCommand(page, 'SDLC: Create Branch…');
    await toast.first().waitFor({ timeout: 30000 });
    assert.match((await toast.first().innerText()).trim(), /This action is disabled in Restricted Mode: it changes your repository or runs its tools\. Trust the workspace to enable it\./);
    assert.equal(await page.locator('.quick-input-widget .quick-input-box input').isVisible(), false, 'no branch-name prompt in Restricted Mode');
    assert.ok(await toast.first().locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).count(), 'the message offers Manage Workspace Trust');
    // Let the toast finish sliding in (its position stops changing) so the picture shows all of it.
    let last = '';
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      const box = JSON.stringify(await toast.first().boundingBox());
      const opaque = await toast.first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity === '1');
      if (box === last && opaque) break;
      last = box;
      await page.waitForTimeout(100); // polling interval of a condition with a deadline
    }
    await wb!.screenshot('restricted-mode');
    await dismissNotifications(page);

    for (const title of ['SDLC: Run All Test Suites', 'SDLC: Re-run Failed Tests']) {
      await runCommand(page, title);
      await toast.first().waitFor({ timeout: 30000 });
      assert.match(await toast.first().innerText(), /disabled in Restricted Mode/, title);
      await dismissNotifications(page);
    }

    // (c) … and nothing changed: still only `main`, no test run recorded, the suite still not run.
    assert.equal((await git(project.dir, ['for-each-ref', '--format=%(refname:short)', 'refs/heads'])).trim(), 'main');
    assert.deepEqual(historyFiles(wb!.server.userDataDir), []);
    await waitForTreeRow(page, /unit\s*unit · not run yet/);
  });
});
