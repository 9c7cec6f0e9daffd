import { strict as assert } from 'node:assert';
import { isReadOnlyCall } from '../../../src/core/git/readOnlyCall';

describe('git: which raw calls only read (run side by side)', () => {
  const reads: string[][] = [
    ['for-each-ref', '--format=%(refname:strip=2)', 'refs/tags'],
    ['tag', '--merged', 'HEAD', '--list', '--format=%(refname)'],
    ['tag', '-l', 'v*'],
    ['log', '-z', '--name-only', 'HEAD', '^abc', '--'],
    ['rev-parse', '--git-dir', '--git-common-dir'],
    ['symbolic-ref', '-q', 'HEAD'],
    ['symbolic-ref', '--short', 'HEAD'],
    ['remote', 'get-url', '--', 'origin'],
    ['remote'],
    ['remote', '-v'],
    ['config', '--get', 'user.name'],
    ['ls-files', '-z', '--', 'CHANGELOG.md'],
    ['check-ignore', '-z', '--stdin'],
    ['merge-base', '--octopus', 'a', 'b'],
  ];
  const writes: string[][] = [
    [],
    ['tag', '-a', 'v1.0.0', '-m', 'v1.0.0'],
    ['tag', 'v1.0.0'],
    ['tag', '-d', 'v1.0.0'],
    ['symbolic-ref', 'HEAD', 'refs/heads/other'],
    ['symbolic-ref', '-m', 'why', 'HEAD', 'refs/heads/other'],
    ['symbolic-ref', '-d', 'HEAD'],
    ['remote', 'add', 'origin', 'https://example.com/r.git'],
    ['remote', 'set-url', 'origin', 'x'],
    ['remote', '-v', 'add', 'o', 'x'],
    ['config', 'user.name', 'x'],
    ['config', '--unset', 'user.name'],
    ['config', '--get', 'x', '--add'],
    ['-c', 'core.x=y', 'log'],
    ['status', '--porcelain=v2'],
    ['update-ref', 'refs/heads/x', 'abc'],
    ['commit', '-m', 'x'],
    ['reset', '-q', 'HEAD', '--', 'a'],
    ['push', 'origin', 'main'],
    ['fetch', 'origin'],
    ['diff', '--cached'],
  ];
  for (const args of reads) it(`reads: git ${args.join(' ')}`, () => assert.equal(isReadOnlyCall(args), true));
  for (const args of writes) it(`has the repository to itself: git ${args.join(' ') || '(nothing)'}`, () => assert.equal(isReadOnlyCall(args), false));
});
