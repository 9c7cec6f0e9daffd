/**
 * The audit trail: an append-only, hash-chained JSON Lines file of every change made through the
 * tool (editor and CLI share it). Each line is the canonical JSON of one entry; `hash` is the
 * sha256 of the canonical JSON of the entry without `hash`, and `prev` is the hash of the entry
 * before it, so editing, removing or reordering lines breaks the chain and `verify` says where.
 * A chain cannot notice its last entries being cut off, or the whole file emptied, deleted or
 * rewritten consistently by someone with write access: that needs an anchor kept elsewhere — `verify`
 * reports the head (hash of the last entry) so CI can keep it and pin it next time (`expectHead`,
 * `minEntries`).
 *
 * Where the log may live (`resolveAuditPath`, checked again when the file is opened): see
 * `resolveAuditPath`. The tool only ever appends to a regular file that is empty or already holds
 * audit entries, opened without following a symbolic link.
 *
 * Appends from several processes are serialized by a lock (proper-lockfile, `<file>.lock`) held
 * around "read the last entry + append one line"; within a process they also queue per file.
 * Every string of an entry goes through `redact`, so credentials never reach the file.
 */
import { constants as fsConstants, lstatSync, promises as fs, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { SdlcError, errorMessage } from '../errors';
import { silentLogger, type Logger } from '../log';
import { redact } from '../secrets';
import { canonicalJson, sha256, toJsonData } from './canonical';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditActor {
  tool: 'vscode' | 'cli';
  gitName?: string;
  gitEmail?: string;
  githubLogin?: string;
  host?: string;
}

export interface AuditEntry {
  v: 1;
  /** 1, 2, 3, … without gaps. */
  seq: number;
  /** ISO 8601 */
  time: string;
  actor: AuditActor;
  /** What was done, `area.verb`: `branch.create`, `tag.push`, `version.bump`, `deploy.start`, … */
  action: string;
  /** Root path of the repository the action was about. */
  repository: string;
  /** What it was done to, e.g. `{ branch: 'main', remote: 'origin' }`. */
  target?: Record<string, string>;
  before?: unknown;
  after?: unknown;
  result: 'success' | 'failure';
  error?: { code: string; message: string };
  /** `hash` of the previous entry, 64 zeros for the first. */
  prev: string;
  hash: string;
}

/** What a caller supplies; the log adds v, seq, prev, hash (and time unless given). */
export type AuditInput = Omit<AuditEntry, 'v' | 'seq' | 'time' | 'prev' | 'hash'> & { time?: string };

export type AuditProblemKind =
  | 'malformed'
  | 'edited'
  | 'removed'
  | 'reordered'
  | 'broken-chain'
  /** `expectHead` is not the hash of any intact entry: the log was cut off, replaced or emptied. */
  | 'head-not-found'
  /** Fewer entries than `minEntries`: the log was cut off, emptied or deleted. */
  | 'too-few-entries';

export interface AuditProblem {
  /** 1-based line number in the file. */
  line: number;
  seq?: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Lines that hold an entry (well-formed, whether or not it checks out). */
  entries: number;
  /** Hash of the last entry of the chain (the one with the highest seq), null for an empty log: keep it to pin the log next time. */
  head: string | null;
  problems: AuditProblem[];
}

/** What the caller knows about the log from elsewhere (e.g. the head CI kept from the last run). */
export interface AuditExpectations {
  /** The hash of an entry that must still be in the log, intact (the head seen last time). */
  expectHead?: string;
  /** The log must hold at least this many entries. */
  minEntries?: number;
}

/**
 * `<common git dir>/sdlc/audit.jsonl`: shared by the editor and the CLI and by every linked worktree
 * of the repository (whose own git dir, `.git/worktrees/NAME`, goes away with the worktree); never
 * committed.
 */
export function defaultAuditPath(gitDir: string): string {
  return path.join(commonGitDir(gitDir), 'sdlc', 'audit.jsonl');
}

/**
 * The git directory shared by all worktrees of a repository: for a linked worktree's git dir
 * (`<common>/worktrees/NAME`) the folder its `commondir` file names — what `git rev-parse
 * --git-common-dir` answers — otherwise `gitDir` itself.
 */
export function commonGitDir(gitDir: string): string {
  try {
    const link = readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim();
    if (link) return path.resolve(gitDir, link);
  } catch {
    // no commondir: the main git dir
  }
  return path.resolve(gitDir);
}

/** Folders whose files are not files (reading /proc/… never ends; /dev holds devices). */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

/**
 * The audit file of a repository: the default (see `defaultAuditPath`) or `audit.path` of
 * `.sdlc.json`, which must keep the log where it cannot be committed, checked out over, or aimed at
 * someone else's file:
 * - a relative path is read from the repository root and must lie inside the git directory
 *   (`.git/…`; in a linked worktree `.git/` means the common git directory); no `..`;
 * - an absolute path must lie inside the git directory, or outside the work tree in a folder that
 *   already exists (the tool creates no folders there), never under /proc, /sys or /dev;
 * - the file name ends in `.jsonl`; no part of the path below the git directory, and not the file
 *   itself, is a symbolic link; an existing file is a regular file.
 * Anything else is refused with InvalidConfig (exit 2). `AuditLog` checks the file again when it
 * opens it (no link followed, and only a file that is empty or already holds audit entries).
 */
export function resolveAuditPath(repoRoot: string, gitDir: string, configuredPath?: string): string {
  const common = commonGitDir(gitDir);
  if (configuredPath === undefined) return checkedInside(common, path.join('sdlc', 'audit.jsonl'), 'The default audit log');
  const refuse = (why: string) =>
    new SdlcError(
      'InvalidConfig',
      `audit.path "${configuredPath}" of .sdlc.json ${why}. Keep the audit log inside the git directory (e.g. ".git/sdlc/audit.jsonl", the default) or give an absolute path to a .jsonl file in an existing folder outside the work tree.`,
      { usage: true },
    );
  const configured = configuredPath.trim();
  if (!configured || configured.includes('\0')) throw refuse('is empty or not a path');
  if (!configured.toLowerCase().endsWith('.jsonl')) throw refuse('does not name a .jsonl file');
  if (!path.isAbsolute(configured)) {
    const parts = configured.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw refuse('goes up with ".."');
    if (parts[0] !== '.git' || parts.length < 2) throw refuse('is inside the work tree, where it would be committed or overwritten by a checkout');
    return checkedInside(common, parts.slice(1).join('/'), `audit.path "${configuredPath}"`);
  }
  const target = path.resolve(configured);
  for (const gitRoot of new Set([common, path.resolve(gitDir)])) {
    if (isInside(gitRoot, target) && target !== gitRoot) return checkedInside(gitRoot, path.relative(gitRoot, target), `audit.path "${configuredPath}"`);
  }
  if (isInside(repoRoot, target)) throw refuse('is inside the work tree, where it would be committed or overwritten by a checkout');
  const dir = path.dirname(target);
  let realDir: string;
  try {
    if (!statSync(dir).isDirectory()) throw refuse(`names a file in ${dir}, which is not a folder`);
    realDir = realpathSync(dir);
  } catch (e) {
    if (e instanceof SdlcError) throw e;
    throw refuse(`is in the folder ${dir}, which does not exist (create it first)`);
  }
  if (SYSTEM_FOLDERS.some((f) => isInside(f, dir) || isInside(f, realDir))) throw refuse('is in a system folder (/proc, /sys, /dev)');
  if (isInside(repoRoot, realDir) && !isInside(common, realDir)) throw refuse(`is really inside the work tree (its folder is ${realDir})`);
  const file = path.join(realDir, path.basename(target));
  checkExistingFile(file, refuse);
  return file;
}

/** `root/relative` after checking that no existing part below `root` is a link and an existing file is a regular one. */
function checkedInside(root: string, relative: string, what: string): string {
  const parts = relative.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  let current = root;
  for (const [i, part] of parts.entries()) {
    current = path.join(current, part);
    let stat: import('node:fs').Stats;
    try {
      stat = lstatSync(current);
    } catch {
      break; // does not exist (yet): nothing below it can be a link
    }
    const last = i === parts.length - 1;
    if (stat.isSymbolicLink()) {
      throw new SdlcError('InvalidConfig', `${what} goes through the symbolic link ${current}; the audit log is never written through a link. Replace the link with a real ${last ? 'file' : 'folder'}.`, { usage: true });
    }
    if (!last && !stat.isDirectory()) throw new SdlcError('InvalidConfig', `${what} cannot be used: ${current} is not a folder.`, { usage: true });
    if (last && !stat.isFile()) throw new SdlcError('InvalidConfig', `${what} cannot be used: ${current} is not a regular file.`, { usage: true });
  }
  return path.join(root, ...parts);
}

function checkExistingFile(file: string, refuse: (why: string) => SdlcError): void {
  let stat: import('node:fs').Stats;
  try {
    stat = lstatSync(file);
  } catch {
    return;
  }
  if (stat.isSymbolicLink()) throw refuse('is a symbolic link; the audit log is never written through a link');
  if (!stat.isFile()) throw refuse('is not a regular file');
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface AuditLogOptions {
  logger?: Logger;
  /** Clock, for tests. */
  now?: () => Date;
  /** How long to keep retrying a held lock, in ms (default 30 s). */
  lockTimeoutMs?: number;
}

/** In-process queue per file, so appends of one process don't compete for the file lock. */
const queues = new Map<string, Promise<unknown>>();

export class AuditLog {
  readonly file: string;
  readonly logger: Logger;
  private readonly now: () => Date;
  private readonly lockTimeoutMs: number;

  constructor(file: string, options: AuditLogOptions = {}) {
    this.file = path.resolve(file);
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  }

  append(input: AuditInput): Promise<AuditEntry> {
    const previous = queues.get(this.file) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.appendLocked(input));
    const settled = next.catch(() => undefined);
    queues.set(this.file, settled);
    void settled.then(() => {
      if (queues.get(this.file) === settled) queues.delete(this.file);
    });
    return next;
  }

  /** Every well-formed entry, in file order (use `verify` to know whether they can be trusted). */
  async read(): Promise<AuditEntry[]> {
    const text = await readText(this.file);
    const entries: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      const entry = parseEntry(line);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /** Checks every line and the chain, and what the caller pinned (see `AuditExpectations`). */
  async verify(expect: AuditExpectations = {}): Promise<AuditVerification> {
    await refuseSystemLocation(this.file);
    return verifyAuditText(await readText(this.file), expect);
  }

  private async appendLocked(input: AuditInput): Promise<AuditEntry> {
    await refuseSystemLocation(this.file);
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const release = await this.lock();
    try {
      // No link followed (O_NOFOLLOW), only a regular file, and only one that is empty or already a log.
      const handle = await openLogForAppend(this.file);
      try {
        const tail = await readTail(handle, this.file);
        const entry = createEntry(tail.last, input, input.time ?? this.now().toISOString());
        await handle.appendFile((tail.endsWithNewline ? '' : '\n') + canonicalJson(entry) + '\n', 'utf8');
        this.logger.debug(`[Audit] #${entry.seq} ${entry.action} ${entry.result}`);
        return entry;
      } finally {
        await handle.close();
      }
    } finally {
      await release().catch((e: unknown) => this.logger.warn(`[Audit] releasing the lock of ${this.file}: ${errorMessage(e)}`));
    }
  }

  private async lock(): Promise<() => Promise<void>> {
    const deadline = Date.now() + this.lockTimeoutMs;
    for (;;) {
      try {
        return await lockfile.lock(this.file, {
          realpath: false,
          stale: 10_000,
          retries: { retries: 40, factor: 1.3, minTimeout: 5, maxTimeout: 200, randomize: true },
          onCompromised: (e) => this.logger.warn(`[Audit] lock of ${this.file} compromised: ${e.message}`),
        });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() > deadline) {
          throw new SdlcError('AuditLogLocked', `Could not lock the audit log ${this.file}: ${errorMessage(e)}`, { cause: e });
        }
      }
    }
  }
}

/**
 * Runs `fn` and records it: success with `after` (fn's result, or `options.after(result)`), or
 * failure with the error's code and message — then rethrows. A failure to write the entry after a
 * successful `fn` is an error (`AuditWriteFailed`): the change happened but is not on record.
 */
export async function auditAction<T>(
  log: AuditLog,
  input: Omit<AuditInput, 'result' | 'error' | 'after'>,
  fn: () => Promise<T>,
  options: { after?: (result: T) => unknown } = {},
): Promise<T> {
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    const code = e instanceof SdlcError ? e.code : 'Error';
    // The original error matters more to the caller; a lost entry is still logged.
    await log
      .append({ ...input, result: 'failure', error: { code, message: errorMessage(e) } })
      .catch((appendError: unknown) => log.logger.error(`[Audit] could not record the failure of ${input.action}: ${errorMessage(appendError)}`));
    throw e;
  }
  try {
    await log.append({ ...input, result: 'success', after: options.after ? options.after(result) : result });
  } catch (e) {
    throw new SdlcError('AuditWriteFailed', `${input.action} succeeded but could not be recorded in the audit log: ${errorMessage(e)}`, { cause: e });
  }
  return result;
}

