/**
 * A change the tool makes to a repository (a release today; package builds, GitHub releases and
 * deployments next), as one transaction:
 *   1. the repository's change lock is taken (lock.ts): a second change is refused at once;
 *   2. a journal left by an interrupted change is finished or undone first (recoverPendingChange);
 *   3. `Change.begin` checks every file to write is contained in the work tree, backs up the old
 *      bytes and writes the journal BEFORE the first write; steps update it as they complete;
 *   4. on failure or cancel, `rollback` undoes newest first — tags, refs, index, files — and restores
 *      a file only while it still holds the bytes the change wrote (someone else's edit is left alone
 *      and reported); after a crash the next run does the same from the journal, or finishes the
 *      change when its commit point was passed.
 * Every outcome is recorded in the audit log by the caller (recovery records its own).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AuditActor, AuditLog } from '../audit/auditLog';
import { SdlcError, errorMessage } from '../errors';
import type { Git } from '../git/git';
import { assertInside } from './containment';
import { backupDirName, readJournal, removeJournal, sha256, writeDurably, writeJournal, type Journal, type JournalIndex, type JournalRef } from './journal';
import { acquireChangeLock, type ChangeLock } from './lock';

export type ChangeGit = Pick<Git, 'root' | 'run'>;

/** Where a repository's changes are coordinated. */
export interface ChangeSite {
  /** The work tree. */
  root: string;
  /** The git dir of this work tree (a linked worktree has its own). */
  gitDir: string;
  /** `<common git dir>/sdlc`: lock, journal, backups (shared by every worktree of the repository). */
  stateDir: string;
}

export async function changeSiteOf(git: ChangeGit): Promise<ChangeSite> {
  const out = (await git.run(['rev-parse', '--git-dir', '--git-common-dir'], { readOnly: true })).split('\n').map((l) => l.trim());
  const gitDir = path.resolve(git.root, out[0]);
  const common = path.resolve(git.root, out[1] || out[0]);
  return { root: git.root, gitDir, stateDir: path.join(common, 'sdlc') };
}

export interface ChangeAudit {
  log: AuditLog;
  actor: AuditActor;
}

/** What the next run did with an interrupted change. */
export interface Recovery {
  journal: string;
  kind: string;
  /** `completed`: the change had passed its commit point and was finished; `rolled-back`: undone. */
  action: 'completed' | 'rolled-back';
  /** When and by which process the interrupted change was started. */
  started: string;
  pid: number;
  summary: Record<string, unknown>;
  /** What could not be done (e.g. a file someone changed since, left alone). */
  problems: string[];
  message: string;
}

/** The lock held and any interrupted change dealt with: a change can begin. */
export interface PreparedChange {
  site: ChangeSite;
  lock: ChangeLock;
  recovered: Recovery | null;
}

/**
 * Takes the lock and recovers an interrupted change. A refusal (another change running) is
 * recorded in the audit log when one is given.
 */
