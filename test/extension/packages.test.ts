// The Packages view in a real VS Code: a real npm package in the test workspace, built through the
// `sdlc.packages.build` command with arguments (as a keybinding or task would), shown as target →
// version → artifact, then deleted through `sdlc.packages.deleteArtifact`.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { commit, makeRepo, tag } from '../support/repos';
import { activate, run, waitFor, type Item } from './helpers';

interface PackagesItem extends Item {
  tooltip?: string;
  children?: PackagesItem[];
}

const inspectPackages = () => vscode.commands.executeCommand('sdlc.packages._inspect') as Promise<{ state: string; items: PackagesItem[] }>;

describe('Packages view', function () {
  this.timeout(120000);
  const workspace = process.env.SDLC_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const repo = path.join(workspace, 'packaged');

  /** The target item of the `packaged` repository (the view nests per repository when there are several). */
  const targetItem = async (name: string): Promise<PackagesItem | undefined> => {
    const { items } = await inspectPackages();
    const top = items.find((i) => i.label === 'packaged')?.children ?? items;
    return top.find((i) => i.label === name);
  };

  before(async () => {
    assert.ok(workspace, 'the harness must open a workspace folder (SDLC_TEST_WORKSPACE)');
    await makeRepo({ dir: repo, commits: ['chore: initial commit'] });
    await commit(repo, 'feat: the package', {
      'package.json': `${JSON.stringify({ name: 'packaged-app', version: '2.1.0', main: 'index.js', license: 'MIT' }, null, 2)}\n`,
      'index.js': 'module.exports = 42;\n',
    });
    await tag(repo, 'v2.1.0', 'Release 2.1.0');
    await activate();
    await run('sdlc.repositories.refresh');
  });

  it('shows the detected npm target, builds it from the tag, and lists the artifact with its size and sha256', async () => {
    await waitFor('the npm target', async () => (await targetItem('npm')) ?? undefined);
    const result = await run<{ artifacts: Array<{ path: string; sha256: string; bytes: number; tag: string | null }> }>('sdlc.packages.build', { repository: repo, target: 'npm', fromTag: 'v2.1.0' });
    assert.ok(!('error' in result), JSON.stringify(result));
    const [artifact] = result.artifacts;
    assert.equal(artifact.tag, 'v2.1.0');
    assert.equal(artifact.sha256, createHash('sha256').update(readFileSync(artifact.path)).digest('hex'));

    const target = await waitFor('the build under the target', async () => {
      const t = await targetItem('npm');
      return t?.children?.length ? t : undefined;
    });
    const build = target.children![0];
    assert.equal(build.label, '2.1.0');
    assert.match(build.description ?? '', /from v2\.1\.0/);
    const file = build.children?.find((c) => c.label === 'packaged-app-2.1.0.tgz');
    assert.ok(file, JSON.stringify(build));
    assert.match(file.description ?? '', /\d+ B/);
    assert.ok(file.tooltip?.includes(artifact.sha256), 'sha256 in the tooltip');
    assert.equal(file.contextValue, 'artifact');
  });

  it('an unknown target is refused with the names of the real ones; nothing is built', async () => {
    const result = await run('sdlc.packages.build', { repository: repo, target: 'nope' });
    assert.equal((result as { error?: { code: string } }).error?.code, 'UnknownTarget');
  });

  it('deletes an artifact through the command (no prompt with confirm: false)', async () => {
    const built = await run<{ artifacts: Array<{ path: string }> }>('sdlc.packages.build', { repository: repo, target: 'npm' });
    const file = built.artifacts[0].path;
    assert.ok(existsSync(file));
    await run('sdlc.packages.deleteArtifact', { folder: path.dirname(file), name: path.basename(file), confirm: false });
    assert.equal(existsSync(file), false);
  });
});
