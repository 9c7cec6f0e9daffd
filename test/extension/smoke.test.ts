import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'sdlc-workbench.sdlc-workbench';

interface Manifest {
  contributes?: { commands?: { command: string }[] };
}

describe('extension smoke', () => {
  it('is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    await ext.activate();
    assert.ok(ext.isActive, 'extension did not activate');
  });

  it('registers every command declared in package.json', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    await ext.activate();
    const manifest = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'package.json'), 'utf8')) as Manifest;
    const declared = (manifest.contributes?.commands ?? []).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `commands declared in package.json but not registered: ${missing.join(', ')}`);
  });

  it('runs in the test workspace', () => {
    const expected = process.env.SDLC_TEST_WORKSPACE;
    if (!expected) return; // desktop runs (test-electron) may not set it
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.ok(folders.some((f) => path.resolve(f.uri.fsPath) === path.resolve(expected)),
      `workspace folders ${folders.map((f) => f.uri.fsPath).join(', ')} do not include ${expected}`);
  });
});
