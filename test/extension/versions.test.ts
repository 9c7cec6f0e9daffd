// The Versions view in a real VS Code: a real repository in the test workspace, released through
// the `sdlc.versions.bump` command exactly as a keybinding or task would run it.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { commit, git, headSha, makeRepo, tag } from '../support/repos';
import { activate, run, waitFor, type Item } from './helpers';

interface VersionsItem extends Item {
  tooltip?: string;
  command?: { command: string; arguments?: unknown[] };
  children?: VersionsItem[];
}
interface VersionsView {
  state: string;
  items: VersionsItem[];
  statusBar?: { visible: boolean; text: string; package?: string };
}

const inspectVersions = () => vscode.commands.executeCommand('sdlc.versions._inspect') as Promise<VersionsView>;

describe('Versions view', function () {
  this.timeout(60000);
  const workspace = process.env.SDLC_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const repo = path.join(workspace, 'versioned');
  const manifest = path.join(repo, 'package.json');
  let featSha: string;
  let fixSha: string;
  let releasedHead: string;

  /** Waits until the view shows the package and `check` holds for it. */
  const waitForPackage = (what: string, check: (item: VersionsItem) => boolean) =>
    waitFor(what, async () => {
      const item = (await inspectVersions()).items.find((i) => i.label === 'versioned-app');
      return item && check(item) ? item : undefined;
    });

  /** What must stay exactly as it was when a bump is refused. */
  async function repoState() {
    return {
      head: await headSha(repo),
      tags: (await git(repo, ['tag', '--list'])).trim(),
      manifest: await fs.readFile(manifest, 'utf8'),
      changelog: existsSync(path.join(repo, 'CHANGELOG.md')),
    };
  }

  before(async () => {
    assert.ok(workspace, 'the harness must open a workspace folder (SDLC_TEST_WORKSPACE)');
    await makeRepo({ dir: repo, commits: ['chore: initial commit'] });
    await commit(repo, 'chore: add the manifest', { 'package.json': `${JSON.stringify({ name: 'versioned-app', version: '1.2.3', private: true }, null, 2)}\n` });
    await tag(repo, 'v1.2.3', 'Release 1.2.3');
    featSha = await commit(repo, 'feat(api): add a search endpoint', { 'src/search.ts': 'export const search = 1;\n' });
    fixSha = await commit(repo, 'fix: handle an empty query', { 'src/search.ts': 'export const search = 2;\n' });
    await activate();
    await run('sdlc.repositories.refresh');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the package with its version, the recommended next one and why', async () => {
    const pkg = await waitForPackage('the recommended minor bump', (i) => i.description === '1.2.3 → 1.3.0 (minor)');
    assert.equal(pkg.icon, 'package');
    assert.match(pkg.contextValue ?? '', /^package\b.*\breleasable\b/);
    assert.match(pkg.tooltip ?? '', /1 feature, 1 bug fix/);
    assert.match(pkg.tooltip ?? '', /2 commits since v1\\?\.2\\?\.3/);
  });

  it('groups the commits since the last release by type, each opening its commit', async () => {
    const pkg = await waitForPackage('the commit groups', (i) => (i.children ?? []).length === 2);
    assert.deepEqual(pkg.children!.map((g) => [g.label, g.description, g.icon]), [
      ['Features', '1', 'sparkle'],
      ['Bug fixes', '1', 'bug'],
    ]);
    const feature = pkg.children![0].children![0];
    assert.equal(feature.label, 'add a search endpoint');
    assert.equal(feature.description, `api · ${featSha.slice(0, 7)}`);
    assert.equal(pkg.children![1].children![0].description, fixSha.slice(0, 7));
    assert.deepEqual(feature.command, { command: 'sdlc.repositories.openCommit', arguments: [{ repository: repo, ref: featSha }] });

    const opened = await run<{ sha: string }>(feature.command!.command, feature.command!.arguments![0]);
    assert.equal(opened.sha, featSha, JSON.stringify(opened));
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /feat\(api\): add a search endpoint/);
  });

  it('shows the version and the pending bump of the active editor\'s package in the status bar', async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(repo, 'src', 'search.ts')));
    const view = await waitFor('the status bar item', async () => {
      const v = await inspectVersions();
      return v.statusBar?.visible ? v : undefined;
    });
    assert.equal(view.statusBar?.text, '$(tag) 1.2.3 → 1.3.0');
    assert.equal(view.statusBar?.package, 'versioned-app');
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(workspace, 'README.md')));
    await waitFor('the status bar item to hide outside any package', async () => !(await inspectVersions()).statusBar?.visible);
  });

  it('refuses an exact version that is not greater, or not a version, and changes nothing', async () => {
    const before = await repoState();
    const notGreater = await run('sdlc.versions.bump', { repository: repo, version: '1.2.0', preview: false });
    assert.equal(notGreater.error?.code, 'VersionNotGreater', JSON.stringify(notGreater));
    assert.match(notGreater.error!.message, /1\.2\.0 is not greater than the current version 1\.2\.3/);
    const same = await run('sdlc.versions.bump', { repository: repo, version: '1.2.3', preview: false });
    assert.equal(same.error?.code, 'VersionNotGreater', JSON.stringify(same));
    const garbage = await run('sdlc.versions.bump', { repository: repo, version: 'one.two', preview: false });
    assert.equal(garbage.error?.code, 'InvalidVersion', JSON.stringify(garbage));
    const badType = await run('sdlc.versions.bump', { repository: repo, releaseType: 'huge', preview: false });
    assert.equal(badType.error?.code, 'InvalidArguments', JSON.stringify(badType));
    assert.deepEqual(await repoState(), before);
  });

  it('refuses a dirty working tree, says which file, and changes nothing', async () => {
    const dirtyFile = path.join(repo, 'src', 'search.ts');
    await fs.writeFile(dirtyFile, 'export const search = 3; // not committed\n');
    try {
      const before = await repoState();
      const result = await run('sdlc.versions.bump', { repository: repo, releaseType: 'minor', preview: false });
      assert.equal(result.error?.code, 'DirtyWorkTree', JSON.stringify(result));
      assert.match(result.error!.message, /src\/search\.ts/);
      assert.deepEqual(await repoState(), before);
      assert.equal(await fs.readFile(dirtyFile, 'utf8'), 'export const search = 3; // not committed\n');
    } finally {
      await git(repo, ['checkout', '--', 'src/search.ts']);
    }
  });

  it('previews every file of the release as a diff without applying anything', async () => {
    const before = await repoState();
    const result = await run<{ tag: string; next: string; files: string[]; previewOnly: boolean }>('sdlc.versions.bump', { repository: repo, previewOnly: true });
    assert.equal(result.error, undefined, JSON.stringify(result));
    assert.deepEqual(result.files, ['package.json', 'CHANGELOG.md']);
    assert.equal(result.tag, 'v1.3.0');
    const diffs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .map((t) => t.input)
      .filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff && i.modified.scheme === 'sdlc-release-preview');
    assert.equal(diffs.length, 2, 'one diff editor per file');
    const manifestDiff = diffs.find((d) => d.modified.path.endsWith('/package.json'))!;
    const after = (await vscode.workspace.openTextDocument(manifestDiff.modified)).getText();
    const original = (await vscode.workspace.openTextDocument(manifestDiff.original)).getText();
    assert.match(after, /"version": "1\.3\.0"/);
    assert.equal(original, before.manifest);
    const changelog = diffs.find((d) => d.modified.path.endsWith('/CHANGELOG.md'))!;
    assert.match((await vscode.workspace.openTextDocument(changelog.modified)).getText(), /^# Changelog\n\n## 1\.3\.0 \(\d{4}-\d\d-\d\d\)\n[\s\S]*### Features[\s\S]*\*\*api:\*\* add a search endpoint/);
    assert.equal((await vscode.workspace.openTextDocument(changelog.original)).getText(), '', 'the changelog is a new file');
    assert.deepEqual(await repoState(), before);
  });

  it('bumps through the command: manifest, changelog, release commit, annotated tag and audit entry', async () => {
    const previousHead = await headSha(repo);
    const result = await run<{ tag: string; next: string; commit: string; pushed: boolean }>('sdlc.versions.bump', { repository: repo, preview: false });
    assert.equal(result.error, undefined, JSON.stringify(result));
    assert.equal(result.tag, 'v1.3.0');
    assert.equal(result.next, '1.3.0');
    assert.equal(result.pushed, false, 'never pushes unless asked');
    releasedHead = await headSha(repo);
    assert.equal(result.commit, releasedHead);
    assert.equal((await git(repo, ['rev-parse', `${releasedHead}^`])).trim(), previousHead);

    assert.equal(JSON.parse(await fs.readFile(manifest, 'utf8')).version, '1.3.0');
    const changelog = await fs.readFile(path.join(repo, 'CHANGELOG.md'), 'utf8');
    assert.match(changelog, /^# Changelog\n\n## 1\.3\.0 \(\d{4}-\d\d-\d\d\)\n/);
    assert.match(changelog, /### Features\n\n\* \*\*api:\*\* add a search endpoint \([0-9a-f]{7}\)/);
    assert.match(changelog, /### Bug fixes\n\n\* handle an empty query \([0-9a-f]{7}\)/);
    assert.equal((await git(repo, ['log', '-1', '--format=%s'])).trim(), 'chore(release): v1.3.0');
    assert.deepEqual((await git(repo, ['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n').sort(), ['CHANGELOG.md', 'package.json']);
    assert.equal((await git(repo, ['cat-file', '-t', 'v1.3.0'])).trim(), 'tag', 'an annotated tag');
    assert.equal((await git(repo, ['rev-parse', 'v1.3.0^{commit}'])).trim(), releasedHead);
    assert.equal((await git(repo, ['status', '--porcelain'])).trim(), '', 'the work tree and index are clean after the release');

    const audit = (await fs.readFile(path.join(repo, '.git', 'sdlc', 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { action: string; result: string; actor: { tool: string }; target: unknown; before: unknown; after: { commit: string } });
    const entry = audit.at(-1)!;
    assert.equal(entry.action, 'version.bump');
    assert.equal(entry.result, 'success');
    assert.equal(entry.actor.tool, 'vscode');
    assert.deepEqual(entry.target, { package: 'versioned-app', tag: 'v1.3.0' });
    assert.deepEqual(entry.before, { version: '1.2.3' });
    assert.equal(entry.after.commit, releasedHead);
  });

  it('then shows "Nothing to release" for the package', async () => {
    const pkg = await waitForPackage('nothing to release', (i) => i.description === '1.3.0 · nothing to release');
    assert.deepEqual(pkg.children?.map((c) => [c.label, c.icon]), [['Nothing to release', 'check']]);
    assert.equal(pkg.contextValue, 'package');
    const again = await run('sdlc.versions.bump', { repository: repo, releaseType: 'auto', preview: false });
    assert.equal(again.error?.code, 'NothingToRelease', JSON.stringify(again));
    assert.equal(await headSha(repo), releasedHead);
  });
  describe('in a monorepo (npm workspaces)', () => {
    const mono = path.join(workspace, 'monorepo');
    const manifestOf = (name: string, deps?: Record<string, string>) => `${JSON.stringify({ name, version: '1.0.0', ...(deps ? { dependencies: deps } : {}) }, null, 2)}\n`;
    const readJson = async (rel: string) => JSON.parse(await fs.readFile(path.join(mono, rel), 'utf8')) as { version: string; dependencies?: Record<string, string> };

    /** The repository node and its package nodes by label. */
    const waitForMonorepo = (what: string, check: (packages: Map<string, VersionsItem>, repoItem: VersionsItem) => boolean) =>
      waitFor(what, async () => {
        const item = (await inspectVersions()).items.find((i) => i.label === 'monorepo');
        const packages = new Map((item?.children ?? []).map((c) => [c.label, c]));
        return item && check(packages, item) ? { item, packages } : undefined;
      });

    before(async () => {
      await makeRepo({ dir: mono, commits: ['chore: initial commit'] });
      await commit(mono, 'chore: add the workspaces', {
        'package.json': `${JSON.stringify({ name: 'monorepo-root', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
        'packages/a/package.json': manifestOf('a'),
        'packages/b/package.json': manifestOf('b', { a: '^1.0.0' }),
      });
      await tag(mono, 'a@1.0.0', 'a 1.0.0');
      await tag(mono, 'b@1.0.0', 'b 1.0.0');
      await commit(mono, 'feat(a): add a greeting', { 'packages/a/index.js': 'exports.greet = () => "hi";\n' });
      await run('sdlc.repositories.refresh');
    });

    it('lists every workspace package with its own release: a changed, b nothing to release', async () => {
      const { item, packages } = await waitForMonorepo('the workspace packages', (p) => p.get('a')?.description === '1.0.0 → 1.1.0 (minor)' && p.get('b')?.description === '1.0.0 · nothing to release');
      assert.deepEqual([...packages.keys()], ['a', 'b'], 'the workspaces, not the private root');
      assert.equal(item.icon, 'repo');
      assert.match(item.contextValue ?? '', /^package repository releasable$/);
      assert.equal(item.description, '2 packages · 1 to release');
      assert.match(packages.get('a')!.tooltip ?? '', /1 commit since a@1\\?\.0\\?\.0/);
      assert.deepEqual(packages.get('a')!.children?.map((g) => [g.label, g.children?.[0]?.label]), [['Features', 'add a greeting']]);
      assert.deepEqual(packages.get('b')!.children?.map((c) => [c.label, c.icon]), [['Nothing to release', 'check']]);
    });

    it('previews every file of every plan, the dependent\'s range included, without applying anything', async () => {
      const head = await headSha(mono);
      const result = await run<{ tags: string[]; files: string[]; previewOnly: boolean }>('sdlc.versions.bump', { repository: mono, package: 'all', previewOnly: true });
      assert.equal(result.error, undefined, JSON.stringify(result));
      assert.deepEqual(result.tags, ['a@1.1.0']);
      assert.deepEqual([...result.files].sort(), ['packages/a/CHANGELOG.md', 'packages/a/package.json', 'packages/b/package.json']);
      const diffs = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map((t) => t.input)
        .filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff && i.modified.scheme === 'sdlc-release-preview');
      assert.equal(diffs.length, 3, 'one diff editor per file of every plan');
      const dependent = diffs.find((d) => d.modified.path.endsWith('/packages/b/package.json'))!;
      assert.match((await vscode.workspace.openTextDocument(dependent.modified)).getText(), /"a": "\^1\.1\.0"/);
      assert.equal(await headSha(mono), head);
      assert.equal((await git(mono, ['status', '--porcelain'])).trim(), '');
    });

    it('bumps every changed package in one commit, one tag each, and moves the dependents\' ranges', async () => {
      const previousHead = await headSha(mono);
      const result = await run<{ tag: string; tags: string[]; commit: string; releases: Array<{ package: string; next: string }> }>('sdlc.versions.bump', { repository: mono, package: 'all', preview: false });
      assert.equal(result.error, undefined, JSON.stringify(result));
      // Only packages with commits since their tag are released; b, whose range (^1.0.0) still admits
      // the new version, is not (the edit of its range rides in a's plan).
      assert.deepEqual(result.tags, ['a@1.1.0']);
      assert.deepEqual(result.releases.map((r) => [r.package, r.next]), [['a', '1.1.0']]);
      const head = await headSha(mono);
      assert.equal(result.commit, head);
      assert.equal((await git(mono, ['rev-parse', `${head}^`])).trim(), previousHead, 'one commit');
      assert.equal((await git(mono, ['log', '-1', '--format=%s'])).trim(), 'chore(release): a@1.1.0');
      assert.deepEqual((await git(mono, ['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n').sort(), ['packages/a/CHANGELOG.md', 'packages/a/package.json', 'packages/b/package.json']);
      assert.deepEqual((await git(mono, ['tag', '--points-at', 'HEAD'])).trim().split('\n'), ['a@1.1.0']);
      assert.equal((await git(mono, ['cat-file', '-t', 'a@1.1.0'])).trim(), 'tag', 'an annotated tag');
      assert.equal((await readJson('packages/a/package.json')).version, '1.1.0');
      assert.deepEqual(await readJson('packages/b/package.json'), { name: 'b', version: '1.0.0', dependencies: { a: '^1.1.0' } });
      assert.equal((await git(mono, ['status', '--porcelain'])).trim(), '', 'clean tree after the release');

      // a is released; b's manifest changed in the release commit, so b now has a change of its own to release.
      const { item } = await waitForMonorepo('a released', (p) => p.get('a')?.description === '1.1.0 · nothing to release');
      const b = item.children!.find((c) => c.label === 'b')!;
      assert.equal(b.description, '1.0.0 → 1.0.1 (patch)', JSON.stringify(b));
      assert.deepEqual(item.children!.map((c) => c.label), ['b', 'a'], 'the package with something to release first');
    });
    it('bumps one package of the monorepo from its folder, with its own tag', async () => {
      const result = await run<{ tags: string[]; commit: string }>('sdlc.versions.bump', { repository: mono, package: 'packages/b', preview: false });
      assert.equal(result.error, undefined, JSON.stringify(result));
      assert.deepEqual(result.tags, ['b@1.0.1']);
      assert.deepEqual((await git(mono, ['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n').sort(), ['packages/b/CHANGELOG.md', 'packages/b/package.json']);
      assert.equal((await readJson('packages/a/package.json')).version, '1.1.0');
      assert.deepEqual(await readJson('packages/b/package.json'), { name: 'b', version: '1.0.1', dependencies: { a: '^1.1.0' } });
      await waitForMonorepo('nothing left to release', (p, repoItem) =>
        p.get('a')?.description === '1.1.0 · nothing to release' && p.get('b')?.description === '1.0.1 · nothing to release' && repoItem.description === '2 packages · nothing to release');
      const again = await run('sdlc.versions.bump', { repository: mono, preview: false });
      assert.equal(again.error?.code, 'NothingToRelease', JSON.stringify(again));
      assert.equal(await headSha(mono), result.commit);
    });

    it('a warning every plan has (a release-like tag of no package) shows once, on the repository', async () => {
      await tag(mono, 'old-tool@0.1.0', 'a tool that left the repository');
      await commit(mono, 'fix(a): edge', { 'packages/a/edge.js': 'exports.edge = 1;\n' });
      await commit(mono, 'fix(b): edge', { 'packages/b/edge.js': 'exports.edge = 1;\n' });
      await run('sdlc.repositories.refresh');
      const { item } = await waitForMonorepo('both packages planned', (p) => p.get('a')?.description === '1.1.0 → 1.1.1 (patch)' && p.get('b')?.description === '1.0.1 → 1.0.2 (patch)');
      const rows = item.children!.map((c) => [c.label.includes('old-tool@0.1.0') ? 'the warning' : c.label, c.icon]);
      assert.deepEqual(rows.slice(0, 1), [['the warning', 'warning']], JSON.stringify(rows));
      assert.deepEqual(rows.slice(1).map(([label]) => label), ['a', 'b']);
      for (const pkg of item.children!.slice(1)) assert.ok(!pkg.children?.some((c) => c.label.includes('old-tool@0.1.0')), `not again under ${pkg.label}`);
      await git(mono, ['tag', '-d', 'old-tool@0.1.0']);
    });
  });
});
