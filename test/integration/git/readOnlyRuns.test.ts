import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createGit } from '../../../src/core/git/simpleGitAdapter';
import { cleanupTempDirs, makeRepo, makeTempDir } from '../../support/repos';

/**
 * Read-only calls run side by side; a write never overlaps anything. Observed through a git wrapper
 * (the `gitPath` setting) that logs when each call starts and ends; a read waits (bounded polling)
 * until the other read has started too, so two reads that were serialized fail instead of passing.
 */
describe('git: read-only calls run side by side, writes alone', function () {
  let repo: string;
  let wrapper: string;
  let log: string;

  before(async () => {
    repo = await makeRepo({ commits: 1 });
    const dir = await makeTempDir('sdlc-wrap-');
    wrapper = path.join(dir, 'git-wrapper');
    log = path.join(dir, 'calls.log');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    await fs.writeFile(
      wrapper,
      [
        '#!/bin/sh',
        `LOG='${log}'`,
        'echo "start $1" >> "$LOG"',
        'if [ "$1" = "rev-parse" ]; then',
        '  deadline=$(( $(date +%s) + 10 ))',
        '  while [ "$(grep -c "^start rev-parse" "$LOG")" -lt 2 ]; do',
        '    [ "$(date +%s)" -ge "$deadline" ] && { echo "the other read did not start alongside this one" >&2; exit 3; }',
        '    sleep 0.01',
        '  done',
        'fi',
        `'${realGit}' "$@"; rc=$?`,
        'echo "end $1" >> "$LOG"',
        'exit $rc',
      ].join('\n') + '\n',
      { mode: 0o755 },
    );
  });
  beforeEach(() => fs.writeFile(log, ''));
  after(() => cleanupTempDirs());

  it('two reads started together both run before either ends', async () => {
    const g = createGit(repo, { gitPath: wrapper });
    const [a, b] = await Promise.all([g.run(['rev-parse', 'HEAD']), g.run(['rev-parse', '--git-dir'])]);
    assert.match(a.trim(), /^[0-9a-f]{40}$/);
    assert.equal(b.trim(), '.git');
    assert.deepEqual((await fs.readFile(log, 'utf8')).split('\n').filter(Boolean), ['start rev-parse', 'start rev-parse', 'end rev-parse', 'end rev-parse']);
  });

  it('a write queued between reads overlaps neither; readOnly: false keeps a read alone', async () => {
    const g = createGit(repo, { gitPath: wrapper });
    await Promise.all([g.run(['log', '-1']), g.run(['tag', 'side-by-side-1']), g.run(['for-each-ref']), g.run(['ls-files'], { readOnly: false })]);
    assert.deepEqual((await fs.readFile(log, 'utf8')).split('\n').filter(Boolean), ['start log', 'end log', 'start tag', 'end tag', 'start for-each-ref', 'end for-each-ref', 'start ls-files', 'end ls-files']);
  });
});
