import { strict as assert } from 'node:assert';
import { readCommits } from '../../../src/core/versioning/commits';
import { findLastRelease } from '../../../src/core/versioning/lastRelease';
import { recommendBump } from '../../../src/core/versioning/recommend';
import { compileTagFormat } from '../../../src/core/versioning/tagFormat';
import { peerReleaseType } from './peer';
import { TempRepo } from './tempRepo';

/** Our recommendation for the repository, the way the planning service (service.ts) gets it. */
async function ours(repo: TempRepo, preMajor = false): Promise<string> {
  const git = repo.runner();
  const last = await findLastRelease(git, compileTagFormat('v${version}'));
  const commits = await readCommits(git, { from: last?.tag });
  return recommendBump(commits, { preMajor }).releaseType;
}

describe('versioning/recommend ≡ conventional-recommended-bump (conventionalcommits preset)', () => {
  const repos: TempRepo[] = [];
  const repo = () => {
    const r = new TempRepo();
    repos.push(r);
    return r;
  };
  after(() => repos.forEach((r) => r.dispose()));

  const scenarios: Array<{ name: string; expected: string; build(r: TempRepo): void }> = [
    { name: 'fixes and chores only', expected: 'patch', build: (r) => ['fix: a', 'chore: b', 'docs(readme): c'].forEach((m) => r.commit(m)) },
    { name: 'a feature after the last tag', expected: 'minor', build: (r) => { r.commit('feat!: old break'); r.tag('v1.0.0'); r.commit('fix: a'); r.commit('feat(ui): b'); } },
    { name: 'breaking by `!`', expected: 'major', build: (r) => { r.commit('feat: a'); r.tag('v1.0.0'); r.commit('refactor(api)!: drop'); } },
    { name: 'breaking by footer, CRLF', expected: 'major', build: (r) => { r.commit('feat: a'); r.tag('v1.0.0', true); r.commit('fix: x\r\n\r\nBREAKING-CHANGE: gone\r\n'); } },
    { name: 'non-conventional messages', expected: 'patch', build: (r) => { r.commit('Initial commit'); r.tag('v0.1.0'); r.commit('Update README.md'); r.commit('WIP'); } },
    {
      name: 'a reverted feature',
      expected: 'patch',
      build: (r) => {
        r.commit('chore: init');
        r.tag('v1.0.0');
        const feat = r.commit('feat: risky');
        r.commit('fix: small');
        r.commit(`Revert "feat: risky"\n\nThis reverts commit ${feat}.\n`);
      },
    },
    {
      name: 'a merge of a feature branch',
      expected: 'patch',
      build: (r) => {
        r.commit('chore: init');
        r.tag('v1.2.0');
        r.git('checkout', '-q', '-b', 'topic');
        r.commit('fix(core): on topic', 'topic.txt');
        r.git('checkout', '-q', 'main');
        r.commit('docs: on main');
        r.git('merge', '-q', '--no-ff', '-m', 'feat: merge topic', 'topic');
      },
    },
    { name: 'unicode and a long message', expected: 'minor', build: (r) => { r.commit('chore: init'); r.tag('v2.0.0'); r.commit(`feat(i18n): 日本語 🚀\n\n${'ligne très longue\n'.repeat(2000)}`); } },
    { name: 'only a prerelease tag', expected: 'patch', build: (r) => { r.commit('feat: a'); r.tag('v1.0.0-rc.0'); r.commit('fix: b'); } },
  ];

  for (const s of scenarios) {
    it(s.name, async () => {
      const r = repo();
      s.build(r);
      const peer = await peerReleaseType(r.root);
      assert.equal(peer, s.expected, 'the scenario tests what it says');
      assert.equal(await ours(r), peer);
      assert.equal(await ours(r, true), await peerReleaseType(r.root, { preMajor: true }));
    });
  }
});
