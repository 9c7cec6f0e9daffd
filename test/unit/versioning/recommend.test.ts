import { strict as assert } from 'node:assert';
import { recommendBump } from '../../../src/core/versioning/recommend';
import { commit, commits } from './helpers';

describe('versioning/recommend', () => {
  it('breaking → major, feat → minor, else patch', async () => {
    assert.equal(recommendBump(await commits('fix: a', 'chore: b')).releaseType, 'patch');
    assert.equal(recommendBump(await commits('fix: a', 'feat: b')).releaseType, 'minor');
    assert.equal(recommendBump(await commits('feature: b')).releaseType, 'minor');
    assert.equal(recommendBump(await commits('feat: b', 'fix(x)!: c')).releaseType, 'major');
    assert.equal(recommendBump(await commits('docs: a\n\nBREAKING CHANGE: gone')).releaseType, 'major');
    assert.equal(recommendBump(await commits('Update things')).releaseType, 'patch');
    assert.equal(recommendBump([]).releaseType, 'patch');
  });

  it('gives a reason a person reads', async () => {
    const r = recommendBump(await commits('feat: a', 'feat(ui): b', 'feat(api)!: c'));
    assert.equal(r.reason, '2 features, 1 breaking change in api');
    assert.equal(recommendBump(await commits('fix: a', 'chore: b')).reason, '1 bug fix, 1 other commit');
    assert.equal(recommendBump(await commits('chore: b')).reason, '1 commit');
    assert.equal(recommendBump([]).reason, 'no commits since the last release');
  });

  it('preMajor: while 0.x breaking → minor and feat → patch', async () => {
    const c = await commits('feat: a', 'fix!: b');
    assert.equal(recommendBump(c, { preMajor: true, currentVersion: '0.4.1' }).releaseType, 'minor');
    assert.equal(recommendBump(await commits('feat: a'), { preMajor: true, currentVersion: '0.4.1' }).releaseType, 'patch');
    assert.equal(recommendBump(c, { preMajor: true, currentVersion: '1.0.0' }).releaseType, 'major');
    assert.match(recommendBump(c, { preMajor: true, currentVersion: '0.4.1' }).reason, /before 1\.0\.0/);
  });

  it('ignores merge commits and reverted pairs; a revert of an older release counts as a patch', async () => {
    const feat = await commit('feat: risky');
    const revert = await commit(`Revert "feat: risky"\n\nThis reverts commit ${feat.sha}.\n`);
    assert.equal(recommendBump([revert, feat]).releaseType, 'patch');
    assert.equal(recommendBump([revert, feat]).commits, 0);
    const outside = await commit(`Revert "feat: old"\n\nThis reverts commit ${'f'.repeat(40)}.\n`);
    assert.equal(recommendBump([outside]).commits, 1);
    const merge = await commit('feat!: merged', { merge: true, parents: ['a', 'b'] });
    assert.equal(recommendBump([merge]).releaseType, 'patch');
  });
});
