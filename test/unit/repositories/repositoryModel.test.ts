import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Git, RepoSnapshot } from '../../../src/core/git/git';
import { RepositoryModel } from '../../../src/vscode/repositories/repositoryModel';

/** A snapshot with just what githubHeadSha reads: remotes and remote-tracking branches. */
function snapshot(remotes: Array<{ name: string; github: boolean }>, remoteBranches: Array<{ name: string; sha: string }>): RepoSnapshot {
  return {
    remotes: remotes.map((r) => ({ name: r.name, url: `https://example.com/${r.name}`, github: r.github ? { owner: 'o', repo: r.name } : null })),
    remoteBranches: remoteBranches.map((b) => ({ ...b, remote: b.name.split('/')[0] })),
  } as unknown as RepoSnapshot;
}

describe('RepositoryModel.githubHeadSha', () => {
  it('the GitHub remote branch of the same name, else the upstream on that remote; each snapshot its own', () => {
    const model = new RepositoryModel('/r', 'r', {} as Git);
    const name = fc.constantFrom('main', 'dev', 'feature/x', 'fix/y');
    const remote = fc.constantFrom('origin', 'up', 'fork');
    const data = fc.record({
      remotes: fc.uniqueArray(fc.record({ name: remote, github: fc.boolean() }), { selector: (r) => r.name, maxLength: 3 }),
      remoteBranches: fc.uniqueArray(fc.record({ name: fc.tuple(remote, name).map(([r, n]) => `${r}/${n}`), sha: fc.stringMatching(/^[0-9a-f]{7}$/) }), { selector: (b) => b.name, maxLength: 10 }),
    });
    const branch = fc.record({ name, upstream: fc.option(fc.tuple(remote, name).map(([r, n]) => `${r}/${n}`), { nil: null }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(data, fc.array(branch, { minLength: 1, maxLength: 5 })), { minLength: 1, maxLength: 4 }), (steps) => {
        // Snapshots replaced one after another, as the store does: every answer is the current one's.
        for (const [d, branches] of steps) {
          model.snapshot = snapshot(d.remotes, d.remoteBranches);
          const github = d.remotes.filter((r) => r.github);
          const on = github.find((r) => r.name === 'origin') ?? github[0];
          const sha = (n: string) => d.remoteBranches.find((b) => b.name === n)?.sha;
          for (const b of branches) {
            const expected = on ? (sha(`${on.name}/${b.name}`) ?? (b.upstream?.startsWith(`${on.name}/`) ? sha(b.upstream) : undefined)) : undefined;
            assert.equal(model.githubHeadSha(b), expected);
          }
        }
      }),
    );
  });
});
