import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SdlcError } from '../../../src/core/errors';
import { acquireChangeLock, lockDirOf } from '../../../src/core/transaction/lock';
import { removeDir, tempDir } from '../cli/tempRepo';

describe('transaction/lock: one change per repository, across processes', () => {
  let stateDir: string;
  beforeEach(() => (stateDir = path.join(tempDir('sdlc-lock-'), 'sdlc')));
  afterEach(() => removeDir(path.dirname(stateDir)));

  it('a second change is refused at once, naming the holder; after release the lock is free and nothing is left', async () => {
    const first = await acquireChangeLock(stateDir, { kind: 'version.bump', label: 'release' });
    await assert.rejects(acquireChangeLock(stateDir, { kind: 'package.build', label: 'package build' }), (e: unknown) => {
      assert.ok(e instanceof SdlcError);
      assert.equal(e.code, 'ChangeInProgress');
      assert.match(e.message, new RegExp(`^Another release is running on this repository \\(pid ${process.pid}, started \\d{4}-`));
      return true;
    });
    await first.release();
    await first.release(); // idempotent
    assert.deepEqual(readdirSync(stateDir), []);
    const again = await acquireChangeLock(stateDir, { kind: 'version.bump', label: 'release' });
    await again.release();
  });

  it('the lock of a dead process (and its half-made attempts) is taken over; a live one on another host is not', async () => {
    mkdirSync(lockDirOf(stateDir), { recursive: true });
    const dead = { pid: 2 ** 22 + 12345, host: os.hostname(), started: '2020-01-01T00:00:00.000Z', kind: 'version.bump', label: 'release', nonce: 'deadbeef' };
    writeFileSync(path.join(lockDirOf(stateDir), 'owner.json'), JSON.stringify(dead));
    mkdirSync(path.join(stateDir, `change.lock.new-${dead.pid}-abcd`));
    const lock = await acquireChangeLock(stateDir, { kind: 'version.bump', label: 'release' });
    assert.equal(lock.owner.pid, process.pid);
    assert.equal(existsSync(path.join(stateDir, `change.lock.new-${dead.pid}-abcd`)), false, 'stray attempt removed');
    await lock.release();

    mkdirSync(lockDirOf(stateDir), { recursive: true });
    writeFileSync(path.join(lockDirOf(stateDir), 'owner.json'), JSON.stringify({ ...dead, pid: 1, host: 'build-agent-7' }));
    await assert.rejects(acquireChangeLock(stateDir, { kind: 'version.bump', label: 'release' }), /pid 1 on build-agent-7.*remove .*change\.lock/);
  });

  it('many takers at once in one process: exactly one wins', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => acquireChangeLock(stateDir, { kind: 'version.bump', label: 'release' })));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });
});
