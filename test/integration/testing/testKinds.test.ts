/** `.sdlc.json` "testKinds" corrects the kind guessed for a suite detected from package.json scripts (issue 10 §12). */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SdlcError } from '../../../src/core/errors';
import { loadSuites } from '../../../src/vscode/testRuns/suites';

describe('testing/suites: "testKinds" in .sdlc.json', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sdlc-testkinds-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ scripts: { 'test:extension': 'node run.mjs', 'test:smoke': 'node smoke.mjs', 'test:api': 'node api.mjs' } }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sets the kind of the scripts it names and says so (with the guess) in the reason; others keep the guess', async () => {
    writeFileSync(path.join(dir, '.sdlc.json'), JSON.stringify({ testKinds: { 'test:smoke': 'acceptance', 'test:extension': 'integration' } }));
    const byName = new Map((await loadSuites(dir)).map((s) => [s.name, s]));
    assert.equal(byName.get('test:smoke')?.kind, 'acceptance');
    assert.equal(byName.get('test:extension')?.kind, 'integration');
    assert.match(byName.get('test:extension')?.kindReason ?? '', /^set in \.sdlc\.json "testKinds" \(the guess was acceptance, because the name "test:extension" has "extension"\)$/);
    assert.equal(byName.get('test:api')?.kind, 'integration');
    assert.match(byName.get('test:api')?.kindReason ?? '', /the name "test:api" has "api"/);
  });

  it('an unknown kind is InvalidConfig naming the key, and "__proto__" is only a script name', async () => {
    writeFileSync(path.join(dir, '.sdlc.json'), '{ "testKinds": { "test:smoke": "e2e" } }');
    await assert.rejects(loadSuites(dir), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidConfig' && /testKinds/.test(e.message) && /e2e/.test(e.message));
    writeFileSync(path.join(dir, '.sdlc.json'), '{ "testKinds": { "__proto__": "security" } }');
    const suites = await loadSuites(dir);
    assert.deepEqual(suites.map((s) => s.kind).sort(), ['acceptance', 'integration', 'unit']);
  });
});
