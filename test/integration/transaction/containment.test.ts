import { strict as assert } from 'node:assert';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { assertInside, assertInsideAny, checkRelativePath, isInside } from '../../../src/core/transaction/containment';
import { removeDir, tempDir } from '../cli/tempRepo';

async function refused(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: { code?: string; message: string; usage?: boolean }) => {
    assert.equal(e.code, code, e.message);
    assert.equal(e.usage, true);
    assert.match(e.message, message);
    return true;
  });
}

describe('containment: every written path stays inside its folder', () => {
  let root: string;
  let outside: string;
  before(() => {
    root = tempDir('sdlc-contain-');
    outside = tempDir('sdlc-outside-');
    writeFileSync(path.join(outside, 'victim.txt'), 'secret\n');
    mkdirSync(path.join(root, 'docs'));
    writeFileSync(path.join(root, 'docs', 'CHANGELOG.md'), '# c\n');
    writeFileSync(path.join(root, 'package.json'), '{}\n');
    symlinkSync(path.join(outside, 'victim.txt'), path.join(root, 'CHANGELOG.md'));
    symlinkSync(outside, path.join(root, 'linkdir'));
    symlinkSync(path.join(root, 'docs', 'CHANGELOG.md'), path.join(root, 'inner-link.md'));
  });
  after(() => {
    removeDir(root);
    removeDir(outside);
  });

  it('accepts plain files and new files in new folders, returning the absolute path', async () => {
    assert.equal(await assertInside(root, 'docs/CHANGELOG.md'), path.join(root, 'docs', 'CHANGELOG.md'));
    assert.equal(await assertInside(root, './new/dir/file.txt'), path.join(root, 'new', 'dir', 'file.txt'));
  });

  it('refuses a symlinked file (even one pointing inside), a symlinked folder, "..", absolute paths and .git', async () => {
    await refused(assertInside(root, 'CHANGELOG.md'), 'SymlinkRefused', /symbolic link CHANGELOG\.md/);
    await refused(assertInside(root, 'inner-link.md'), 'SymlinkRefused', /symbolic link/);
    await refused(assertInside(root, 'linkdir/victim.txt'), 'SymlinkRefused', /symbolic link linkdir/);
    await refused(assertInside(root, 'linkdir/new.txt'), 'SymlinkRefused', /symbolic link linkdir/);
    await refused(assertInside(root, '../x'), 'PathOutsideWorkTree', /goes up/);
    await refused(assertInside(root, 'docs/../../x'), 'PathOutsideWorkTree', /goes up/);
    await refused(assertInside(root, path.join(outside, 'victim.txt')), 'PathOutsideWorkTree', /absolute/);
    await refused(assertInside(root, 'C:\\x'), 'PathOutsideWorkTree', /absolute/);
    await refused(assertInside(root, '.git/config'), 'PathOutsideWorkTree', /\.git/);
    await refused(assertInside(root, '.GIT/config'), 'PathOutsideWorkTree', /\.git/);
    await refused(assertInside(root, 'package.json/x'), 'PathOutsideWorkTree', /not a folder/);
    await refused(assertInside(root, 'docs'), 'PathOutsideWorkTree', /not a regular file/);
    await refused(assertInside(root, ''), 'PathOutsideWorkTree', /empty/);
  });

  it('a folder reached through a link is checked by its real path', async () => {
    // root itself through a link is fine (realpath of both sides), a link below is not.
    const alias = path.join(outside, 'alias');
    symlinkSync(root, alias);
    assert.equal(await assertInside(alias, 'docs/CHANGELOG.md'), path.join(alias, 'docs', 'CHANGELOG.md'));
  });

  it('assertInsideAny: an absolute path inside one of the allowed folders', async () => {
    assert.equal(await assertInsideAny([outside, root], path.join(root, 'docs', 'x.jsonl')), path.join(root, 'docs', 'x.jsonl'));
    await refused(assertInsideAny([root], path.join(outside, 'victim.txt')), 'PathOutsideWorkTree', /not inside/);
    await refused(assertInsideAny([root], path.join(root, 'linkdir', 'victim.txt')), 'SymlinkRefused', /linkdir/);
  });

  it('property: a relative path accepted lexically never leaves the folder', () => {
    const part = fc.constantFrom('a', 'b', '..', '.', '', '.git', 'x.md', '\\', ':', 'C:');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), fc.constantFrom('/', '\\'), (parts, sep) => {
        const rel = parts.join(sep);
        let normal: string;
        try {
          normal = checkRelativePath(rel);
        } catch {
          return;
        }
        assert.ok(isInside('/r', path.posix.join('/r', normal)), rel);
        assert.notEqual(path.posix.join('/r', normal), '/r');
        assert.ok(!normal.split('/').includes('..'));
      }),
    );
  });
});