export async function prepareChange(git: ChangeGit, what: { kind: string; label: string; audit?: ChangeAudit; target?: Record<string, string> }): Promise<PreparedChange> {
  const site = await changeSiteOf(git);
  let lock: ChangeLock;
  try {
    lock = await acquireChangeLock(site.stateDir, what);
  } catch (e) {
    if (what.audit && e instanceof SdlcError) {
      await what.audit.log
        .append({ actor: what.audit.actor, action: what.kind, repository: git.root, ...(what.target ? { target: what.target } : {}), result: 'failure', error: { code: e.code, message: e.message } })
        .catch(() => undefined);
    }
    throw e;
  }
  try {
    const recovered = await recoverPendingChange(git, site, what.audit);
    return { site, lock, recovered };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

/** The journal of an interrupted change, read only (e.g. for a dry run, which must not write). */
export async function pendingChange(git: ChangeGit): Promise<Journal | null> {
  const site = await changeSiteOf(git);
  return readJournal(site.stateDir).catch(() => null);
}

/**
 * The files an interrupted change wrote, as they were before it (work-tree path → text, null for a
 * file it created): what the next real run will find once it undoes the change. null when the change
 * passed its commit point (it will be finished, so the files stay as they are).
 */
export async function filesBeforePending(git: ChangeGit, journal: Journal): Promise<Map<string, string | null> | null> {
  if (journal.commitPoint !== null && journal.steps.includes(journal.commitPoint)) return null;
  const site = await changeSiteOf(git);
  const view = new Map<string, string | null>();
  for (const f of journal.files) {
    view.set(f.path, f.backup === null ? null : await fs.readFile(path.join(site.stateDir, f.backup), 'utf8').catch(() => null));
  }
  return view;
}

export function describePending(journal: Journal): string {
  return `An interrupted ${journal.label} (started ${journal.started} by pid ${journal.pid}${journal.steps.length ? `, done: ${journal.steps.join(', ')}` : ''}) is pending; the next real run finishes or undoes it first.`;
}

export interface FileToWrite {
  path: string;
  bytes: Buffer | string;
}

export interface BeginOptions {
  kind: string;
  label: string;
  summary?: Record<string, unknown>;
  files: FileToWrite[];
  refs?: JournalRef[];
  tags?: string[];
  index?: Omit<JournalIndex, 'state' | 'commit'> | null;
  temp?: string[];
  commitPoint?: string | null;
  /** What the files are, for messages ("The release file"). */
  what?: string;
}

interface OpenFile {
  path: string;
  absolute: string;
  old: Buffer | null;
  bytes: Buffer;
}

export class Change {
  private readonly undoers: Array<{ name: string; fn: () => Promise<void> }> = [];
  private done = false;

  private constructor(
    readonly site: ChangeSite,
    readonly journal: Journal,
    private readonly files: OpenFile[],
    private readonly what: string,
  ) {}

  /** Checks containment, backs up and writes the journal. Nothing in the work tree is changed yet. */
  static async begin(prepared: PreparedChange, options: BeginOptions): Promise<Change> {
    const { site } = prepared;
    const what = options.what ?? 'The file';
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const backupDir = path.join(site.stateDir, backupDirName(id));
    const open: OpenFile[] = [];
    const journal: Journal = {
      v: 1,
      id,
      kind: options.kind,
      label: options.label,
      pid: process.pid,
      host: os.hostname(),
      started: new Date().toISOString(),
      root: site.root,
      summary: options.summary ?? {},
      files: [],
      refs: options.refs ?? [],
      tags: (options.tags ?? []).map((name) => ({ name, target: null })),
      index: options.index ? { ...options.index, commit: null, state: 'untouched' } : null,
      temp: options.temp ?? [],
      steps: [],
      commitPoint: options.commitPoint ?? null,
      compensations: [],
    };
    await fs.mkdir(backupDir, { recursive: true });
    try {
      for (const [n, file] of options.files.entries()) {
        const absolute = await assertInside(site.root, file.path, { what });
        const old = await fs.readFile(absolute).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return null;
          throw e;
        });
        const bytes = Buffer.isBuffer(file.bytes) ? file.bytes : Buffer.from(file.bytes, 'utf8');
        let backup: string | null = null;
        if (old !== null) {
          backup = `${backupDirName(id)}/${n}.bak`;
          await writeDurably(path.join(site.stateDir, backup), old);
        }
        journal.files.push({ path: file.path, oldHash: old === null ? null : sha256(old), backup, newHash: sha256(bytes), createdDirs: await missingDirs(site.root, file.path) });
        open.push({ path: file.path, absolute, old, bytes });
      }
      await writeJournal(site.stateDir, journal);
    } catch (e) {
      await fs.rm(backupDir, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
    return new Change(site, journal, open, what);
  }

  /** Writes every file (containment checked again right before each write). */
  async writeFiles(): Promise<void> {
    for (const [i, file] of this.files.entries()) {
      await assertInside(this.site.root, file.path, { what: this.what });
      for (const dir of this.journal.files[i].createdDirs) await fs.mkdir(path.join(this.site.root, ...dir.split('/'))).catch(ignore('EEXIST'));
      await fs.writeFile(file.absolute, file.bytes);
    }
  }

  /** Changes the journal and writes it durably (before the step it announces, or after one completes). */
  async update(mutate: (journal: Journal) => void): Promise<void> {
    mutate(this.journal);
    await writeJournal(this.site.stateDir, this.journal);
  }

  async step(name: string): Promise<void> {
    await this.update((j) => j.steps.push(name));
  }

  /** An effect outside the repository, undone by `fn` on rollback in this process (after a crash it is only reported). */
  async compensate(name: string, fn: () => Promise<void>): Promise<void> {
    this.undoers.push({ name, fn });
    await this.update((j) => j.compensations.push(name));
  }

  /** The change is complete: the journal and backups go. */
  async finish(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await removeTemp(this.journal.temp);
    await removeJournal(this.site.stateDir, this.journal.id);
  }

  /** Undoes everything done, newest first. Returns what could not be undone (empty: all of it). Never cancellable. */
  async rollback(git: ChangeGit): Promise<string[]> {
    if (this.done) return [];
    this.done = true;
    const problems: string[] = [];
    for (const u of [...this.undoers].reverse()) {
      try {
        await u.fn();
      } catch (e) {
        problems.push(`undoing ${u.name}: ${errorMessage(e)}`);
      }
    }
    // A cancel kills git, but a git that was mid-commit may need a moment to let go.
    await waitForOrphans(this.journal).catch((e: unknown) => problems.push(errorMessage(e)));
    const olds = new Map(this.files.map((f) => [f.path, f.old]));
    problems.push(...(await undo(git, this.site, this.journal, olds)));
    await removeJournal(this.site.stateDir, this.journal.id).catch((e: unknown) => problems.push(`removing the journal: ${errorMessage(e)}`));
    return problems;
  }
}

function ignore(code: string) {
  return (e: NodeJS.ErrnoException) => {
    if (e.code !== code) throw e;
  };
}

/** Folders of `relPath` that do not exist yet, outermost first. */
async function missingDirs(root: string, relPath: string): Promise<string[]> {
  const parts = relPath.split('/').slice(0, -1);
  const missing: string[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (missing.length || !(await fs.lstat(path.join(root, ...parts.slice(0, i))).catch(() => null))) missing.push(dir);
  }
  return missing;
}

async function removeTemp(temp: string[]): Promise<void> {
  for (const t of temp) {
    await fs.rm(t, { force: true }).catch(() => undefined);
    await fs.rm(`${t}.lock`, { force: true }).catch(() => undefined);
  }
}

async function revParse(git: ChangeGit, rev: string): Promise<string> {
  return (await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', rev]).catch(() => '')).trim();
}

/**
 * Undoes a journal's effects, newest first: tags (only while they point at the change's commit),
 * refs (compare-and-swap, only while they hold the change's commit), index entries, files (only
 * while they hold the bytes the change wrote), created folders (when empty), temporary files.
 */
export async function undo(git: ChangeGit, site: ChangeSite, journal: Journal, olds?: Map<string, Buffer | null>): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${what}: ${errorMessage(e)}`);
    }
  };
  for (const tag of [...journal.tags].reverse()) {
    if (tag.target === null) continue;
    await attempt(`deleting the tag ${tag.name}`, async () => {
      const sha = await revParse(git, `refs/tags/${tag.name}`);
      if (!sha) return;
      const peeled = await revParse(git, `refs/tags/${tag.name}^{commit}`);
      if (peeled !== tag.target) {
        problems.push(`the tag ${tag.name} now points at ${peeled.slice(0, 7)}, not at the change's commit: left alone`);
        return;
      }
      await git.run(['update-ref', '-d', `refs/tags/${tag.name}`, sha]);
    });
  }
  for (const ref of [...journal.refs].reverse()) {
    await attempt(`moving ${ref.ref} back to ${ref.old.slice(0, 7)}`, async () => {
      const current = await revParse(git, ref.ref);
      if (current === ref.old) return;
      let ours = ref.new !== null && current === ref.new;
      if (!ours && ref.new === null && current) {
        // The commit may have been made without the journal knowing its sha (interrupted right after it).
        const parent = await revParse(git, `${current}^`);
        const subject = (await git.run(['log', '-1', '--format=%s', current, '--']).catch(() => '')).replace(/\n$/, '');
        ours = parent === ref.old && ref.subject !== null && subject === ref.subject;
      }
      if (!ours) {
        problems.push(`${ref.ref} was moved by someone else (now ${current.slice(0, 7) || 'deleted'}): left alone`);
        return;
      }
      await git.run(['update-ref', '-m', `sdlc: ${journal.label} rolled back`, ref.ref, ref.old, current]);
    });
  }
  // The files and the index belong to the work tree the change ran in (another worktree may recover it).
  const otherTree = path.resolve(journal.root) !== path.resolve(git.root);
  if (journal.index && journal.index.state !== 'untouched' && journal.index.paths.length) {
    const index = journal.index;
    if (otherTree) problems.push(`the index of ${journal.root} may still hold the change: run git reset -q ${index.original.slice(0, 7)} -- ${index.paths.join(' ')} there`);
    else await attempt('restoring the index', () => git.run(['reset', '-q', index.original, '--', ...index.paths]));
  }
  for (const file of [...journal.files].reverse()) {
    await attempt(`restoring ${file.path}`, async () => {
      const absolute = path.join(journal.root, ...file.path.split('/'));
      const current = await fs.readFile(absolute).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'ELOOP') return null;
        throw e;
      });
      const currentHash = current === null ? null : sha256(current);
      if (currentHash === file.oldHash) return; // never written (or already restored)
      if (currentHash !== file.newHash) {
        problems.push(`${file.path} was changed by someone else after the ${journal.label} wrote it: left as it is${file.backup ? ` (its earlier bytes are kept in ${path.join(site.stateDir, 'kept')})` : ''}`);
        if (file.backup) await keep(site, file.backup);
        return;
      }
      await assertInside(journal.root, file.path, { what: 'The file to restore' });
      if (file.oldHash === null) {
        await fs.rm(absolute, { force: true });
      } else {
        const old = olds?.get(file.path) ?? (await fs.readFile(path.join(site.stateDir, file.backup!)));
        if (sha256(old) !== file.oldHash) throw new Error(`its backup ${file.backup} is damaged; restore it from git (git checkout -- ${file.path})`);
        await fs.writeFile(absolute, old);
      }
    });
    for (const dir of [...file.createdDirs].reverse()) await fs.rmdir(path.join(journal.root, ...dir.split('/'))).catch(() => undefined);
  }
  await removeTemp(journal.temp);
  for (const c of journal.compensations) if (!olds) problems.push(`${c} was done outside the repository and cannot be undone after a crash: undo it by hand`);
  return problems;
}

