import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { checkRelativePath, isInside } from '../../../src/core/transaction/containment';

describe('transaction/containment: relative paths (lexical)', () => {
  it('normalizes plain paths and refuses the ones that could leave the folder', () => {
    assert.equal(checkRelativePath('./docs//CHANGELOG.md'), 'docs/CHANGELOG.md');
    assert.equal(checkRelativePath('docs\\CHANGELOG.md'), 'docs/CHANGELOG.md');
    assert.equal(checkRelativePath(':(top)*'), ':(top)*', 'a strange but literal file name');
    for (const bad of ['', ' ', '.', '..', '../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'c:x', '\\\\server\\share', '.git/hooks/pre-commit', 'a\0b']) {
      assert.throws(() => checkRelativePath(bad, { what: 'The changelog' }), (e: unknown) => e instanceof SdlcError && e.code === 'PathOutsideWorkTree' && e.usage && e.message.startsWith('The changelog'), bad);
    }
    assert.equal(checkRelativePath('.git/x', { refuseGitDir: false }), '.git/x');
  });

  it('property: whatever is accepted stays strictly inside the folder', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('..', '.', '', '.git', 'C:', '~'), fc.stringMatching(/^[a-z.:\\~ ]{0,4}$/)), { maxLength: 6 }), (parts) => {
        const rel = parts.join('/');
        let normal: string;
        try {
          normal = checkRelativePath(rel);
        } catch (e) {
          assert.ok(e instanceof SdlcError);
          return;
        }
        const resolved = path.posix.resolve('/root/repo', normal);
        assert.ok(isInside('/root/repo', resolved) && resolved !== '/root/repo', `${rel} → ${normal}`);
      }),
      { numRuns: 500 },
    );
  });
});
