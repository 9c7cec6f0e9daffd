/**
 * The journal of a change: written (fsync'd, atomic rename) before the first change to the
 * repository and updated as steps complete, so a change interrupted by a crash or `kill -9` can be
 * finished or undone by the next run. One journal per repository at a time (the change lock).
 *
 * `<common git dir>/sdlc/journal.json`, backups of the files it overwrites in
 * `<common git dir>/sdlc/journal-<id>/<n>.bak`.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface JournalFile {
  /** Work-tree relative, `/`-separated. */
  path: string;
  /** sha256 of the bytes before the change; null when the change creates the file. */
  oldHash: string | null;
  /** Backup of the old bytes, relative to the state folder; null when the file did not exist. */
  backup: string | null;
  /** sha256 of the bytes the change writes: only a file that still has them is restored. */
  newHash: string;
  /** Folders the change creates for the file (outermost first), removed again when empty. */
  createdDirs: string[];
}

/** A ref the change moves: `old` → `new` (null until known, e.g. the commit a `git commit` makes). */
export interface JournalRef {
  ref: string;
  old: string;
  new: string | null;
  /** Subject of the commit the change makes, to recognise it when `new` is not known yet. */
  subject: string | null;
}

/** A tag the change creates (it did not exist before), pointing at `target` (a commit). */
export interface JournalTag {
  name: string;
  target: string | null;
}

/** Index entries the change moves from `original` to `commit` (only the listed paths). */
export interface JournalIndex {
  paths: string[];
  original: string;
  commit: string | null;
  state: 'untouched' | 'syncing' | 'synced';
}

export interface Journal {
  v: 1;
  id: string;
  /** `version.bump`, `package.build`, … */
  kind: string;
  /** For people: "release", … */
  label: string;
  pid: number;
  host: string;
  started: string;
  /** The work tree the files are in. */
  root: string;
  /** What the change is about, copied into audit entries (tags, versions, …). */
  summary: Record<string, unknown>;
  files: JournalFile[];
  refs: JournalRef[];
  tags: JournalTag[];
  index: JournalIndex | null;
  /** Temporary files (absolute) to remove in any case. */
  temp: string[];
  /** Steps completed, in order. */
  steps: string[];
  /** Once this step is done, an interrupted change is finished rather than undone (null: always undone). */
  commitPoint: string | null;
  /** Effects outside the repository the change made (undone in process; reported after a crash). */
  compensations: string[];
}

export const JOURNAL_FILE = 'journal.json';

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function journalPath(stateDir: string): string {
  return path.join(stateDir, JOURNAL_FILE);
}

export function backupDirName(id: string): string {
  return `journal-${id}`;
}

/** Writes a file durably: temp file, fsync, rename over, fsync the folder. */
export async function writeDurably(file: string, bytes: Buffer | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  await syncDir(path.dirname(file));
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // some file systems cannot fsync a folder; the rename is still atomic
  } finally {
    await handle.close();
  }
}

export async function writeJournal(stateDir: string, journal: Journal): Promise<void> {
  await writeDurably(journalPath(stateDir), JSON.stringify(journal, null, 1) + '\n');
}

/** The pending journal of the repository, or null. A journal that cannot be parsed is reported as such. */
export async function readJournal(stateDir: string): Promise<Journal | null> {
  let text: string;
  try {
    text = await fs.readFile(journalPath(stateDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const journal = JSON.parse(text) as Journal;
  if (journal?.v !== 1 || typeof journal.id !== 'string' || !Array.isArray(journal.files)) throw new Error(`${journalPath(stateDir)} is not a journal of this tool`);
  return journal;
}

/** Removes the journal and its backups (the change is finished or undone). */
export async function removeJournal(stateDir: string, id: string): Promise<void> {
  await fs.rm(journalPath(stateDir), { force: true });
  await syncDir(stateDir);
  await fs.rm(path.join(stateDir, backupDirName(id)), { recursive: true, force: true });
}
