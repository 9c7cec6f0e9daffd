// Screenshots of the Versions view on monorepos (test-results/screenshots/versions-units*.png): a lerna
// fixed-mode unit and a Cargo workspace whose crates inherit its version, each one node with its
// packages below it (ecosystem icon, folder, version, whether the release moves it), and the tooltip
// saying where a package's version lives. Two real repositories in one workspace folder.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { cleanupTempDirs, commit, makeRepo, makeTempDir, tag } from '../support/repos';
import { blurViews, closeToasts, hoverRow, showOnlyView, waitForRow } from '../support/uiTree';
import { openWorkbench, type Workbench } from './driver';

const VIEW = 'Versions';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('UI: Versions view on monorepos', function () {
  this.timeout(240000);
  let wb: Workbench | undefined;

  before(async () => {
    const workspace = await makeTempDir('sdlc-ui-units-');
    const lerna = path.join(workspace, 'fx');
    await makeRepo({ dir: lerna, commits: ['chore: initial commit'] });
    await commit(lerna, 'chore: the monorepo', {
      'lerna.json': json({ version: '3.4.0', npmClient: 'npm' }),
      'package.json': json({ name: 'fx-monorepo', private: true, version: '0.0.0', workspaces: ['packages/*'] }),
      'packages/core/package.json': json({ name: '@fx/core', version: '3.4.0' }),
      'packages/utils/package.json': json({ name: '@fx/utils', version: '3.4.0', dependencies: { '@fx/core': '^3.4.0' } }),
      'packages/docs/package.json': json({ name: '@fx/docs', version: '3.4.0' }),
    });
    await tag(lerna, 'v3.4.0', 'Release 3.4.0');
    await commit(lerna, 'feat(core): streaming parser', { 'packages/core/src/index.js': 'module.exports = 2;\n' });

    const cargo = path.join(workspace, 'engine');
    await makeRepo({ dir: cargo, commits: ['chore: initial commit'] });
    await commit(cargo, 'chore: the workspace', {
      'Cargo.toml': '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "2.13.1"\nedition = "2021"\n',
      'crates/core/Cargo.toml': '[package]\nname = "engine-core"\nversion.workspace = true\nedition.workspace = true\n',
      'crates/core/src/lib.rs': '\n',
      'crates/cli/Cargo.toml': '[package]\nname = "engine-cli"\nversion = { workspace = true }\nedition = { workspace = true }\n',
      'crates/cli/src/main.rs': 'fn main() {}\n',
    });
    await tag(cargo, 'v2.13.1', 'Release 2.13.1');
    await commit(cargo, 'fix(core): overflow on empty input', { 'crates/core/src/lib.rs': 'pub fn parse() {}\n' });

    wb = await openWorkbench({ folder: workspace, viewport: { width: 1280, height: 900 } });
    await showOnlyView(wb.page, VIEW, 640);
  });

  after(async () => {
    await wb?.close();
    await cleanupTempDirs();
  });

  it('shows each unit as one node with its packages below it (versions-units.png, versions-units-tooltip.png)', async () => {
    const page = wb!.page;
    const fx = await waitForRow(page, VIEW, ['fx-monorepo'], (r) => r.description === '3.4.0 → 3.5.0 (minor) · v3.5.0' && r.expanded === 'true');
    assert.equal(fx.icon, 'codicon-layers', 'a lerna unit');
    // Fixed mode: the changed package and its dependent move, the package that is neither stays.
    await waitForRow(page, VIEW, ['fx-monorepo', '@fx/core'], (r) => r.description === 'packages/core · 3.4.0 → 3.5.0' && r.icon === 'codicon-package');
    await waitForRow(page, VIEW, ['fx-monorepo', '@fx/utils'], (r) => r.description === 'packages/utils · 3.4.0 → 3.5.0');
    await waitForRow(page, VIEW, ['fx-monorepo', '@fx/docs'], (r) => r.description === 'packages/docs · 3.4.0 · stays');
    await waitForRow(page, VIEW, ['fx-monorepo', 'Features', 'streaming parser']);
    const engine = await waitForRow(page, VIEW, ['engine'], (r) => r.description === '2.13.1 → 2.13.2 (patch) · v2.13.2');
    assert.equal(engine.icon, 'codicon-gear', 'a Cargo unit');
    await waitForRow(page, VIEW, ['engine', 'engine-core'], (r) => r.description === 'crates/core · 2.13.1 → 2.13.2' && r.icon === 'codicon-gear');
    await waitForRow(page, VIEW, ['engine', 'engine-cli'], (r) => r.description === 'crates/cli · 2.13.1 → 2.13.2');
    await closeToasts(page);
    await blurViews(page);
    await wb!.screenshot('versions-units');

    // Where a member's version lives, in its tooltip.
    const tip = await hoverRow(page, VIEW, await waitForRow(page, VIEW, ['engine', 'engine-cli']), 'workspace');
    assert.match(tip, /crates\/cli\/Cargo\.toml/);
    assert.match(tip, /workspace/);
    await wb!.screenshot('versions-units-tooltip', { keepHover: true });
  });
});
