// The Versions view on repositories of several ecosystems, in a real VS Code: each package shows its
// ecosystem's icon and its tooltip says where its version lives; a release unit (lerna fixed mode, a
// Cargo workspace whose crates inherit its version) is one node with its packages below it.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { commit, makeRepo, tag } from '../support/repos';
import { activate, run, waitFor, type Item } from './helpers';

interface VersionsItem extends Item {
  tooltip?: string;
  collapsed?: boolean;
  command?: { command: string; arguments?: unknown[] };
  children?: VersionsItem[];
}

const inspectVersions = () => vscode.commands.executeCommand('sdlc.versions._inspect') as Promise<{ state: string; items: VersionsItem[] }>;
/** Tooltip Markdown as read: escapes removed. */
const plain = (text?: string) => (text ?? '').replace(/\\(.)/g, '$1');
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('Versions view: ecosystems and release units', function () {
  this.timeout(90000);
  const workspace = process.env.SDLC_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const npmRepo = path.join(workspace, 'eco-npm');
  const cargoRepo = path.join(workspace, 'eco-cargo');
  const lernaRepo = path.join(workspace, 'eco-lerna');

  /** The top-level item with this label once `check` holds for it. */
  const waitForTop = (label: string, check: (item: VersionsItem) => boolean) =>
    waitFor(`${label} in the Versions view`, async () => {
      const item = (await inspectVersions()).items.find((i) => i.label === label);
      return item && check(item) ? item : undefined;
    });

  before(async () => {
    assert.ok(workspace, 'the harness must open a workspace folder (SDLC_TEST_WORKSPACE)');

    await makeRepo({ dir: npmRepo, commits: ['chore: initial commit'] });
    await commit(npmRepo, 'chore: the manifest', { 'package.json': json({ name: 'eco-npm-app', version: '4.1.0' }) });
    await tag(npmRepo, 'v4.1.0', 'Release 4.1.0');
    await commit(npmRepo, 'fix: a crash', { 'src/index.js': 'module.exports = 1;\n' });
    // More fixes than a group shows expanded (EXPANDED_GROUP_MAX = 50).
    for (let i = 1; i <= 50; i++) await commit(npmRepo, `fix: crash ${i}`);

    // A Cargo workspace laid out like ripgrep / tokio: crates inheriting [workspace.package] version.
    await makeRepo({ dir: cargoRepo, commits: ['chore: initial commit'] });
    await commit(cargoRepo, 'chore: the workspace', {
      'Cargo.toml': '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "2.13.1"\nedition = "2021"\n',
      'crates/core/Cargo.toml': '[package]\nname = "demo-core"\nversion.workspace = true\nedition.workspace = true\n',
      'crates/core/src/lib.rs': '\n',
      'crates/cli/Cargo.toml': '[package]\nname = "demo-cli"\nversion = { workspace = true }\nedition = { workspace = true }\n\n[dependencies]\ndemo-core = { path = "../core", version = "2.13.1" }\n',
      'crates/cli/src/main.rs': 'fn main() {}\n',
    });
    await tag(cargoRepo, 'v2.13.1', 'Release 2.13.1');
    await commit(cargoRepo, 'feat(core): faster parser', { 'crates/core/src/lib.rs': 'pub fn parse() {}\n' });

    // lerna fixed mode: core changes, utils depends on it (moves too), docs does not (stays).
    await makeRepo({ dir: lernaRepo, commits: ['chore: initial commit'] });
    await commit(lernaRepo, 'chore: the monorepo', {
      'lerna.json': json({ version: '3.4.0', npmClient: 'npm' }),
      'package.json': json({ name: 'fx-monorepo', private: true, version: '0.0.0', workspaces: ['packages/*'] }),
      'packages/core/package.json': json({ name: '@fx/core', version: '3.4.0' }),
      'packages/utils/package.json': json({ name: '@fx/utils', version: '3.4.0', dependencies: { '@fx/core': '^3.4.0' } }),
      'packages/docs/package.json': json({ name: '@fx/docs', version: '3.4.0' }),
    });
    await tag(lernaRepo, 'v3.4.0', 'Release 3.4.0');
    await commit(lernaRepo, 'fix(core): off by one', { 'packages/core/src/index.js': 'module.exports = 2;\n' });

    await activate();
    await run('sdlc.repositories.refresh');
  });

  it('an npm package: the package icon, and "package.json version" in its tooltip', async () => {
    const pkg = await waitForTop('eco-npm-app', (i) => i.description === '4.1.0 → 4.1.1 (patch)');
    assert.equal(pkg.icon, 'package');
    assert.match(plain(pkg.tooltip), /\$\(package\) npm: package\.json version/);
  });

  it('a commit group of more than 50 commits starts collapsed, with its count; a small one expanded', async () => {
    const pkg = await waitForTop('eco-npm-app', (i) => i.description === '4.1.0 → 4.1.1 (patch)');
    const fixes = pkg.children?.find((c) => c.label === 'Bug fixes');
    assert.equal(fixes?.description, '51');
    assert.equal(fixes?.collapsed, true);
    assert.equal(fixes?.children?.length, 51, 'its commits are there when expanded');
    const unit = await waitForTop('eco-cargo', (i) => i.description === '2.13.1 → 2.14.0 (minor) · v2.14.0');
    const features = unit.children?.find((c) => c.label === 'Features');
    assert.equal(features?.description, '1');
    assert.equal(features?.collapsed, undefined, 'one commit: expanded');
  });

  it('a Cargo workspace with an inherited version: one unit with the Rust icon and its crates below it, each saying where its version lives', async () => {
    const unit = await waitForTop('eco-cargo', (i) => i.description === '2.13.1 → 2.14.0 (minor) · v2.14.0');
    assert.equal(unit.icon, 'gear');
    assert.match(plain(unit.tooltip), /cargo: Cargo\.toml \[workspace\.package\] version/);
    const crates = (unit.children ?? []).filter((c) => c.contextValue?.startsWith('unitMember'));
    assert.deepEqual(crates.map((c) => [c.label, c.icon, c.description, c.contextValue]), [
      ['demo-cli', 'gear', 'crates/cli · 2.13.1 → 2.14.0', 'unitMember moving'],
      ['demo-core', 'gear', 'crates/core · 2.13.1 → 2.14.0', 'unitMember moving'],
    ]);
    assert.match(plain(crates[1].tooltip), /cargo: Cargo\.toml \[workspace\.package\] version \(inherited by crates\/core\/Cargo\.toml\)/);
    assert.match(plain(crates[1].tooltip), /moves to \*\*2\.14\.0\*\* in release `v2\.14\.0`/);
    assert.equal(crates[1].command?.command, 'vscode.open', 'a click opens its manifest');
    assert.equal((crates[1].command?.arguments?.[0] as vscode.Uri).fsPath, path.join(cargoRepo, 'crates', 'core', 'Cargo.toml'));
    assert.deepEqual(unit.children!.filter((c) => !c.contextValue?.startsWith('unitMember')).map((c) => c.label), ['Features'], 'then the commits');
  });

  it('a lerna fixed-mode unit: one node at the lerna.json version with the next version and its tag; its packages below it with the npm icon, where each version lives, which move', async () => {
    // (The plan that knows the release tag: a plan made while the fixture was being written, before its
    // tag, reads the same at the top; its members do not.)
    const unit = await waitForTop('fx-monorepo', (i) => i.description === '3.4.0 → 3.4.1 (patch) · v3.4.1' && /\d+ commits? since v3\.4\.0/.test(plain(i.tooltip)));
    assert.equal(unit.icon, 'layers');
    assert.match(unit.contextValue ?? '', /^package\b.*\breleasable\b/, 'Bump Version applies to the unit');
    assert.match(plain(unit.tooltip), /lerna: lerna\.json version \(fixed mode: every package released at this version, tag v\$\{version\}\)/);
    assert.ok(!(await inspectVersions()).items.some((i) => i.label === 'eco-lerna'), 'the unit is the node, not a repository node holding one package');
    const members = (unit.children ?? []).filter((c) => c.contextValue?.startsWith('unitMember'));
    assert.deepEqual(members.map((m) => [m.label, m.icon, m.description]), [
      ['@fx/core', 'package', 'packages/core · 3.4.0 → 3.4.1'],
      ['@fx/docs', 'package', 'packages/docs · 3.4.0 · stays'],
      ['@fx/utils', 'package', 'packages/utils · 3.4.0 → 3.4.1'],
    ]);
    for (const [m, dir] of [[members[0], 'core'], [members[1], 'docs'], [members[2], 'utils']] as const) {
      assert.match(plain(m.tooltip), new RegExp(`\\$\\(package\\) npm: packages/${dir}/package\\.json version`));
      assert.match(plain(m.tooltip), /released with fx-monorepo \(lerna\.json version/);
    }
    assert.match(plain(members[2].tooltip), /moves to \*\*3\.4\.1\*\* in release `v3\.4\.1`/, 'utils moves: it depends on core');
    assert.match(plain(members[1].tooltip), /stays at 3\.4\.0: no commit of its own since v3\.4\.0 and none of the packages it depends on moves/);
    assert.deepEqual(unit.children!.filter((c) => !c.contextValue?.startsWith('unitMember')).map((c) => c.label), ['Bug fixes']);
  });
});
