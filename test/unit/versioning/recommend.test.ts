import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { ConventionalCommit } from '../../../src/core/versioning/commits';
import { parseMessage } from '../../../src/core/versioning/conventionalParser';
import { recommendBump } from '../../../src/core/versioning/recommend';
import { commit, commits } from './helpers';

const sha = (i: number) => i.toString(16).padStart(40, '0');
const make = (i: number, message: string, merge = false): ConventionalCommit => ({
  sha: sha(i),
  parents: merge ? ['a', 'b'] : ['a'],
  merge,
  authorName: 'a',
  authorEmail: 'a@x',
  date: '2024-01-01T00:00:00Z',
  message,
  ...parseMessage(message),
});

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
    // perf: a patch, named as the changelog's Performance section names it
    assert.equal(recommendBump(await commits('fix: a', 'perf: b', 'perf(x): c', 'docs: d')).reason, '1 bug fix, 2 performance improvements, 1 other commit');
    assert.equal(recommendBump(await commits('perf: b')).reason, '1 performance improvement');
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

  it('a feature after a breaking change (newest first) stays major; a fix after a feature stays minor', () => {
    const breaking = make(1, 'refactor(api)!: drop v1');
    const feat = make(2, 'feat: new thing');
    const fix = make(3, 'fix: small');
    assert.equal(recommendBump([feat, breaking]).releaseType, 'major');
    assert.equal(recommendBump([fix, feat, breaking]).releaseType, 'major');
    assert.equal(recommendBump([fix, feat]).releaseType, 'minor');
    assert.equal(recommendBump([feat, fix]).releaseType, 'minor');
  });

  it('a revert naming a different sha does not drop the feature with the same header', () => {
    const feat = make(1, 'feat: risky');
    const revert = make(2, `Revert "feat: risky"\n\nThis reverts commit ${sha(77)}.\n`);
    const r = recommendBump([revert, feat]);
    assert.deepEqual([r.releaseType, r.features, r.commits], ['minor', 1, 2]);
  });

  it('property: the recommendation does not depend on the order of the commits', () => {
    const message = fc.constantFrom('feat: a', 'feature: b', 'fix: c', 'chore: d', 'feat(x)!: e', 'docs: f\n\nBREAKING CHANGE: g', 'Update README', 'Merge branch x');
    const history = fc
      .array(fc.record({ message, revert: fc.boolean(), pick: fc.nat(), merge: fc.boolean() }), { maxLength: 12 })
      .map((steps) => {
        const oldestFirst: ConventionalCommit[] = [];
        steps.forEach((step, i) => {
          const older = oldestFirst.length ? oldestFirst[step.pick % oldestFirst.length] : null;
          const text = step.revert && older ? `Revert "${older.header}"\n\nThis reverts commit ${older.sha}.\n` : step.message;
          oldestFirst.push(make(i + 1, text, step.merge && step.message === 'Merge branch x'));
        });
        return oldestFirst.reverse();
      });
    const preMajor = fc.record({ preMajor: fc.boolean(), currentVersion: fc.constantFrom('0.3.1', '1.2.3') });
    fc.assert(
      fc.property(
        history.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c, { minLength: c.length, maxLength: c.length }))),
        preMajor,
        ([inGitOrder, shuffled], options) => {
          const a = recommendBump(inGitOrder, options);
          const b = recommendBump(shuffled, options);
          assert.deepEqual([b.releaseType, b.breakingChanges, b.features, b.fixes, b.commits], [a.releaseType, a.breakingChanges, a.features, a.fixes, a.commits]);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
