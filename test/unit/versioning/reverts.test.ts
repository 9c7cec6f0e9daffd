import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { ConventionalCommit } from '../../../src/core/versioning/commits';
import { parseMessage } from '../../../src/core/versioning/conventionalParser';
import { withoutRevertedCommits } from '../../../src/core/versioning/reverts';

const sha = (i: number) => i.toString(16).padStart(40, '0');

function make(i: number, message: string): ConventionalCommit {
  return { sha: sha(i), parents: [], merge: false, authorName: 'a', authorEmail: 'a@x', date: '2024-01-01T00:00:00Z', message, ...parseMessage(message) };
}

/** What git writes for `git revert` of a commit. */
const revertOf = (header: string, target: string) => `Revert "${header}"\n\nThis reverts commit ${target}.\n`;

/** A history as git gives it (newest first): plain commits, and reverts of older ones — some naming the wrong sha or header. */
const history = fc
  .array(
    fc.record({
      kind: fc.constantFrom('plain', 'plain', 'revert', 'revert-wrong-sha', 'revert-wrong-header', 'revert-outside'),
      header: fc.constantFrom('feat: a', 'fix: b', 'feat!: c', 'chore: d'),
      pick: fc.nat(),
    }),
    { maxLength: 14 },
  )
  .map((steps) => {
    const oldestFirst: ConventionalCommit[] = [];
    steps.forEach((step, i) => {
      const older = oldestFirst.length ? oldestFirst[step.pick % oldestFirst.length] : null;
      let message: string = step.header;
      if (older && step.kind === 'revert') message = revertOf(older.header, older.sha);
      else if (older && step.kind === 'revert-wrong-sha') message = revertOf(older.header, sha(1000 + i));
      else if (older && step.kind === 'revert-wrong-header') message = revertOf(`${older.header} (edited)`, older.sha);
      else if (step.kind === 'revert-outside') message = revertOf(step.header, sha(2000 + i));
      oldestFirst.push(make(i + 1, message));
    });
    return oldestFirst.reverse();
  });

describe('versioning/reverts', () => {
  it('drops a revert together with the commit it reverts', () => {
    const feat = make(1, 'feat: risky');
    const revert = make(2, revertOf('feat: risky', feat.sha));
    assert.deepEqual(withoutRevertedCommits([revert, feat]), []);
  });

  it('a revert naming a different sha does not drop the commit with the same header', () => {
    const feat = make(1, 'feat: risky');
    const other = make(3, 'feat: risky');
    const revert = make(2, revertOf('feat: risky', sha(99)));
    assert.deepEqual(withoutRevertedCommits([revert, feat]), [revert, feat]);
    // …and with the right sha, only the commit with that sha goes, not its namesake.
    const exact = make(4, revertOf('feat: risky', other.sha));
    assert.deepEqual(withoutRevertedCommits([exact, other, feat]), [feat]);
  });

  it('a revert whose header does not match its sha drops nothing', () => {
    const feat = make(1, 'feat: risky');
    const revert = make(2, revertOf('feat: something else', feat.sha));
    assert.deepEqual(withoutRevertedCommits([revert, feat]), [revert, feat]);
  });

  it('a revert of a revert cancels the revert, and the original commit stays', () => {
    const feat = make(1, 'feat: a');
    const r1 = make(2, revertOf(feat.header, feat.sha));
    const r2 = make(3, revertOf(r1.header, r1.sha));
    assert.deepEqual(withoutRevertedCommits([r2, r1, feat]), [feat]);
    const r3 = make(4, revertOf(r2.header, r2.sha));
    assert.deepEqual(withoutRevertedCommits([r3, r2, r1, feat]), []);
  });

  it('property: git order gives what conventional-commits-filter gives', async () => {
    const { filterRevertedCommitsSync } = await import('conventional-commits-filter');
    fc.assert(
      fc.property(history, (commits) => {
        const asFilterSees = commits.map((c) => ({ c, hash: c.sha, header: c.header, revert: c.revert ? { header: c.revert.header, hash: c.revert.sha } : null }));
        const expected = [...filterRevertedCommitsSync(asFilterSees)].map((x) => x.c);
        assert.deepEqual(new Set(withoutRevertedCommits(commits)), new Set(expected));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the commits kept do not depend on the order they are given in', () => {
    fc.assert(
      fc.property(
        history.chain((commits) => fc.tuple(fc.constant(commits), fc.shuffledSubarray(commits, { minLength: commits.length, maxLength: commits.length }))),
        ([commits, shuffled]) => {
          // Reverts naming the same commit twice may keep either revert; compare what they say.
          const kept = (list: ConventionalCommit[]) => withoutRevertedCommits(list).map((c) => (c.revert ? `revert of ${c.revert.sha}` : c.sha)).sort();
          assert.deepEqual(kept(shuffled), kept(commits));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('handles 10,000 reverts of commits outside the range and 10,000 pairs (no scan of pending reverts per commit)', () => {
    const outside = Array.from({ length: 10_000 }, (_, i) => make(i + 1, revertOf('feat: x', sha(100_000 + i))));
    assert.equal(withoutRevertedCommits(outside).length, 10_000);
    const feats = Array.from({ length: 10_000 }, (_, i) => make(200_000 + i, 'feat: x'));
    const pairs = [...feats.map((f, i) => make(300_000 + i, revertOf('feat: x', f.sha))), ...feats];
    assert.equal(withoutRevertedCommits(pairs).length, 0);
  });
});
