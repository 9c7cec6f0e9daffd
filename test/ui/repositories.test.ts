// Screenshots of the Repositories view a person can judge (test-results/screenshots/repositories-*.png),
// each after asserting what the view shows. Real repositories, a real smart-HTTP git remote and the
// spec-validated fake GitHub (in this process) behind `sdlc.github.apiUrl`; the extension takes the
// token from the environment (GH_TOKEN: code-server keeps GITHUB_TOKEN to itself). Two workbench
// launches: signed in (populated, tooltip, GitHub error) and
// signed out (signed out, then no repository and no folder in the same code-server).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { assertNoViolations, startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { startGitHttpServer, type GitHttpServer } from '../support/gitHttpServer';
import { cleanupTempDirs, cloneRepo, commit, git, headSha, makeRepo, makeTempDir } from '../support/repos';
import * as tree from '../support/uiTree';
import type { TreeRow } from '../support/uiTree';
import { openWorkbench, reopenWorkbench, runCommand, type Workbench } from './driver';

const TOKEN = 'ghp_uiTestTokenThatMustNeverBeShown0123456789';
const VIEWPORT = { width: 1280, height: 900 };
const SIDEBAR_WIDTH = 620;

const VIEW = 'Repositories';
type RowInfo = TreeRow;

// The shared tree helpers (test/support/uiTree.ts), bound to the Repositories view.
const waitForRow = (page: Page, labels: string[], check?: (r: RowInfo) => boolean, timeout = 30000) => tree.waitForRow(page, VIEW, labels, check, timeout);
const setExpanded = (page: Page, labels: string[], expanded: boolean) => tree.setExpanded(page, VIEW, labels, expanded);
const rowLocator = (page: Page, row: RowInfo) => tree.rowLocator(page, VIEW, row);
const repositoriesPane = (page: Page) => tree.viewPane(page, VIEW);

/** Asserts the row is inside the visible part of the side bar (not scrolled away, not clipped). */
async function assertOnScreen(page: Page, labels: string[]): Promise<RowInfo> {
  const row = await waitForRow(page, labels);
  const box = await rowLocator(page, row).boundingBox();
  const bar = await repositoriesPane(page).boundingBox();
  assert.ok(box && bar, `${labels.join(' › ')} has no box`);
  assert.ok(box.y >= bar.y && box.y + box.height <= bar.y + bar.height, `${labels.join(' › ')} is outside the visible side bar (${JSON.stringify(box)})`);
  return row;
}

