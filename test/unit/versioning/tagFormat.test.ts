import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { validateRefName } from '../../../src/core/git/refName';
import { compileTagFormat, MONOREPO_TAG_CONVENTIONS, monorepoTagFormats } from '../../../src/core/versioning/tagFormat';

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

describe('versioning/tagFormat: a monorepo package\'s tag convention, read from its tags', () => {
  it('takes the convention a package\'s own tags follow, else the one most packages follow, else name@version', () => {
    const tags = ['ignore-0.4.33', 'ignore-0.4.32', 'grep-cli-0.1.12', 'globset-v0.4.20', 'v15.2.0', 'grep-printer@0.3.1', 'grep-regex/v0.1.14', 'wincolor-0.1.6'];
    const formats = monorepoTagFormats(['ignore', 'grep-cli', 'globset', 'grep-printer', 'grep-regex', 'grep-index', 'grep'], tags);
    assert.deepEqual(Object.fromEntries(formats), {
      ignore: '${name}-${version}',
      'grep-cli': '${name}-${version}',
      globset: '${name}-v${version}',
      'grep-printer': '${name}@${version}',
      'grep-regex': '${name}/v${version}',
      'grep-index': '${name}-${version}', // no tag of its own: what most packages do
      grep: '${name}-${version}', // ('grep-cli-0.1.12' names no version of grep)
    });
    assert.deepEqual(Object.fromEntries(monorepoTagFormats(['a', 'b'], ['v1.0.0', 'other'])), { a: '${name}@${version}', b: '${name}@${version}' });
    assert.deepEqual(Object.fromEntries(monorepoTagFormats(['@scope/a'], ['@scope/a@1.0.0', '@scope/a-2.0.0'])), { '@scope/a': '${name}@${version}' }, 'the first convention with a release wins');
  });

  it('property: the chosen format parses a tag it formats, and a package with a tag of a convention gets one that parses it', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((v) => v.join('.'));
    fc.assert(
      fc.property(name, fc.constantFrom(...MONOREPO_TAG_CONVENTIONS), version, (n, convention, v) => {
        const tag = compileTagFormat(convention, n).format(v);
        const chosen = monorepoTagFormats([n], [tag]).get(n)!;
        assert.equal(compileTagFormat(chosen, n).parse(tag), v);
      }),
    );
  });
});