/** The entry that follows `last` (null: the first), redacted, with its hash. */
export function createEntry(last: Pick<AuditEntry, 'seq' | 'hash'> | null, input: AuditInput, time: string): AuditEntry {
  const body = {
    v: 1,
    seq: (last?.seq ?? 0) + 1,
    time,
    actor: input.actor,
    action: input.action,
    repository: input.repository,
    target: input.target,
    before: input.before,
    after: input.after,
    result: input.result,
    error: input.error,
    prev: last?.hash ?? GENESIS_HASH,
  };
  const clean = toJsonData(body, (s) => redact(s)) as Omit<AuditEntry, 'hash'>;
  return { ...clean, hash: entryHash(clean) };
}

export function entryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...rest } = entry;
  return sha256(canonicalJson(rest));
}

const HEX64 = /^[0-9a-f]{64}$/;

/** A line holding something shaped like an entry, or null. */
function parseEntry(line: string): AuditEntry | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return null; // not an object: no JSON.parse (and no exception) for junk

  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const e = v as Record<string, unknown>;
  const actor = e.actor as Record<string, unknown> | null | undefined;
  const ok =
    e.v === 1 &&
    Number.isSafeInteger(e.seq) &&
    (e.seq as number) >= 1 &&
    typeof e.time === 'string' &&
    !!actor &&
    typeof actor === 'object' &&
    typeof actor.tool === 'string' &&
    typeof e.action === 'string' &&
    typeof e.repository === 'string' &&
    (e.result === 'success' || e.result === 'failure') &&
    typeof e.prev === 'string' &&
    HEX64.test(e.prev) &&
    typeof e.hash === 'string' &&
    HEX64.test(e.hash);
  return ok ? (v as AuditEntry) : null;
}

