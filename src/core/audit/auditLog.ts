/**
 * The audit trail: an append-only, hash-chained JSON Lines file of every change made through the
 * tool (editor and CLI share it). Each line is the canonical JSON of one entry; `hash` is the
 * sha256 of the canonical JSON of the entry without `hash`, and `prev` is the hash of the entry
 * before it, so editing, removing or reordering lines breaks the chain and `verify` says where.
 * (A chain cannot notice its last entries being cut off or rewritten consistently by someone with
 * write access — that needs an anchor kept elsewhere, e.g. the last hash in a CI log.)
 *
 * Appends from several processes are serialized by a lock (proper-lockfile, `<file>.lock`) held
 * around "read the last entry + append one line"; within a process they also queue per file.
 * Every string of an entry goes through `redact`, so credentials never reach the file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { SdlcError, errorMessage } from '../errors';
import { redact, silentLogger, type Logger } from '../log';
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

export type AuditProblemKind = 'malformed' | 'edited' | 'removed' | 'reordered' | 'broken-chain';

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
  problems: AuditProblem[];
}

/** `<gitDir>/sdlc/audit.jsonl`: shared by the editor and the CLI, never committed. */
export function defaultAuditPath(gitDir: string): string {
  return path.join(gitDir, 'sdlc', 'audit.jsonl');
}

/** The audit file of a repository: `audit.path` of `.sdlc.json` (relative to the root) or the default. */
export function resolveAuditPath(repoRoot: string, gitDir: string, configuredPath?: string): string {
  return configuredPath ? path.resolve(repoRoot, configuredPath) : defaultAuditPath(gitDir);
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

  async verify(): Promise<AuditVerification> {
    return verifyAuditText(await readText(this.file));
  }

  private async appendLocked(input: AuditInput): Promise<AuditEntry> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const release = await this.lock();
    try {
      const tail = await readTail(this.file);
      const entry = createEntry(tail.last, input, input.time ?? this.now().toISOString());
      await fs.appendFile(this.file, (tail.endsWithNewline ? '' : '\n') + canonicalJson(entry) + '\n', 'utf8');
      this.logger.debug(`[Audit] #${entry.seq} ${entry.action} ${entry.result}`);
      return entry;
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
  if (!line.trim()) return null;
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

/** Checks a whole log's text: every line, its hash, and the chain between entries. */
export function verifyAuditText(text: string): AuditVerification {
  const lines = text.split('\n');
  const terminated = lines[lines.length - 1] === '';
  if (terminated) lines.pop();
  const parsed = lines.map(parseEntry);
  const seqLines = new Map<number, number>();
  parsed.forEach((e, i) => e && !seqLines.has(e.seq) && seqLines.set(e.seq, i));

  const problems: AuditProblem[] = [];
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
        add('reordered', `entry ${seq} comes after entry ${prev.seq}`);
      } else if (seq > expectedSeq) {
        const missing = range(expectedSeq, seq - 1);
        if (missing.some((s) => seqLines.has(s))) add('reordered', `entry ${seq} comes before entry ${missing.find((s) => seqLines.has(s))}`);
        else add('removed', missing.length === 1 ? `entry ${missing[0]} is missing` : `entries ${missing[0]}–${missing[missing.length - 1]} are missing`);
      } else if (entry.prev !== (prev?.hash ?? GENESIS_HASH)) {
        add('broken-chain', prev ? `entry ${seq} does not follow entry ${prev.seq} (prev hash differs): an entry was replaced` : `entry ${seq} is first but does not start the chain`);
      }
    }
    if (!prev || seq > prev.seq) prev = entry;
  });
  return { ok: problems.length === 0, entries, problems };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let s = from; s <= to && out.length < 10_000; s++) out.push(s);
  return out;
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/**
 * The last well-formed entry, reading the file backwards in chunks (logs grow; appends stay cheap),
 * and whether the file ends with a newline (a cut-off last line must not swallow the next entry).
 */
async function readTail(file: string): Promise<{ last: AuditEntry | null; endsWithNewline: boolean }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { last: null, endsWithNewline: true };
    throw e;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return { last: null, endsWithNewline: true };
    const chunk = 64 * 1024;
    let buffer = Buffer.alloc(0);
    let start = size;
    let endsWithNewline = true;
    while (start > 0) {
      const from = Math.max(0, start - chunk);
      const piece = Buffer.alloc(start - from);
      await handle.read(piece, 0, piece.length, from);
      buffer = Buffer.concat([piece, buffer]);
      if (start === size) endsWithNewline = buffer[buffer.length - 1] === 0x0a;
      start = from;
      // Lines after the first newline are complete; at the start of the file, all are.
      const text = buffer.toString('utf8');
      const lines = text.split('\n');
      const complete = start === 0 ? lines : lines.slice(1);
      for (let i = complete.length - 1; i >= 0; i--) {
        const entry = parseEntry(complete[i]);
        if (entry) return { last: entry, endsWithNewline };
      }
    }
    return { last: null, endsWithNewline };
  } finally {
    await handle.close();
  }
}
