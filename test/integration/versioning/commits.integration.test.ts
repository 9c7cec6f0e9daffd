import { strict as assert } from 'node:assert';
import { readCommits } from '../../../src/core/versioning/commits';
import { TempRepo } from './tempRepo';

describe('versioning/readCommits on a real repository', () => {
  let repo: TempRepo;
  before(() => {
    repo = new TempRepo();
  });
  after(() => repo.dispose());

  it('reads a range with one git call: CRLF, unicode, a 10,000-line message, a merge', async () => {
    repo.commit('chore: root');
    repo.tag('v1.0.0');
    const crlf = repo.commit('fix(win): crlf\r\n\r\nbody\r\n\r\nBREAKING CHANGE: paths\r\n');
    const uni = repo.commit('feat(i18n): ünïcødé 🚀 — 日本語\n\nBREAKING CHANGE: 絵文字\n');
    const long = repo.commit(`docs: huge\n\n${Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n')}\n\nBREAKING-CHANGE: at the end\n`);
    repo.git('checkout', '-q', '-b', 'topic');
    repo.commit('perf: on topic', 'topic.txt');
    repo.git('checkout', '-q', 'main');
    repo.commit('chore: main moves');
    repo.git('merge', '-q', '--no-ff', '-m', "Merge branch 'topic'", 'topic');

    const git = repo.runner();
    const commits = await readCommits(git, { from: 'v1.0.0' });
    assert.equal(git.calls.length, 1);
    assert.equal(commits.length, 6);
    const by = (sha: string) => commits.find((c) => c.sha === sha)!;
    assert.deepEqual([by(crlf).type, by(crlf).scope, by(crlf).subject, by(crlf).breakingNotes], ['fix', 'win', 'crlf', ['paths']]);
    assert.equal(by(crlf).message, 'fix(win): crlf\r\n\r\nbody\r\n\r\nBREAKING CHANGE: paths\r\n');
    assert.deepEqual([by(uni).subject, by(uni).breakingNotes], ['ünïcødé 🚀 — 日本語', ['絵文字']]);
    assert.deepEqual([by(long).type, by(long).breakingNotes], ['docs', ['at the end']]);
    const merge = commits[0];
    assert.deepEqual([merge.merge, merge.parents.length, merge.type], [true, 2, 'other']);
    assert.equal(merge.authorEmail, 'test@example.com');
    assert.match(merge.date, /^\d{4}-\d\d-\d\dT/);

    assert.equal((await readCommits(git, { from: 'v1.0.0', merges: false })).length, 5);
    assert.equal((await readCommits(git)).length, 7);
    assert.deepEqual((await readCommits(git, { from: 'v1.0.0', paths: ['topic.txt'] })).map((c) => c.subject), ['on topic']);
  });
});
