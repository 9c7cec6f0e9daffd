// splitCommand against a real POSIX shell: whatever it accepts, /bin/sh splits into exactly the same
// words (so a suite command runs as written). Globbing is off in sh (`set -f`): glob characters are
// passed to the program as written, on purpose (runners such as mocha expand their own globs).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { SdlcError } from '../../../src/core/errors';
import { splitCommand } from '../../../src/core/testing/command';

/** The words /bin/sh makes of `line` as the arguments of a command (NUL-separated by printf). */
function shellWords(line: string, cwd: string): string[] | null {
  const r = spawnSync('/bin/sh', ['-c', `set -f\nset -- ${line}\nprintf '%s\\0' "$@"`], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent-home' } });
  if (r.status !== 0) return null;
  return r.stdout === '' ? [] : r.stdout.slice(0, -1).split('\0');
}

describe('testing/command against /bin/sh', function () {
  this.timeout(60000);
  let empty: string;
  before(() => {
    empty = mkdtempSync(path.join(os.tmpdir(), 'sdlc-sh-'));
  });
  after(() => rmSync(empty, { recursive: true, force: true }));

  it('property: a command splitCommand accepts gives the same words in sh', () => {
    const chars = fc.constantFrom(' ', '\t', '\n', "'", '"', '\\', '&', '|', ';', '>', '<', '(', ')', '$', '`', '#', '~', '=', ':', '*', '?', '[', ']', '{', '}', '!', 'a', 'b', 'x', '1', '-', '/', '.', 'é');
    const line = fc.array(chars, { minLength: 1, maxLength: 24 }).map((c) => c.join(''));
    let accepted = 0;
    fc.assert(
      fc.property(line, (s) => {
        let words: string[];
        try {
          words = splitCommand(s);
        } catch (e) {
          assert.ok(e instanceof SdlcError && e.code === 'InvalidCommand', String(e));
          return;
        }
        accepted++;
        assert.deepEqual(words, shellWords(s, empty), JSON.stringify(s));
      }),
      { numRuns: 600 },
    );
    // The generator must reach accepted commands often enough for the comparison to mean something.
    assert.ok(accepted > 60, `only ${accepted} accepted`);
  });

  it('the commands of issue 8 (21) are refused, and sh shows why: it would run them differently', () => {
    for (const s of ['echo a;echo b', 'echo a\necho b', 'echo $HOME', 'echo ~']) {
      assert.throws(() => splitCommand(s), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidCommand');
      const words = s.split(/\s+/);
      assert.notDeepEqual(shellWords(s.replace(/^echo /, ''), empty), words.slice(1), s);
    }
  });
});
