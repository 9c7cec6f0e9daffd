/**
 * One change at a time per repository, across processes (the editor and any number of CLIs): a lock
 * folder `<common git dir>/sdlc/change.lock` holding `owner.json` (pid, host, start, what).
 *
 * Taking it is one atomic `rename` of a folder prepared with its owner file inside, so the lock
 * never exists without saying who holds it (proper-lockfile's mkdir lock cannot carry its owner
 * atomically, and only knows staleness by mtime: after a `kill -9` the next run would wait ~10 s).
 * A second change while one runs is refused at once. A lock whose owner process is dead (same host)
 * is taken over: moved aside atomically, checked to be the dead one, removed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SdlcError } from '../errors';

export interface LockOwner {
  pid: number;
  host: string;
  /** ISO 8601 */
  started: string;
  /** `version.bump`, `package.build`, … */
  kind: string;
  /** For people: "release", "package build", … */
  label: string;
  nonce: string;
}

export interface ChangeLock {
  readonly owner: LockOwner;
  /** `<common git dir>/sdlc` */
  readonly stateDir: string;
  /** Idempotent. */
  release(): Promise<void>;
}

const LOCK = 'change.lock';

export function lockDirOf(stateDir: string): string {
  return path.join(stateDir, LOCK);
}

/** Takes the repository's change lock or throws SdlcError ChangeInProgress naming the holder. */
export async function acquireChangeLock(stateDir: string, what: { kind: string; label: string }): Promise<ChangeLock> {
  await fs.mkdir(stateDir, { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), kind: what.kind, label: what.label, nonce: randomBytes(8).toString('hex') };
  const lockDir = lockDirOf(stateDir);
  const prepared = path.join(stateDir, `${LOCK}.new-${process.pid}-${owner.nonce}`);
  await fs.mkdir(prepared);
  try {
    await fs.writeFile(path.join(prepared, 'owner.json'), JSON.stringify(owner) + '\n');
    for (let attempt = 0; ; attempt++) {
      if (await tryRename(prepared, lockDir)) break;
      const holder = await readOwner(lockDir);
      if (holder === 'gone' && attempt < 20) continue;
      if (holder !== 'gone' && attempt < 3 && isDead(holder) && (await takeOver(stateDir, lockDir, holder))) continue;
      throw inProgress(holder, what.label, lockDir);
    }
  } catch (e) {
    await fs.rm(prepared, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  await removeStrays(stateDir);
  let released = false;
  return {
    owner,
    stateDir,
    async release() {
      if (released) return;
      released = true;
      const holder = await readOwner(lockDir);
      if (holder === 'gone' || holder === null || holder.nonce !== owner.nonce) return;
      const trash = path.join(stateDir, `${LOCK}.old-${process.pid}-${owner.nonce}`);
      if (await tryRename(lockDir, trash)) await fs.rm(trash, { recursive: true, force: true });
    },
  };
}

/** Folders of lock attempts by processes that died half-way (prepared, moved aside). */
async function removeStrays(stateDir: string): Promise<void> {
  for (const name of await fs.readdir(stateDir).catch(() => [] as string[])) {
    const m = /^change\.lock\.(?:new|old|stale)-(\d+)-[0-9a-f]+$/.exec(name);
    if (m && !processAlive(Number(m[1]))) await fs.rm(path.join(stateDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Who holds the lock now (null: unreadable owner file), or 'gone' when there is no lock. */
export async function readOwner(lockDir: string): Promise<LockOwner | null | 'gone'> {
  try {
    return JSON.parse(await fs.readFile(path.join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return existsSync(lockDir) ? null : 'gone';
    return null;
  }
}

/** Renames a folder onto `to` unless `to` holds a lock already; false when it does (or `from` is gone). */
async function tryRename(from: string, to: string): Promise<boolean> {
  try {
    await fs.rename(from, to);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT' || code === 'EPERM' || code === 'EACCES') {
      if (code === 'ENOENT' && !existsSync(from)) return false;
      if ((code === 'EPERM' || code === 'EACCES') && !existsSync(to)) throw e;
      return false;
    }
    throw e;
  }
}

/** A lock without a readable owner is a lock folder emptied by hand: it protects nothing. */
function isDead(holder: LockOwner | null): boolean {
  if (holder === null) return true;
  if (holder.host !== os.hostname()) return false;
  return !processAlive(holder.pid);
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (killed, not yet reaped by its parent) is dead for our purpose.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Moves the dead holder's lock aside; if what was moved is not that lock (a race), puts it back. */
async function takeOver(stateDir: string, lockDir: string, dead: LockOwner | null): Promise<boolean> {
  const trash = path.join(stateDir, `${LOCK}.stale-${process.pid}-${randomBytes(4).toString('hex')}`);
  if (!(await tryRename(lockDir, trash))) return true; // someone else moved it: try again
  const moved = await readOwner(trash);
  const same = moved === 'gone' || moved === null ? dead === null : dead !== null && moved.nonce === dead.nonce;
  if (!same) {
    // A live lock was taken between our read and the move: give it back.
    if (!(await tryRename(trash, lockDir))) return false;
    return false;
  }
  await fs.rm(trash, { recursive: true, force: true });
  return true;
}

function inProgress(found: LockOwner | null | 'gone', label: string, lockDir: string): SdlcError {
  const holder = found === 'gone' ? null : found;
  const who = holder
    ? `(pid ${holder.pid}${holder.host !== os.hostname() ? ` on ${holder.host}` : ''}, started ${holder.started})`
    : '(its owner could not be read)';
  const what = holder?.label ?? label;
  return new SdlcError(
    'ChangeInProgress',
    `Another ${what} is running on this repository ${who}; only one change runs at a time. Wait for it to finish and try again` +
      (holder && holder.host !== os.hostname() ? `; if no such process runs on ${holder.host}, remove ${lockDir}.` : '.'),
  );
}
