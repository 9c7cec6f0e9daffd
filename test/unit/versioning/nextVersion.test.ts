import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import semver from 'semver';
import { SdlcError } from '../../../src/core/errors';
import { nextVersion, RELEASE_TYPES } from '../../../src/core/versioning/nextVersion';

const usage = (code: string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof SdlcError);
  assert.equal(e.code, code);
  assert.equal(e.usage, true);
  if (message) assert.match(e.message, message);
  return true;
};

describe('versioning/nextVersion', () => {
  it('major / minor / patch', () => {
    assert.equal(nextVersion('1.2.3', 'major'), '2.0.0');
    assert.equal(nextVersion('1.2.3', 'minor'), '1.3.0');
    assert.equal(nextVersion('1.2.3', 'patch'), '1.2.4');
    assert.equal(nextVersion('1.3.0-rc.2', 'minor'), '1.3.0');
  });

  it('prerelease with preid', () => {
    assert.equal(nextVersion('1.3.0-rc.0', 'prerelease', { preid: 'rc' }), '1.3.0-rc.1');
    assert.equal(nextVersion('1.3.0-rc.0', 'prerelease'), '1.3.0-rc.1');
    assert.equal(nextVersion('1.2.3', 'prerelease', { preid: 'rc' }), '1.2.4-rc.0');
    assert.equal(nextVersion('1.2.3', 'prerelease', { preid: 'rc', recommended: 'minor' }), '1.3.0-rc.0');
    assert.equal(nextVersion('1.3.0-rc.1', 'prerelease', { preid: 'rc', recommended: 'minor' }), '1.3.0-rc.2');
    assert.equal(nextVersion('1.3.0-rc.1', 'prerelease', { preid: 'rc', recommended: 'major' }), '2.0.0-rc.0');
    assert.equal(nextVersion('1.3.0-beta.1', 'prerelease', { preid: 'rc' }), '1.3.0-rc.0');
    assert.equal(nextVersion('1.2.3', 'preminor', { preid: 'beta' }), '1.3.0-beta.0');
  });

  it('a preid that sorts before the current one is refused with a reason', () => {
    assert.throws(() => nextVersion('1.3.0-rc.1', 'prerelease', { preid: 'beta' }), usage('VersionNotGreater', /beta/));
  });

  it('promotes a prerelease', () => {
    assert.equal(nextVersion('1.3.0-rc.4', 'promote'), '1.3.0');
    assert.throws(() => nextVersion('1.3.0', 'promote'), usage('NotAPrerelease'));
  });

  it('exact versions must be valid and greater', () => {
    assert.equal(nextVersion('1.2.3', '2.0.0'), '2.0.0');
    assert.equal(nextVersion('1.2.3', 'v1.2.4'), '1.2.4');
    assert.throws(() => nextVersion('1.2.3', '1.2.3'), usage('VersionNotGreater', /1\.2\.3 is not greater than the current version 1\.2\.3/));
    assert.throws(() => nextVersion('1.2.3', '1.0.0'), usage('VersionNotGreater'));
    assert.throws(() => nextVersion('1.2.3', 'banana'), usage('InvalidVersion', /neither a release type/));
  });

  it('an invalid current version is a clear usage error', () => {
    assert.throws(() => nextVersion('1.2', 'patch'), usage('InvalidVersion', /"1\.2" is not a semantic version/));
    assert.throws(() => nextVersion('1.2.3', 'patch', { preid: 'a b' }), usage('InvalidPreid'));
  });

  const version = fc
    .tuple(fc.nat(50), fc.nat(50), fc.nat(50), fc.option(fc.tuple(fc.constantFrom('alpha', 'beta', 'rc', 'next'), fc.nat(9)), { nil: undefined }))
    .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre[0]}.${pre[1]}` : ''}`);

  it('property: the next version is greater than the current for every release type', () => {
    fc.assert(
      fc.property(version, fc.constantFrom(...RELEASE_TYPES), fc.option(fc.constantFrom('alpha', 'beta', 'rc', 'next', 'dev'), { nil: undefined }), fc.option(fc.constantFrom('major', 'minor', 'patch' as const), { nil: undefined }), (cur, type, preid, recommended) => {
          let next: string;
          try {
            next = nextVersion(cur, type, { preid, recommended });
          } catch (e) {
            // Only refusals with a reason: promoting a stable version, or a preid sorting lower.
            assert.ok(e instanceof SdlcError && e.usage, String(e));
            assert.ok(type === 'promote' ? !semver.prerelease(cur) : preid !== undefined && semver.prerelease(cur) !== null);
            return;
          }
          assert.ok(semver.valid(next));
          assert.ok(semver.gt(next, cur), `${cur} ${type} → ${next}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: an exact version is accepted exactly when it is greater', () => {
    fc.assert(
      fc.property(version, version, (cur, exact) => {
        if (semver.gt(exact, cur)) assert.equal(nextVersion(cur, exact), exact);
        else assert.throws(() => nextVersion(cur, exact), usage('VersionNotGreater'));
      }),
      { numRuns: 300 },
    );
  });
});