/** Asserts the row's label and description are shown whole (not cut off with an ellipsis). */
async function assertNotTruncated(page: Page, labels: string[]): Promise<void> {
  const row = await waitForRow(page, labels);
  const container = rowLocator(page, row).locator('.monaco-icon-label-container').first();
  const { scroll, client } = await container.evaluate((el: { scrollWidth: number; clientWidth: number }) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  assert.ok(scroll <= client, `${labels.join(' › ')} is cut off (${scroll} px of text in ${client} px): "${row.label}"`);
}

/** Waits until the Repositories view's description, next to its title, reads `expected` ('' = none). */
async function waitForHeaderDescription(page: Page, expected: string, what: string): Promise<void> {
  const description = repositoriesPane(page).locator('.pane-header .description').first();
  let seen = '';
  for (const deadline = Date.now() + 15000; ; ) {
    seen = await description.innerText({ timeout: 1000 }).then((t) => t.trim(), () => '');
    if (seen === expected) return;
    if (Date.now() > deadline) assert.fail(`${what}: the view's description is "${seen}", expected "${expected}"`);
    await page.waitForTimeout(100); // polling interval of a condition with a deadline
  }
}

/** Opens the SDLC container with a readable side bar and the container's other views folded. */
function showView(wb: Workbench): Promise<void> {
  return tree.showOnlyView(wb.page, VIEW, SIDEBAR_WIDTH);
}

describe('Repositories view (screenshots)', function () {
  this.timeout(240000);
  let github: FakeGitHub;
  let remote: GitHttpServer;
  let wb: Workbench | undefined;

  before(async () => {
    github = await startFakeGitHub({ tokens: [TOKEN] });
    github.state.setUser({ login: 'octo', name: 'Octo Cat' });
    remote = await startGitHttpServer();
  });

  afterEach(() => assertNoViolations(github));

  after(async () => {
    await wb?.close();
    await remote?.close();
    await github?.close();
    await cleanupTempDirs();
  });

  describe('signed in with a token from the environment', () => {
    let workspace: string;

    before(async () => {
      workspace = await makeTempDir('sdlc-ui-ws-');
      const webapp = path.join(workspace, 'webapp');
      github.state.addRepo({ owner: 'acme', repo: 'webapp' });
      github.state.addRepo({ owner: 'acme', repo: 'legacy-api' });

      await makeRepo({
        dir: webapp,
        commits: ['feat: initial project layout', 'feat(api): add health endpoint', 'fix(ui): align the header on small screens', 'docs: describe local setup'],
        tags: [{ name: 'v1.0.0', message: 'Release 1.0.0' }, 'nightly'],
      });
      await git(webapp, ['tag', '-a', '-m', 'Release 0.9.0', 'v0.9.0', 'HEAD~2']);
      await commit(webapp, 'feat(search): full-text search');
      await git(webapp, ['tag', '-a', '-m', 'Release 1.1.0', 'v1.1.0']);
      await commit(webapp, 'fix(search): escape quotes in queries');
      await git(webapp, ['tag', 'deploy-2025-05-14']);
      const originUrl = await remote.createBareRepo('webapp');
      await git(webapp, ['remote', 'add', 'origin', originUrl]);
      await git(webapp, ['push', '-q', '-u', 'origin', 'main']);
      // feature/login: pushed, then one more local commit (↑1).
      await git(webapp, ['checkout', '-q', '-b', 'feature/login']);
      await commit(webapp, 'feat(auth): login form');
      const loginSha = await commit(webapp, 'feat(auth): remember me');
      await git(webapp, ['push', '-q', '-u', 'origin', 'feature/login']);
      await commit(webapp, 'wip: password reset');
      // fix/header: pushed, someone else pushed on top (↓1 after a fetch).
      await git(webapp, ['checkout', '-q', 'main']);
      await git(webapp, ['checkout', '-q', '-b', 'fix/header']);
      const headerSha = await commit(webapp, 'fix(ui): sticky header overlaps the menu');
      await git(webapp, ['push', '-q', '-u', 'origin', 'fix/header']);
      const other = await cloneRepo(originUrl);
      await git(other, ['checkout', '-q', 'fix/header']);
      await commit(other, 'fix(ui): header shadow');
      await git(other, ['push', '-q', 'origin', 'fix/header']);
      await git(webapp, ['fetch', '-q', 'origin']);
      // release/1.2: local only.
      await git(webapp, ['checkout', '-q', 'main']);
      await git(webapp, ['branch', 'release/1.2']);
      const mainSha = await headSha(webapp);
      // The GitHub remote as after a fetch from github.com; CI and pull requests come from the fake API.
      await git(webapp, ['remote', 'add', 'github', 'https://github.com/acme/webapp.git']);
      for (const [ref, sha] of [['main', mainSha], ['feature/login', loginSha], ['fix/header', headerSha]]) await git(webapp, ['update-ref', `refs/remotes/github/${ref}`, sha]);
      github.state.setCommitStatus('acme', 'webapp', mainSha, { state: 'success', context: 'ci/build' });
      github.state.addCheckRun('acme', 'webapp', loginSha, { name: 'unit tests', status: 'completed', conclusion: 'failure' });
      github.state.setCommitStatus('acme', 'webapp', headerSha, { state: 'pending', context: 'ci/build' });
      github.state.addPull('acme', 'webapp', { title: 'Login form with "remember me"', head: { ref: 'feature/login', sha: loginSha }, base: { ref: 'main' }, user: 'mona' });
      github.state.addPull('acme', 'webapp', { title: 'Sticky header overlaps the menu', head: { ref: 'fix/header', sha: headerSha }, base: { ref: 'main' }, user: 'hubot' });
      github.state.addPull('acme', 'webapp', { title: 'Try the new parser', head: { ref: 'spike/parser', sha: mainSha }, base: { ref: 'main' }, draft: true, user: 'octo' });
      // Working tree: staged, changed, untracked.
      await fs.writeFile(path.join(webapp, 'CHANGELOG.md'), '# Changelog\n');
      await git(webapp, ['add', 'CHANGELOG.md']);
      await fs.appendFile(path.join(webapp, 'file1.txt'), 'changed\n');
      await fs.writeFile(path.join(webapp, 'notes.txt'), 'todo\n');

      // A second, small repository without remotes, and one whose GitHub answers 502 on pulls.
      await makeRepo({ dir: path.join(workspace, 'docs-site'), commits: ['docs: first page', 'docs: add navigation'] });
      const legacy = path.join(workspace, 'legacy-api');
      await makeRepo({ dir: legacy, commits: ['feat: v1 endpoints'], tags: ['v0.1.0'] });
      await git(legacy, ['remote', 'add', 'origin', 'https://github.com/acme/legacy-api.git']);
      await git(legacy, ['update-ref', 'refs/remotes/origin/main', await headSha(legacy)]);
      github.faults.push({ match: { path: '/repos/acme/legacy-api/pulls' }, times: Infinity, respond: { status: 502 } });

      wb = await openWorkbench({ folder: workspace, viewport: VIEWPORT, userSettings: { 'sdlc.github.apiUrl': github.url },
      // code-server takes GITHUB_TOKEN for itself (its --github-auth) and removes it from the environment
      // of the extension host, so the token reaches the extension as GH_TOKEN (read just the same).
      env: { GH_TOKEN: TOKEN, GITHUB_TOKEN: '' } });
      await showView(wb);
    });

    after(async () => {
      await wb?.close();
      wb = undefined;
    });

    it('shows branches with ahead/behind and CI states, tags, and pull requests (repositories-populated.png)', async () => {
      const page = wb!.page;
      const repo = await waitForRow(page, ['webapp'], (r) => /^main\b.*●3/.test(r.description));
      assert.equal(repo.expanded, 'true', 'a repository is expanded by default');
      await waitForRow(page, ['docs-site']);
      await setExpanded(page, ['docs-site'], false);
      await setExpanded(page, ['legacy-api'], false);
      // Twice: a click can land on a row the tree re-rendered under it (data keeps arriving), which
      // toggles another group; the second pass checks every group and fixes any such stray toggle.
      for (let pass = 0; pass < 2; pass++) {
        for (const group of ['Working Tree', 'Branches', 'Tags', 'Pull Requests']) await setExpanded(page, ['webapp', group], true);
      }

      // Branches: current first, ahead/behind of every branch, CI state of the head as the icon.
      const main = await waitForRow(page, ['webapp', 'Branches', 'main'], (r) => r.icon === 'codicon-pass-filled');
      assert.match(main.description, /^● ✓ origin\/main$/);
      await waitForRow(page, ['webapp', 'Branches', 'feature/login'], (r) => r.description === '↑1 origin/feature/login' && r.icon === 'codicon-error');
      await waitForRow(page, ['webapp', 'Branches', 'fix/header'], (r) => r.description === '↓1 origin/fix/header' && r.icon === 'codicon-clock');
      await waitForRow(page, ['webapp', 'Branches', 'release/1.2'], (r) => r.description === 'no upstream');
      // Tags: semantic versions newest first, then the others.
      const tags: string[] = [];
      for (const name of ['v1.1.0', 'v1.0.0', 'v0.9.0', 'deploy-2025-05-14', 'nightly']) tags.push(String((await waitForRow(page, ['webapp', 'Tags', name])).index));
      assert.deepEqual([...tags].sort((a, b) => Number(a) - Number(b)), tags, 'tags in semver order, other tags after');
      // Pull requests from GitHub, newest first, with the author.
      const pulls = await waitForRow(page, ['webapp', 'Pull Requests'], (r) => r.description === '3');
      assert.equal(pulls.expanded, 'true');
      await waitForRow(page, ['webapp', 'Pull Requests', '#3 Try the new parser'], (r) => r.icon === 'codicon-git-pull-request-draft');
      await waitForRow(page, ['webapp', 'Pull Requests', '#2 Sticky header overlaps the menu'], (r) => r.description === 'fix/header → main · hubot');
      await waitForRow(page, ['webapp', 'Pull Requests', '#1 Login form with "remember me"'], (r) => r.description === 'feature/login → main · mona');
      await waitForRow(page, ['webapp', 'Working Tree'], (r) => r.description === '1 staged, 1 changed, 1 untracked');

      for (const labels of [['docs-site'], ['legacy-api'], ['webapp', 'Branches', 'fix/header'], ['webapp', 'Tags', 'nightly'], ['webapp', 'Pull Requests', '#1']]) await assertOnScreen(page, labels);
      await assertNotTruncated(page, ['webapp', 'Pull Requests', '#1']);
      await tree.closeToasts(page);
      await tree.blurViews(page);
      await wb!.screenshot('repositories-populated');
    });

    it('shows the CI state of a branch in its tooltip (repositories-tooltip.png)', async () => {
      const page = wb!.page;
      const row = await waitForRow(page, ['webapp', 'Branches', 'feature/login']);
      await tree.closeToasts(page);
      await tree.blurViews(page);
      await rowLocator(page, row).locator('.label-name').hover();
      const hover = page.locator('.workbench-hover-container, .monaco-hover.workbench-hover').filter({ hasText: 'CI: failure' }).first();
      await hover.waitFor({ state: 'visible', timeout: 10000 });
      const text = await hover.innerText();
      assert.match(text, /upstream origin\/feature\/login: 1 ahead, 0 behind/);
      assert.match(text, /failure\s+unit tests/);
      await wb!.screenshot('repositories-tooltip', { keepHover: true });
    });

    it('shows a failing GitHub API as a row with a retry (repositories-github-error.png)', async () => {
      const page = wb!.page;
      await page.mouse.move(VIEWPORT.width - 20, VIEWPORT.height - 60);
      await setExpanded(page, ['webapp'], false);
      await setExpanded(page, ['legacy-api'], true);
      await waitForRow(page, ['legacy-api', 'Pull Requests'], (r) => r.description === 'unavailable' && r.expanded === 'true');
      const error = await waitForRow(page, ['legacy-api', 'Pull Requests', 'GitHub:'], (r) => / \(click to retry\)$/.test(r.label));
      assert.match(error.label, /^GitHub: had a server error \(502\) \(click to retry\)$/, 'the gist only: request and advice are in the tooltip');
      assert.equal(error.icon, 'codicon-warning');
      assert.ok(!error.label.includes(TOKEN));
      // The other repositories are unaffected.
      await waitForRow(page, ['webapp'], (r) => r.expanded === 'false');
      await waitForRow(page, ['docs-site'], (r) => r.description === 'main');
      assert.ok(github.requests.some((r) => r.path === '/repos/acme/legacy-api/pulls' && r.status === 502), 'the fault was hit');
      await assertOnScreen(page, ['legacy-api', 'Pull Requests', 'GitHub:']);
      await assertNotTruncated(page, ['legacy-api', 'Pull Requests', 'GitHub:']);
      await tree.closeToasts(page);
      await tree.blurViews(page);
      await wb!.screenshot('repositories-github-error');
    });
  });

  describe('signed out', () => {
    let workspace: string;
    let plainFolder: string;

    before(async () => {
      workspace = await makeTempDir('sdlc-ui-ws-');
      const repo = path.join(workspace, 'webapp');
      await makeRepo({ dir: repo, commits: ['feat: initial project layout', 'fix: typo in README'], tags: ['v0.1.0'] });
      await git(repo, ['remote', 'add', 'origin', 'https://github.com/acme/webapp.git']);
      await git(repo, ['update-ref', 'refs/remotes/origin/main', await headSha(repo)]);
      await git(repo, ['branch', '--set-upstream-to', 'origin/main']);
      plainFolder = await makeTempDir('sdlc-ui-plain-');
      await fs.writeFile(path.join(plainFolder, 'README.md'), '# not a repository\n');
      // No token anywhere: the environment's GITHUB_TOKEN / GH_TOKEN are blanked for code-server.
      wb = await openWorkbench({ folder: workspace, viewport: VIEWPORT, userSettings: { 'sdlc.github.apiUrl': github.url }, env: { GITHUB_TOKEN: '', GH_TOKEN: '' } });
      await showView(wb);
    });

    it("shows the only repository's sections at the top level and its branch by the title; offers to sign in where pull requests would be (repositories-signed-out.png)", async () => {
      const page = wb!.page;
      await waitForRow(page, ['Pull Requests'], (r) => r.description === 'signed out' && r.expanded === 'true');
      const row = await waitForRow(page, ['Pull Requests', 'Sign in to GitHub to see pull requests and CI status']);
      assert.equal(row.icon, 'codicon-account');
      const rows = await tree.treeRows(page, VIEW);
      assert.deepEqual(rows.filter((r) => r.level === 1).map((r) => r.label), ['Working Tree', 'Branches', 'Tags', 'Remotes', 'Commits', 'Pull Requests'], 'no row for the repository itself');
      await waitForHeaderDescription(page, 'webapp · main', "the repository's name and branch by the view's title");
      // The repository's own actions (its row's context menu otherwise) are in the view's "More Actions".
      const header = repositoriesPane(page).locator('.pane-header');
      await header.hover();
      await header.locator('.codicon-toolbar-more').first().click();
      const menu = page.locator('.monaco-menu-container .action-label');
      await menu.first().waitFor();
      const entries = (await menu.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
      await page.keyboard.press('Escape');
      for (const title of ['Pull', 'Push', 'Checkout…', 'Create Branch…', 'Create Tag…']) assert.ok(entries.includes(title), `"${title}" in the view's menu: ${JSON.stringify(entries)}`);
      await assertOnScreen(page, ['Pull Requests', 'Sign in to GitHub']);
      await assertNotTruncated(page, ['Pull Requests', 'Sign in to GitHub']);
      await tree.closeToasts(page);
      await tree.blurViews(page);
      await wb!.screenshot('repositories-signed-out');
    });

    it('shows a row for the repository when "Always Show Repository" is ticked in the Settings editor', async () => {
      const page = wb!.page;
      const toggle = async () => {
        await runCommand(page, 'Preferences: Open User Settings');
        const editor = page.locator('.settings-editor');
        await editor.waitFor();
        await editor.locator('.settings-header .monaco-editor textarea').first().fill('sdlc.repositories.alwaysShowRepository');
        await editor.locator('.setting-item-bool', { hasText: 'Always Show Repository' }).locator('.setting-value-checkbox').first().click();
        await runCommand(page, 'View: Close Editor');
      };
      await toggle();
      await waitForRow(page, ['webapp'], (r) => r.description.startsWith('main') && r.expanded === 'true' && r.level === 1);
      await waitForRow(page, ['webapp', 'Pull Requests'], (r) => r.description === 'signed out');
      await waitForHeaderDescription(page, '', 'the summary is on the row, not by the title');
      await toggle();
      await waitForRow(page, ['Pull Requests'], (r) => r.level === 1);
      await waitForHeaderDescription(page, 'webapp · main', 'the summary by the title again');
    });

    it("shows the only repository's read failure first at the top level, with git's reason, and recovers (repositories-read-error.png)", async () => {
      const page = wb!.page;
      const index = path.join(workspace, 'webapp', '.git', 'index');
      const intact = await fs.readFile(index);
      // A damaged index: git status fails, so the repository cannot be read (the watcher on the index refreshes).
      await fs.writeFile(index, Buffer.concat([Buffer.from('DAMAGED!'), intact.subarray(8)]));
      const error = await waitForRow(page, ['git'], (r) => r.level === 1 && r.icon === 'codicon-error');
      assert.match(error.label, /^git status failed \(exit code 128\): index file corrupt \(bad signature 0x[0-9a-f]+\)\.$/, "git's reason, not only its first error line");
      const top = (await tree.treeRows(page, VIEW)).filter((r) => r.level === 1).map((r) => r.label);
      assert.deepEqual(top, [error.label, 'Working Tree', 'Branches', 'Tags', 'Remotes', 'Commits', 'Pull Requests'], 'the error first, the last read below it, no row for the repository');
      await tree.closeToasts(page);
      await tree.blurViews(page);
      await wb!.screenshot('repositories-read-error');
      // Mended outside the editor; the row's click (Retry) reads again.
      await fs.writeFile(index, intact);
      await rowLocator(page, error).click();
      await tree.waitForTree(page, VIEW, 'the sections without the error row', (rows) => rows.filter((r) => r.level === 1)[0]?.label === 'Working Tree', 30000);
      await waitForHeaderDescription(page, 'webapp · main', 'the summary by the title again');
    });

    it('explains a folder without a git repository, with actions (repositories-no-repository.png)', async () => {
      const page = wb!.page;
      await reopenWorkbench(wb!, plainFolder);
      await showView(wb!);
      const welcome = repositoriesPane(page).locator('.welcome-view-content');
      await welcome.getByText('No git repository was found').waitFor({ state: 'visible' });
      for (const button of ['Initialize Repository', 'Refresh', 'Configure Scan Depth']) {
        await welcome.locator('.monaco-button', { hasText: button }).first().waitFor({ state: 'visible' });
      }
      assert.equal(await repositoriesPane(page).locator('.monaco-list-row').filter({ visible: true }).count(), 0, 'no rows next to the welcome text');
      await tree.closeToasts(page);
      await tree.blurViews(page);
      await wb!.screenshot('repositories-no-repository');
    });

    it('explains that no folder is open, with an Open Folder button (repositories-no-folder.png)', async () => {
      const page = wb!.page;
      await reopenWorkbench(wb!, null);
      await showView(wb!);
      const welcome = repositoriesPane(page).locator('.welcome-view-content');
      await welcome.getByText('No folder is open').waitFor({ state: 'visible' });
      await welcome.locator('.monaco-button', { hasText: 'Open Folder' }).first().waitFor({ state: 'visible' });
      await tree.closeToasts(page);
      await tree.blurViews(page);
      await wb!.screenshot('repositories-no-folder');
    });
  });
});