async function keep(site: ChangeSite, backup: string): Promise<void> {
  const dir = path.join(site.stateDir, 'kept');
  await fs.mkdir(dir, { recursive: true });
  await fs.copyFile(path.join(site.stateDir, backup), path.join(dir, `${path.basename(path.dirname(backup))}-${path.basename(backup)}`));
}

/** Finishes a change that passed its commit point: the index catches up; files and refs are already done. */
async function complete(git: ChangeGit, journal: Journal): Promise<string[]> {
  const problems: string[] = [];
  const index = journal.index;
  if (index && index.commit && index.state !== 'synced' && index.paths.length && path.resolve(journal.root) !== path.resolve(git.root)) {
    problems.push(`the index of ${journal.root} is behind the release commit: run git reset -q ${index.commit.slice(0, 7)} -- ${index.paths.join(' ')} there`);
  } else if (index && index.commit && index.state !== 'synced' && index.paths.length) {
    await git.run(['reset', '-q', index.commit, '--', ...index.paths]).catch((e: unknown) => problems.push(`updating the index: ${errorMessage(e)}`));
  }
  await removeTemp(journal.temp);
  return problems;
}

/**
 * What a change killed before its journal existed can leave (the lock is held, so nothing else
 * uses them): backup folders of no journal, half-written journal files.
 */
