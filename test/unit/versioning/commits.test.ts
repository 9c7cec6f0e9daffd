import { strict as assert } from 'node:assert';
import { loadMessageParser } from '../../../src/core/versioning/conventionalParser';
import { SdlcError } from '../../../src/core/errors';
import { logArgs, parseLog, readCommits } from '../../../src/core/versioning/commits';

const sha = (i: number) => i.toString(16).padStart(40, '0');
const record = (i: number, message: string, parents = [sha(i + 1)]) =>
  [sha(i), parents.join(' '), 'Ann Author', 'ann@example.com', '2024-05-01T10:00:00+02:00', message].join('\x1f');

describe('versioning/commits', () => {
  it('asks git once, for the range, with a record-separated format', async () => {
    const calls: (readonly string[])[] = [];
    const git = {
      run: async (args: readonly string[]) => {
        calls.push(args);
        return [record(1, 'feat(api): one\n'), record(2, 'Merge branch x\n', [sha(3), sha(4)])].join('\0') + '\0';
      },
    };
    const commits = await readCommits(git, { from: 'v1.0.0', paths: ['packages/a'] });
    assert.equal(calls.length, 1);
    assert.equal(calls[0][0], 'log');
    assert.ok(calls[0].includes('v1.0.0..HEAD'));
    assert.deepEqual(calls[0].slice(-2), ['--', 'packages/a']);
    assert.equal(commits.length, 2);
    assert.deepEqual([commits[0].sha, commits[0].type, commits[0].scope, commits[0].merge], [sha(1), 'feat', 'api', false]);
    assert.deepEqual([commits[1].merge, commits[1].parents.length, commits[1].type], [true, 2, 'other']);
    assert.equal(commits[0].authorName, 'Ann Author');
    assert.equal(commits[0].date, '2024-05-01T10:00:00+02:00');
  });

  it('without `from` reads everything reachable from `to`', () => {
    const args = logArgs({ to: 'main', merges: false });
    assert.ok(args.includes('main'));
    assert.ok(args.includes('--no-merges'));
    assert.ok(!args.some((a) => a.includes('..')));
  });

  it('refuses refs that git would read as options', () => {
    for (const ref of ['--output=/tmp/x', '-p', '', 'a b']) {
      assert.throws(() => logArgs({ to: ref }), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidRef' && e.usage);
      assert.throws(() => logArgs({ from: ref.length ? ref : '-' }), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidRef');
    }
  });

  it('keeps separators inside messages and the root commit without parents', async () => {
    const parse = await loadMessageParser();
    const out = [record(1, 'fix: a\x1fb\x1e c\n'), record(2, 'chore: root\n', [])].join('\0');
    const commits = parseLog(out, parse);
    assert.equal(commits[0].message, 'fix: a\x1fb\x1e c\n');
    assert.deepEqual(commits[1].parents, []);
    assert.equal(parseLog('', parse).length, 0);
    assert.equal(parseLog('\n', parse).length, 0);
  });

  it('parses 10,000 commits (the speed is measured by npm run bench, versioning)', async () => {
    const parse = await loadMessageParser();
    const types = ['feat(api): add', 'fix: repair', 'chore(deps): bump', 'docs: words', 'perf(core)!: faster'];
    const out = Array.from({ length: 10_000 }, (_, i) => record(i, `${types[i % 5]} thing ${i}\n\nSome body text explaining #${i}.\n\nRefs: #${i}\n`)).join('\0');
    const commits = parseLog(out, parse);
    assert.equal(commits.length, 10_000);
    assert.equal(commits.filter((c) => c.breaking).length, 2_000);
    assert.deepEqual(
      commits.slice(0, 5).map((c) => c.type),
      ['feat', 'fix', 'chore', 'docs', 'perf'],
    );
    assert.equal(commits[9_999].subject, 'faster thing 9999');
  });
});
