import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { cargo, diskFiles, matchSegment, memoryFiles, releaseEdits } from '../../../../src/core/versioning/ecosystems';
import { loadFixture } from './helpers';

describe('versioning/ecosystems files and release edits', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'sdlc-eco-files-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('diskFiles reads inside the root only: `..` and symlinks pointing out read as absent', async () => {
    const root = path.join(tmp, 'repo');
    mkdirSync(path.join(root, 'pkg'), { recursive: true });
    writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
    writeFileSync(path.join(root, 'pkg', 'Cargo.toml'), '[package]\nname = "p"\nversion = "1.0.0"\n');
    symlinkSync(path.join(tmp, 'secret.txt'), path.join(root, 'pkg', 'link.txt'));
    symlinkSync(path.join(root, 'pkg', 'Cargo.toml'), path.join(root, 'inside.toml'));
    const files = diskFiles(root);
    assert.equal(await files.read('../secret.txt'), null);
    assert.equal(await files.read('pkg/link.txt'), null);
    assert.match((await files.read('inside.toml'))!, /version/);
    assert.deepEqual(await files.folders('.'), ['pkg']);
    assert.deepEqual(await files.fileNames('pkg'), ['Cargo.toml']); // symlinks are not listed
    assert.equal((await cargo.readVersion('pkg', files)).version, '1.0.0');
  });

  it('releaseEdits: one edit per file, composing the workspace version and [workspace.dependencies] of one Cargo.toml', async () => {
    const before = loadFixture('cargo-workspace');
    const edits = await releaseEdits(cargo, '.', memoryFiles(before), '2.14.0', new Map([['crates/core', '2.14.0'], ['crates/cli', '2.14.0']]));
    assert.deepEqual(edits.map((e) => e.file).sort(), ['Cargo.lock', 'Cargo.toml', 'crates/cli/Cargo.toml']);
    const root = edits.find((e) => e.file === 'Cargo.toml')!;
    assert.equal(root.before, before['Cargo.toml']);
    assert.equal(root.after, before['Cargo.toml'].replaceAll('"2.13.1"', '"2.14.0"'));
  });

  it('property: glob segments match as the regular-expression translation does', () => {
    const toRegExp = (p: string) => new RegExp(`^${[...p].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's');
    const chars = fc.constantFrom('a', 'b', '-', '.', '*', '?');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '-', '.'), maxLength: 10 }), (pattern, name) => {
        assert.equal(matchSegment(pattern, name), toRegExp(pattern).test(name));
      }),
      { numRuns: 2000 },
    );
    assert.equal(matchSegment('[ab]x', 'bx'), true);
    assert.equal(matchSegment('[!ab]x', 'bx'), false);
    assert.equal(matchSegment('v[0-9]', 'v7'), true);
  });
});
