// Screenshots of the Packages view (test-results/screenshots/packages-*.png), each after asserting
// what the view shows: a real npm package with builds recorded by the real CLI (a tagged, reproducible
// build of v1.1.0 and a dirty working-tree build), GitHub releases from the spec-validated fake GitHub
// (token from the environment), then a build of v1.2.0 and its release published the way a person does
// it: F1 → "SDLC: Build Package…" → "Release artifacts for v1.2.0", F1 → "SDLC: Publish Release…".
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { assertNoViolations, fakeReleases, startFakeGitHub, type FakeGitHub } from '../support/fakeGithub';
import { cleanupTempDirs, commit, git, headSha, makeRepo, makeTempDir, tag, testGitEnv } from '../support/repos';
import { blurViews, closeToasts, findRow, hoverRow, setExpanded, showOnlyView, waitForRow, waitForTree } from '../support/uiTree';
import { openWorkbench, PROJECT_ROOT, runCommand, type Workbench } from './driver';

const TOKEN = 'ghp_uiPackagesTokenThatMustNeverBeShown012345';
const VIEW = 'Packages';
const VIEWPORT = { width: 1280, height: 900 };

const manifest = (version: string) => `${JSON.stringify({ name: 'webshop', version, description: 'The shop front end', main: 'index.js', license: 'MIT' }, null, 2)}\n`;
const CHANGELOG = `# Changelog

## 1.2.0 (2026-11-30)

### Features

- **cart:** export the cart as CSV
- **search:** full-text search over the catalogue

### Bug fixes

- **checkout:** keep the address when the page reloads

## 1.1.0 (2026-10-02)

### Features

- wish lists
`;

async function sdlc(cwd: string, args: string[]): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'cli.js'), ...args, '--cwd', cwd, '--json'], { env: testGitEnv(), maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout);
}