/** Checks a whole log's text: every line, its hash, the chain between entries, and `expect`. */
export function verifyAuditText(text: string, expect: AuditExpectations = {}): AuditVerification {
  const lines = text.split('\n');
  const terminated = lines[lines.length - 1] === '';
  if (terminated) lines.pop();
  const parsed = lines.map(parseEntry);
  const seqLines = new Map<number, number>();
  parsed.forEach((e, i) => e && !seqLines.has(e.seq) && seqLines.set(e.seq, i));

  const problems: AuditProblem[] = [];
  const intact = new Set<string>(); // hashes of entries that check out
  let entries = 0;
  let prev: AuditEntry | null = null; // the entry with the highest seq so far
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    const entry = parsed[i];
    if (!entry) {
      const truncated = !terminated && i === lines.length - 1;
      const message = truncated
        ? 'truncated last line (an append was interrupted, or the file was cut)'
        : line.trim()
          ? 'not a valid audit entry'
          : 'empty line';
      problems.push({ line: lineNo, kind: 'malformed', message });
      return;
    }
    entries++;
    const seq = entry.seq;
    const add = (kind: AuditProblemKind, message: string) => problems.push({ line: lineNo, seq, kind, message });
    if (entryHash(entry) !== entry.hash) {
      add('edited', `entry ${seq} does not match its hash: it was changed after it was written`);
    } else if (canonicalJson(entry) !== line) {
      add('edited', `entry ${seq} is not in canonical form: the line was changed after it was written`);
    } else {
      const expectedSeq = prev ? prev.seq + 1 : 1;
      if (prev && seq <= prev.seq) {
        const first = seqLines.get(seq);
        const duplicate = first !== undefined && first !== i && lines[first] === line;
        add('reordered', duplicate ? `entry ${seq} appears again (a copy of line ${first + 1})` : `entry ${seq} comes after entry ${prev.seq}`);
      } else if (seq > expectedSeq) {
        const missing = range(expectedSeq, seq - 1);
        if (missing.some((s) => seqLines.has(s))) add('reordered', `entry ${seq} comes before entry ${missing.find((s) => seqLines.has(s))}`);
        else add('removed', missing.length === 1 ? `entry ${missing[0]} is missing` : `entries ${missing[0]}–${missing[missing.length - 1]} are missing`);
      } else if (entry.prev !== (prev?.hash ?? GENESIS_HASH)) {
        add('broken-chain', prev ? `entry ${seq} does not follow entry ${prev.seq} (prev hash differs): an entry was replaced` : `entry ${seq} is first but does not start the chain`);
      } else {
        intact.add(entry.hash);
      }
    }
    if (!prev || seq > prev.seq) prev = entry;
  });
  const last = prev as AuditEntry | null;
  if (expect.expectHead !== undefined && !intact.has(expect.expectHead.toLowerCase())) {
    problems.push({
      line: lines.length,
      kind: 'head-not-found',
      message: `no intact entry has the expected head hash ${expect.expectHead}: the log was cut off, emptied or replaced after that entry was written`,
    });
  }
  if (expect.minEntries !== undefined && entries < expect.minEntries) {
    problems.push({
      line: lines.length,
      kind: 'too-few-entries',
      message: `${entries} entr${entries === 1 ? 'y' : 'ies'}, expected at least ${expect.minEntries}: the log was cut off, emptied or deleted`,
    });
  }
  return { ok: problems.length === 0, entries, head: last ? last.hash : null, problems };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let s = from; s <= to && out.length < 10_000; s++) out.push(s);
  return out;
}

