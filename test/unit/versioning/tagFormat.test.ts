import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { validateRefName } from '../../../src/core/git/refName';
import { compileTagFormat } from '../../../src/core/versioning/tagFormat';

const invalid = (message: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SdlcError, String(e));
  assert.equal(e.code, 'InvalidTagFormat');
  assert.equal(e.usage, true);
  assert.match(e.message, message);
  return true;
};

describe('versioning/tagFormat: the rendered tag is a valid ref name (issue 8)', () => {
  it('refuses formats that render an option, a reserved character, a space or a .lock part', () => {
    assert.throws(() => compileTagFormat('--no-${version}'), invalid(/"--no-1\.2\.3".*cannot start with "-"/));
    assert.throws(() => compileTagFormat('v${version}:x'), invalid(/cannot contain ":"/));
    assert.throws(() => compileTagFormat('release ${version}'), invalid(/spaces/));
    assert.throws(() => compileTagFormat('${version}.lock'), invalid(/\.lock/));
    assert.throws(() => compileTagFormat('v${version}/'), invalid(/end with "\/"/));
    assert.throws(() => compileTagFormat('${name}@${version}', 'a..b'), invalid(/\.\./));
  });

  it('accepts the usual formats and round-trips', () => {
    for (const [format, name] of [['v${version}', null], ['${name}@${version}', '@acme/core'], ['release/${version}', null]] as const) {
      const f = compileTagFormat(format, name);
      assert.equal(f.parse(f.format('1.4.0-rc.1')), '1.4.0-rc.1');
    }
  });

  it('property: every tag a compiled format renders is a valid tag name', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9._\/@:~^ -]{0,8}$/);
    fc.assert(
      fc.property(part, part, fc.constantFrom('0.0.1', '1.2.3', '10.0.0-beta.2+sha.5'), (prefix, suffix, version) => {
        let format;
        try {
          format = compileTagFormat(`${prefix}\${version}${suffix}`);
        } catch (e) {
          assert.ok(e instanceof SdlcError && e.code === 'InvalidTagFormat');
          return;
        }
        assert.ok(validateRefName(format.format(version), 'tag').ok, format.format(version));
      }),
    );
  });
});