describe('UI: Packages view', function () {
  this.timeout(240000);
  let github: FakeGitHub;
  let wb: Workbench | undefined;
  let repo: string;
  let tagged: { artifacts: Array<{ path: string; sha256: string; bytes: number }> };

  before(async () => {
    github = await startFakeGitHub({ tokens: [TOKEN] });
    github.state.setUser({ login: 'octo', name: 'Octo Cat' });
    github.state.addRepo({ owner: 'acme', repo: 'webshop' });

    repo = path.join(await makeTempDir('sdlc-ui-packages-'), 'webshop');
    await makeRepo({ dir: repo, commits: ['chore: initial commit'] });
    await commit(repo, 'feat: wish lists', { 'package.json': manifest('1.1.0'), 'index.js': 'module.exports = { wishLists: true };\n', 'CHANGELOG.md': CHANGELOG.slice(CHANGELOG.indexOf('## 1.1.0')) });
    await tag(repo, 'v1.1.0', 'Release 1.1.0');
    await commit(repo, 'feat(search): full-text search', { 'search.js': 'module.exports = (q) => q.trim();\n' });
    await commit(repo, 'chore(release): 1.2.0', { 'package.json': manifest('1.2.0'), 'CHANGELOG.md': CHANGELOG });
    await tag(repo, 'v1.2.0', 'Release 1.2.0');
    await git(repo, ['remote', 'add', 'origin', 'https://github.com/acme/webshop.git']);
    await git(repo, ['update-ref', 'refs/remotes/origin/main', await headSha(repo)]);
    for (const t of ['v1.1.0', 'v1.2.0']) github.state.addTag('acme', 'webshop', { name: t, sha: await headSha(repo, `${t}^{commit}`) });

    // Builds recorded by the CLI: v1.1.0 from its tag, checked for reproducibility; then a dirty
    // working tree on its way to 1.3.0.
    tagged = (await sdlc(repo, ['package', '--from-tag', 'v1.1.0', '--check-reproducible'])) as typeof tagged;
    await fs.writeFile(path.join(repo, 'package.json'), manifest('1.3.0-dev.0'));
    await sdlc(repo, ['package']);

    // Releases already on GitHub: v1.1.0 (latest, with its package and checksums) and a prerelease.
    const releases = fakeReleases(github.state);
    const tgz = Buffer.from('pretend this is webshop-1.1.0.tgz\n');
    releases.addRelease('acme', 'webshop', {
      tag: 'v1.1.0',
      name: 'Wish lists',
      body: '### Features\n\n- wish lists\n',
      assets: [{ name: 'webshop-1.1.0.tgz', content: tgz }, { name: 'SHA256SUMS', content: `${createHash('sha256').update(tgz).digest('hex')}  webshop-1.1.0.tgz\n` }],
    });
    releases.addRelease('acme', 'webshop', { tag: 'v1.2.0-rc.1', prerelease: true, body: 'Release candidate', assets: [{ name: 'webshop-1.2.0-rc.1.tgz', content: 'rc\n' }] });

    wb = await openWorkbench({ folder: repo, viewport: VIEWPORT, userSettings: { 'sdlc.github.apiUrl': github.url }, env: { GH_TOKEN: TOKEN, GITHUB_TOKEN: '' } });
    await showOnlyView(wb.page, VIEW, 600);
  });

  afterEach(() => assertNoViolations(github));

  after(async () => {
    await wb?.close();
    await github?.close();
    await cleanupTempDirs();
  });

  it('shows the target, its builds (dirty, from a tag, reproducible) and the GitHub releases (packages-view.png)', async () => {
    const page = wb!.page;
    const target = await waitForRow(page, VIEW, ['npm'], (r) => r.expanded === 'true' && r.icon === 'codicon-package');
    assert.equal(target.description, 'npm pack', 'the tool, not the kind again');
    const dirty = await waitForRow(page, VIEW, ['npm', '1.3.0-dev.0']);
    assert.match(dirty.description, /^(just now|\d+ min ago) · dirty$/);
    const tagged = await waitForRow(page, VIEW, ['npm', '1.1.0']);
    assert.match(tagged.description, /· from v1\.1\.0 · reproducible$/);
    assert.ok(dirty.index < tagged.index, 'newest version first');
    await setExpanded(page, VIEW, ['npm', '1.1.0'], true);
    const file = await waitForRow(page, VIEW, ['npm', '1.1.0', 'webshop-1.1.0.tgz']);
    assert.match(file.description, /^\d+(\.\d)? (B|KB) · reproducible$/);

    const group = await waitForRow(page, VIEW, ['Releases'], (r) => r.description === '2 on GitHub');
    assert.equal(group.icon, 'codicon-github');
    const latest = await waitForRow(page, VIEW, ['Releases', 'v1.1.0 — Wish lists']);
    assert.equal(latest.description, 'latest · 2 assets');
    assert.equal(latest.icon, 'codicon-star-full');
    const rc = await waitForRow(page, VIEW, ['Releases', 'v1.2.0-rc.1']);
    assert.equal(rc.description, 'prerelease · 1 asset');
    await setExpanded(page, VIEW, ['Releases', 'v1.1.0'], true);
    const asset = await waitForRow(page, VIEW, ['Releases', 'v1.1.0', 'webshop-1.1.0.tgz']);
    assert.match(asset.description, /^\d+ B · 0 downloads · application\/(gzip|x-gzip|x-compressed-tar|octet-stream)$/);

    await closeToasts(page);
    await blurViews(page);
    await wb!.screenshot('packages-view');
  });

  it('shows an artifact\'s size and sha256 in its tooltip (packages-artifact-tooltip.png)', async () => {
    const page = wb!.page;
    const [artifact] = tagged.artifacts;
    assert.equal(artifact.sha256, createHash('sha256').update(await fs.readFile(artifact.path)).digest('hex'));
    await setExpanded(page, VIEW, ['npm', '1.1.0'], true);
    const row = await waitForRow(page, VIEW, ['npm', '1.1.0', 'webshop-1.1.0.tgz']);
    await blurViews(page);
    const text = await hoverRow(page, VIEW, row, 'sha256');
    assert.ok(text.includes(artifact.sha256), `the sha256 is in the tooltip: ${text}`);
    assert.match(text, new RegExp(`${artifact.bytes} bytes`));
    await wb!.screenshot('packages-artifact-tooltip', { keepHover: true });
  });

  it('builds the release artifacts of v1.2.0 from the palette (packages-build-from.png, packages-built.png)', async () => {
    const page = wb!.page;
    await closeToasts(page);
    await runCommand(page, 'SDLC: Build Package…');
    const pick = page.locator('.quick-input-widget');
    const fromTag = pick.locator('.monaco-list-row', { hasText: 'Release artifacts for v1.2.0' }).first();
    await fromTag.waitFor();
    const choices = (await pick.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(choices, ['Working tree', 'Release artifacts for v1.2.0', 'From another tag…', 'Check reproducibility']);
    assert.match(await fromTag.innerText(), /clean worktree of the tag/);
    await wb!.screenshot('packages-build-from', { keepHover: true });
    await fromTag.click();

    const build = await waitForRow(page, VIEW, ['npm', '1.2.0'], (r) => r.description.endsWith('from v1.2.0'), 120000);
    assert.equal(build.icon, 'codicon-versions');
    const toasts = await closeToasts(page);
    assert.ok(toasts.some((t) => /Built \d artifacts?: webshop-1\.2\.0\.tgz/.test(t)), JSON.stringify(toasts));
    await setExpanded(page, VIEW, ['npm', '1.1.0'], false);
    await setExpanded(page, VIEW, ['npm', '1.2.0'], true);
    await waitForRow(page, VIEW, ['npm', '1.2.0', 'webshop-1.2.0.tgz'], (r) => /^\d+(\.\d)? (B|KB)$/.test(r.description));
    const status = await git(repo, ['status', '--porcelain']);
    assert.equal(status.trim(), 'M package.json', 'building from the tag leaves the working tree alone');
    assert.deepEqual((await git(repo, ['worktree', 'list', '--porcelain'])).match(/^worktree /gm)?.length, 1, 'the temporary worktree is gone');
    await blurViews(page);
    await wb!.screenshot('packages-built');
  });

  it('publishes v1.2.0 after a preview of its notes and assets (packages-publish-preview.png, packages-published.png)', async () => {
    const page = wb!.page;
    await runCommand(page, 'SDLC: Publish Release…');
    const pick = page.locator('.quick-input-widget');
    await pick.locator('.monaco-list-row', { hasText: 'v1.2.0' }).first().waitFor();
    assert.deepEqual((await pick.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim()), ['v1.2.0', 'v1.1.0'], 'release tags, newest first');
    await pick.locator('.monaco-list-row', { hasText: 'v1.2.0' }).first().click();

    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const question = await dialog.innerText();
    assert.match(question, /Publish the GitHub release v1\.2\.0 with (\d) assets? \+ SHA256SUMS\?/);
    // The notes are the CHANGELOG's 1.2.0 section, shown as Markdown behind the question.
    const preview = await markdownPreviewText(page);
    assert.match(preview, /full-text search over the catalogue/);
    assert.match(preview, /webshop-1\.2\.0\.tgz/);
    assert.doesNotMatch(preview, /wish lists/, 'only the section of 1.2.0');
    await wb!.screenshot('packages-publish-preview', { keepHover: true });
    await dialog.locator('.dialog-buttons a, .dialog-buttons .monaco-button', { hasText: /^Publish$/ }).first().click();

    const release = await waitForRow(page, VIEW, ['Releases', 'v1.2.0'], (r) => /^latest · \d assets$/.test(r.description), 120000);
    assert.equal(release.icon, 'codicon-star-full');
    await waitForRow(page, VIEW, ['Releases'], (r) => r.description === '3 on GitHub');
    const published = fakeReleases(github.state).releases('acme', 'webshop').find((r) => r.tag === 'v1.2.0');
    assert.ok(published && !published.draft, 'published, not left as a draft');
    const names = published.assets.map((a) => a.name).sort();
    assert.ok(names.includes('webshop-1.2.0.tgz') && names.includes('SHA256SUMS'), names.join(', '));
    assert.match(published.body ?? '', /full-text search over the catalogue/);
    const toasts = await closeToasts(page);
    assert.ok(toasts.some((t) => /Published v1\.2\.0: \d uploaded/.test(t)), JSON.stringify(toasts));

    // The view as the person sees it after publishing: the new release expanded with its assets.
    await runCommand(page, 'View: Close All Editors');
    await setExpanded(page, VIEW, ['npm', '1.2.0'], false);
    await setExpanded(page, VIEW, ['Releases', 'v1.1.0'], false);
    await setExpanded(page, VIEW, ['Releases', 'v1.2.0'], true);
    await waitForTree(page, VIEW, 'the assets of v1.2.0', (rows) => findRow(rows, ['Releases', 'v1.2.0', 'SHA256SUMS']) && findRow(rows, ['Releases', 'v1.2.0', 'webshop-1.2.0.tgz']));
    await blurViews(page);
    await wb!.screenshot('packages-published');
  });
});

describe('UI: Packages view, signed out and nothing to package', function () {
  this.timeout(240000);
  let wb: Workbench | undefined;

  before(async () => {
    const workspace = await makeTempDir('sdlc-ui-packages-empty-');
    // site: an npm package with a GitHub remote, no token anywhere; tools: no manifest, no remote.
    const site = path.join(workspace, 'site');
    await makeRepo({ dir: site, commits: ['chore: initial commit'] });
    await commit(site, 'feat: pages', { 'package.json': manifest('0.3.0').replace('webshop', 'site') });
    await git(site, ['remote', 'add', 'origin', 'https://github.com/acme/site.git']);
    await makeRepo({ dir: path.join(workspace, 'tools'), commits: ['chore: scripts'] });
    wb = await openWorkbench({ folder: workspace, viewport: VIEWPORT, env: { GH_TOKEN: '', GITHUB_TOKEN: '' } });
    await showOnlyView(wb.page, VIEW, 600);
  });

  after(async () => {
    await wb?.close();
    await cleanupTempDirs();
  });

  it('says what to add and offers to sign in (packages-empty-signed-out.png)', async () => {
    const page = wb!.page;
    const site = await waitForRow(page, VIEW, ['site'], (r) => r.expanded === 'true' && r.icon === 'codicon-repo');
    assert.equal(site.description, '');
    await waitForRow(page, VIEW, ['site', 'npm'], (r) => r.description === 'npm pack · not built yet');
    const signIn = await waitForRow(page, VIEW, ['site', 'Releases', 'Sign in to GitHub to see releases']);
    assert.equal(signIn.icon, 'codicon-account');
    const empty = await waitForRow(page, VIEW, ['tools', 'No package targets: add "packageTargets" to .sdlc.json']);
    assert.equal(empty.icon, 'codicon-info');
    const rows = await waitForTree(page, VIEW, 'the two repositories', (r) => (r.length >= 6 ? r : undefined));
    assert.ok(!findRow(rows, ['tools', 'Releases']), 'no Releases group without a GitHub remote');
    await closeToasts(page);
    await blurViews(page);
    await wb!.screenshot('packages-empty-signed-out');
  });
});

/** The text of the Markdown preview (a webview: its document is in nested iframes). */
async function markdownPreviewText(page: Page): Promise<string> {
  const deadline = Date.now() + 30000;
  for (;;) {
    for (const frame of page.frames()) {
      const text = await frame.locator('body.vscode-body').innerText({ timeout: 1000 }).catch(() => '');
      if (text.trim()) return text;
    }
    if (Date.now() > deadline) throw new Error('no Markdown preview was shown');
    await page.waitForTimeout(250); // polling interval of a condition with a deadline
  }
}