/**
 * Refuses a log under /proc, /sys or /dev (their "files" never end or are not files: reading one
 * spun forever) and anything that exists but is not a regular file — before any lock or read.
 */
async function refuseSystemLocation(file: string): Promise<void> {
  const real = await fs.realpath(file).catch(() => fs.realpath(path.dirname(file)).catch(() => path.dirname(file)));
  if (SYSTEM_FOLDERS.some((f) => isInside(f, file) || isInside(f, real))) {
    throw new SdlcError('AuditLogRefused', `${file} is in a system folder (/proc, /sys, /dev), not an audit log file. Choose a .jsonl file.`, { usage: true });
  }
  const stat = await fs.stat(file).catch(() => null);
  if (stat?.isDirectory()) throw new SdlcError('AuditLogNotAFile', `${file} is a folder, not an audit log file. Give the path of the .jsonl file.`, { usage: true });
  if (stat && !stat.isFile()) throw new SdlcError('AuditLogRefused', `${file} is not a regular file (a device, a pipe or a socket); choose a .jsonl file.`, { usage: true });
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    if (code === 'EISDIR') throw new SdlcError('AuditLogNotAFile', `${file} is a folder, not an audit log file. Give the path of the .jsonl file.`, { usage: true, cause: e });
    throw new SdlcError('AuditLogUnreadable', `Cannot read the audit log ${file}: ${errorMessage(e)}`, { cause: e });
  }
}

