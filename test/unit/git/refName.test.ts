import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { GitError } from '../../../src/core/git/gitError';
import { assertRefName, validateRefName } from '../../../src/core/git/refName';

describe('validateRefName', () => {
  const bad = ['a..b', '-x', 'a b', 'x@{y', 'foo.lock', 'a/', '.a', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', '@', '', '/a', 'a//b', 'a.', 'a/.b', 'x.lock/y', 'tab\there', 'del\x7f'];
  for (const name of bad) {
    it(`rejects ${JSON.stringify(name)} with a reason`, () => {
      const r = validateRefName(name, 'branch');
      assert.equal(r.ok, false);
      if (!r.ok) assert.ok(r.reason.length > 5);
    });
  }
  const good = ['main', 'feature/x', 'release/1.2.3', 'v1.0.0', 'a.b', 'a-b_c', 'été', 'a@b', 'x/y/z', 'HEADS'];
  for (const name of good) {
    it(`accepts ${JSON.stringify(name)}`, () => assert.deepEqual(validateRefName(name, 'branch'), { ok: true }));
  }

  it('"HEAD" is no branch name but may be a tag name', () => {
    assert.equal(validateRefName('HEAD', 'branch').ok, false);
    assert.equal(validateRefName('HEAD', 'tag').ok, true);
  });

  it('assertRefName throws GitError InvalidRefName (usage)', () => {
    assert.throws(
      () => assertRefName('a..b', 'tag'),
      (e: unknown) => e instanceof GitError && e.gitCode === 'InvalidRefName' && e.usage && /a\.\.b/.test(e.message),
    );
    assert.doesNotThrow(() => assertRefName('v1.2.3', 'tag'));
  });

  it('property: names made of safe components are accepted', () => {
    const component = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}$/).filter((c) => !c.endsWith('.lock') && !c.endsWith('.') && !c.includes('..'));
    fc.assert(fc.property(fc.array(component, { minLength: 1, maxLength: 4 }), (parts) => validateRefName(parts.join('/'), 'branch').ok));
  });

  it('property: inserting a forbidden sequence anywhere makes a name invalid', () => {
    const forbidden = fc.constantFrom('..', ' ', '~', '^', ':', '?', '*', '[', '\\', '@{', '//', '\x01');
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z]{1,8}$/), forbidden, (a, b, f) => !validateRefName(`${a}${f}${b}`, 'tag').ok),
    );
  });
});