async function removeLeftovers(stateDir: string, keepId: string | null): Promise<void> {
  for (const name of await fs.readdir(stateDir).catch(() => [] as string[])) {
    const stray = (name.startsWith('journal-') && name !== backupDirName(keepId ?? '')) || name.startsWith('journal.json.tmp-');
    if (stray) await fs.rm(path.join(stateDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** How long the next run waits for a git process the interrupted change left running (e.g. a commit waiting for its hook). */
const ORPHAN_WAIT_MS = 15_000;

/**
 * Finds the journal of an interrupted change (the lock must be held) and finishes or undoes it:
 * finished when its commit point was passed (e.g. the tag exists: only the index sync is left),
 * undone otherwise. Records an audit entry. null when there was nothing to recover.
 */
export async function recoverPendingChange(git: ChangeGit, site: ChangeSite, audit?: ChangeAudit): Promise<Recovery | null> {
  let journal: Journal | null;
  try {
    journal = await readJournal(site.stateDir);
  } catch (e) {
    throw new SdlcError('JournalUnreadable', `The journal of an interrupted change cannot be read (${errorMessage(e)}). Check the repository by hand (git status, git log, git tag), then delete ${path.join(site.stateDir, 'journal.json')}.`);
  }
  await removeLeftovers(site.stateDir, journal?.id ?? null);
  if (!journal) return null;
  await waitForOrphans(journal);
  const passed = journal.commitPoint !== null && journal.steps.includes(journal.commitPoint);
  const action: Recovery['action'] = passed ? 'completed' : 'rolled-back';
  const problems = passed ? await complete(git, journal) : await undo(git, site, journal);
  await removeJournal(site.stateDir, journal.id);
  const what = `${journal.label} interrupted at ${journal.started} (pid ${journal.pid}${journal.steps.length ? `, after: ${journal.steps.join(', ')}` : ', before its first step'})`;
  const message =
    (passed ? `Recovered: the ${what} had created its commit and tags, so it was finished (the index caught up).` : `Recovered: the ${what} was rolled back; files, refs and tags are as they were before it.`) +
    (problems.length ? ` Not everything could be done: ${problems.join('; ')}.` : '');
  const recovery: Recovery = { journal: journal.id, kind: journal.kind, action, started: journal.started, pid: journal.pid, summary: journal.summary, problems, message };
  if (audit) {
    await audit.log.append({
      actor: audit.actor,
      action: `${journal.kind}.recover`,
      repository: journal.root,
      target: { journal: journal.id, kind: journal.kind },
      before: { started: journal.started, pid: journal.pid, steps: journal.steps, summary: journal.summary },
      after: { action, problems },
      result: problems.length ? 'failure' : 'success',
      ...(problems.length ? { error: { code: 'RecoveryIncomplete', message } } : {}),
    });
  }
  return recovery;
}

/**
 * A process killed with `kill -9` does not take its git child with it: a `git commit` waiting for a
 * hook goes on and would move the branch after the next run undid the change. Those processes (git
 * and its hooks) carry the change's temporary index in GIT_INDEX_FILE: find them (Linux: /proc),
 * stop them, and wait until they are gone; elsewhere, wait for the temporary index's lock to go.
 */
async function waitForOrphans(journal: Journal): Promise<void> {
  const deadline = Date.now() + ORPHAN_WAIT_MS;
  let terminated = false;
  for (;;) {
    const pids = await processesUsing(journal.temp);
    const locks = [];
    for (const t of journal.temp) if (await fs.lstat(`${t}.lock`).catch(() => null)) locks.push(`${t}.lock`);
    if (pids.length === 0 && locks.length === 0) return;
    if (pids.length && !terminated) {
      for (const pid of pids) signalProcess(pid, 'SIGTERM');
      terminated = true;
    } else if (pids.length && Date.now() > deadline - ORPHAN_WAIT_MS / 2) {
      for (const pid of pids) signalProcess(pid, 'SIGKILL');
    }
    if (Date.now() > deadline) {
      throw new SdlcError(
        'ChangeInProgress',
        `A git process of the interrupted ${journal.label} (pid ${pids.join(', ') || journal.pid}) still runs or left ${locks.join(', ') || 'its lock'}; stop it, or delete the lock file if no git process runs, then run again.`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Live processes (not this one) whose environment names one of `temp` as GIT_INDEX_FILE. */
async function processesUsing(temp: string[]): Promise<number[]> {
  if (temp.length === 0 || process.platform !== 'linux') return [];
  const wanted = temp.map((t) => `GIT_INDEX_FILE=${t}`);
  const pids: number[] = [];
  for (const name of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const environ = await fs.readFile(`/proc/${name}/environ`, 'latin1').catch(() => '');
    if (!environ || !environ.split('\0').some((v) => wanted.includes(v))) continue;
    const stat = await fs.readFile(`/proc/${name}/stat`, 'latin1').catch(() => '');
    if (stat && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') pids.push(Number(name));
  }
  return pids;
}