/** The longest line taken for an entry; a longer line is junk and is never decoded. */
export const MAX_ENTRY_BYTES = 1024 * 1024;
/** How many entry-shaped lines that are not entries are decoded from the end before the log is called damaged. */
export const MAX_TAIL_CANDIDATES = 10_000;
const ENTRY_HEAD = Buffer.from('{"action":');
const ENTRY_TAIL = Buffer.from(',"v":1}');
/** How far back from the end an entry is looked for before the log is called damaged. */
export const MAX_TAIL_SCAN_BYTES = 256 * 1024 * 1024;

/** What finding the last entry cost: bytes read from the file and lines decoded as JSON. */
export interface TailStats {
  bytesRead: number;
  linesDecoded: number;
}

/** The last entry of a log file as `append` finds it (null for an empty or missing file), and what finding it cost. */
export async function findLastEntry(file: string): Promise<{ last: AuditEntry | null; endsWithNewline: boolean; stats: TailStats }> {
  const stats: TailStats = { bytesRead: 0, linesDecoded: 0 };
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { last: null, endsWithNewline: true, stats };
    throw e;
  }
  try {
    return { ...(await readTail(handle, file, stats)), stats };
  } finally {
    await handle.close();
  }
}

/** Opens the log for appending without following a link; refuses anything but a regular file. */
async function openLogForAppend(file: string): Promise<fs.FileHandle> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT | (fsConstants.O_NOFOLLOW ?? 0), 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw new SdlcError('AuditLogRefused', `The audit log ${file} is a symbolic link; the tool never writes through a link. Replace it with a regular file.`, { usage: true, cause: e });
    if (code === 'EISDIR') throw new SdlcError('AuditLogNotAFile', `${file} is a folder, not an audit log file. Give the path of the .jsonl file.`, { usage: true, cause: e });
    throw e;
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new SdlcError('AuditLogRefused', `The audit log ${file} is not a regular file (a device, a pipe or a socket); choose a .jsonl file.`, { usage: true });
  }
  return handle;
}

/**
 * The last well-formed entry, reading backwards from the end in chunks, and whether the file ends
 * with a newline (a cut-off last line must not swallow the next entry). Linear: every byte is read
 * once, lines are split on raw newlines and only a line shaped like an entry (canonical JSON:
 * `{"action":…,"v":1}`, at most MAX_ENTRY_BYTES; at most MAX_TAIL_CANDIDATES of them) is decoded.
 * Junk after the last entry (a cut-off append, bytes written by something else) stays where it is — the next entry goes after it, chained to the last entry, and
 * `verify` keeps reporting the junk lines as malformed. A non-empty file without any entry in its
 * last MAX_TAIL_SCAN_BYTES is not an audit log (or one buried under junk) and is refused.
 */
async function readTail(handle: fs.FileHandle, file: string, stats: TailStats = { bytesRead: 0, linesDecoded: 0 }): Promise<{ last: AuditEntry | null; endsWithNewline: boolean }> {
  const { size } = await handle.stat();
  if (size === 0) return { last: null, endsWithNewline: true };
  const chunkSize = 256 * 1024;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  const endsWithNewline = last[0] === 0x0a;
  const limit = Math.max(0, size - MAX_TAIL_SCAN_BYTES);
  // Bytes of the line being collected (it continues before `start`), newest piece last; null: too long, skipped.
  let partial: Buffer[] | null = [];
  let partialBytes = 0;
  let start = size;
  let candidates = 0;
  const tryLine = (pieces: Buffer[] | null): AuditEntry | null => {
    if (!pieces || pieces.length === 0 || pieces[0][0] !== 0x7b) return null; // '{'
    const bytes = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
    // An entry is canonical JSON: `{"action":…,"v":1}` (keys sorted). Anything else is junk, skipped undecoded.
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    if (end < ENTRY_HEAD.length + ENTRY_TAIL.length || !bytes.subarray(0, ENTRY_HEAD.length).equals(ENTRY_HEAD) || !bytes.subarray(end - ENTRY_TAIL.length, end).equals(ENTRY_TAIL)) return null;
    if (++candidates > MAX_TAIL_CANDIDATES) {
      throw new SdlcError('AuditLogDamaged', `The end of the audit log ${file} holds ${MAX_TAIL_CANDIDATES} lines that look like entries but are not. Run "sdlc audit verify --file ${file}" and move the junk at its end away before recording more.`);
    }
    stats.linesDecoded++;
    return parseEntry(bytes.subarray(0, end).toString('utf8'));
  };
  while (start > limit) {
    const from = Math.max(limit, start - chunkSize);
    const chunk = Buffer.alloc(start - from);
    await handle.read(chunk, 0, chunk.length, from);
    stats.bytesRead += chunk.length;
    let end = chunk.length;
    for (let nl = chunk.lastIndexOf(0x0a, end - 1); nl >= 0; nl = end > 0 ? chunk.lastIndexOf(0x0a, end - 1) : -1) {
      // chunk[nl+1, end) starts the line collected so far
      const piece = chunk.subarray(nl + 1, end);
      const line = !partial || partialBytes + piece.length > MAX_ENTRY_BYTES ? null : partial.length === 0 ? [piece] : [piece, ...partial.reverse()];
      const entry = tryLine(line);
      if (entry) return { last: entry, endsWithNewline };
      partial = [];
      partialBytes = 0;
      end = nl;
    }
    if (end > 0 && partial) {
      if (partialBytes + end <= MAX_ENTRY_BYTES) {
        partial.push(Buffer.from(chunk.subarray(0, end)));
        partialBytes += end;
      } else {
        partial = null; // far too long for an entry: skip to its start
      }
    }
    start = from;
  }
  if (start === 0 && partial) {
    const entry = tryLine([...partial].reverse());
    if (entry) return { last: entry, endsWithNewline };
  }
  if (start > 0) {
    throw new SdlcError('AuditLogDamaged', `The last ${Math.round(MAX_TAIL_SCAN_BYTES / 1024 / 1024)} MB of the audit log ${file} hold no audit entry. Run "sdlc audit verify --file ${file}" and move the junk at its end away before recording more.`);
  }
  throw new SdlcError('AuditLogRefused', `${file} is not an audit log (it holds no audit entry), so nothing is appended to it. Choose another audit.path, or an empty or new .jsonl file.`, { usage: true });
}
