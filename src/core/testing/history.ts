import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as lockfile from 'proper-lockfile';
import { SdlcError, errorMessage } from '../errors';
import type { SourceLocation, TestReport, TestStatus } from './model';
import type { TestKind } from './suite';

/** One run of one suite, as the Test Runs view lists it. */
export interface TestRunRecord {
  id: string;
  /** ISO 8601. */
  time: string;
  branch: string | null;
  commit: string | null;
  suite: string;
  kind: TestKind;
  source: 'local' | 'ci';
  counts: { passed: number; failed: number; skipped: number };
  durationMs: number;
  failed: FailedTest[];
  /** Every test's outcome by test id: what regressions and flakiness are computed from. */
  results: Record<string, TestStatus>;
  /** For CI runs: where they come from (workflow run URL). */
  url?: string;
  /** What the report's reader noticed (declared totals that disagree, a plan not reached, a truncated file …). */
  warnings?: string[];
}

export interface FailedTest {
  id: string;
  name: string;
  /** Outermost suite first (absent when the test is at the top level, and in older records). */
  suite?: string[];
  message?: string;
  location?: SourceLocation;
}

export interface FlakyTest {
  suite: string;
  id: string;
  name: string;
  /** Outcome changes between consecutive runs on the same commit, within the window. */
  flips: number;
  lastStatus: TestStatus;
}

export const DEFAULT_HISTORY_LIMIT = 50;
/** Failure messages are kept short in the history: the full text is in the run's report. */
const MAX_MESSAGE = 4000;

interface HistoryFile {
  version: 1;
  runs: TestRunRecord[];
}

/** Warnings kept per run record (a report can say the same thing many times). */
const MAX_WARNINGS = 20;

export function createRunRecord(
  report: TestReport,
  meta: { suite: string; kind: TestKind; branch: string | null; commit: string | null; source?: 'local' | 'ci'; time?: Date; id?: string; url?: string },
): TestRunRecord {
  const time = meta.time ?? new Date();
  const results: Record<string, TestStatus> = Object.create(null) as Record<string, TestStatus>;
  const failed: FailedTest[] = [];
  for (const t of report.tests) {
    results[t.id] = t.status;
    if (t.status !== 'failed') continue;
    const f: FailedTest = { id: t.id, name: t.name };
    if (t.suite.length > 0) f.suite = [...t.suite];
    if (t.message !== undefined) f.message = t.message.length > MAX_MESSAGE ? `${t.message.slice(0, MAX_MESSAGE)}…` : t.message;
    if (t.location) f.location = t.location;
    failed.push(f);
  }
  const record: TestRunRecord = {
    id: meta.id ?? `${time.getTime().toString(36)}-${randomBytes(4).toString('hex')}`,
    time: time.toISOString(),
    branch: meta.branch,
    commit: meta.commit,
    suite: meta.suite,
    kind: meta.kind,
    source: meta.source ?? 'local',
    counts: { passed: report.passed, failed: report.failed, skipped: report.skipped },
    durationMs: report.durationMs,
    failed,
    results,
  };
  if (meta.url) record.url = meta.url;
  if (report.warnings?.length) record.warnings = report.warnings.slice(0, MAX_WARNINGS).map((w) => (w.length > MAX_MESSAGE ? `${w.slice(0, MAX_MESSAGE)}…` : w));
  return record;
}

/** The runs in `file`, oldest first. A missing file is an empty history; an unreadable one is `HistoryCorrupt`. */
export async function loadHistory(file: string): Promise<TestRunRecord[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SdlcError('HistoryUnreadable', `Could not read the test history ${file}: ${errorMessage(e)}`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SdlcError('HistoryCorrupt', `The test history ${file} is not valid JSON (${errorMessage(e)}).`, { cause: e });
  }
  const runs = (doc as Partial<HistoryFile> | null)?.runs;
  if (!Array.isArray(runs)) throw new SdlcError('HistoryCorrupt', `The test history ${file} has no "runs" list.`);
  // Keep what is well formed: one bad record should not cost the whole history.
  return sortByTime(runs.filter(isRecord));
}

/**
 * Adds a run and keeps the newest `limit` runs (50 by default). The file is replaced atomically
 * (temp file + rename), so a reader never sees half a file. A corrupt file is moved aside to
 * `<file>.corrupt-<time>` and a new history started. Appends from several processes are
 * serialized by a lock (`<file>.lock`).
 */
export async function appendRun(file: string, record: TestRunRecord, options: { limit?: number } = {}): Promise<TestRunRecord[]> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  // The editor and the CLI may record runs at the same time: serialize read-modify-write.
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      stale: 10_000,
      retries: { retries: 40, factor: 1.3, minTimeout: 5, maxTimeout: 200, randomize: true },
      onCompromised: () => undefined,
    });
  } catch (e) {
    throw new SdlcError('HistoryLocked', `The test history ${file} is locked by another process: ${errorMessage(e)}`, { cause: e });
  }
  try {
    return await appendLocked(file, record, options.limit);
  } finally {
    await release().catch(() => undefined);
  }
}

async function appendLocked(file: string, record: TestRunRecord, limitOption: number | undefined): Promise<TestRunRecord[]> {
  const limit = Math.max(1, limitOption ?? DEFAULT_HISTORY_LIMIT);
  let runs: TestRunRecord[];
  try {
    runs = await loadHistory(file);
  } catch (e) {
    if (!(e instanceof SdlcError) || e.code !== 'HistoryCorrupt') throw e;
    await fs.rename(file, `${file}.corrupt-${Date.now()}`);
    runs = [];
  }
  runs = sortByTime([...runs.filter((r) => r.id !== record.id), record]);
  if (runs.length > limit) runs = runs.slice(runs.length - limit);
  await writeAtomic(file, `${JSON.stringify({ version: 1, runs } satisfies HistoryFile)}\n`);
  return runs;
}

export async function writeAtomic(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, content, { encoding: 'utf8', flush: true });
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new SdlcError('HistoryUnwritable', `Could not write the test history ${file}: ${errorMessage(e)}`, { cause: e });
  }
}

/** Failed tests of the latest run of `suite` that passed in the run before it. */
export function regressions(history: readonly TestRunRecord[], suite: string): FailedTest[] {
  const runs = sortByTime(history.filter((r) => r.suite === suite));
  if (runs.length < 2) return [];
  const [previous, current] = runs.slice(-2);
  return current.failed.filter((f) => previous.results[f.id] === 'passed');
}

/**
 * Tests whose outcome (passed ↔ failed) changed at least `minFlips` times (2) within the last
 * `window` runs (10) of a suite, counting only changes between consecutive runs on the same
 * commit — a change that comes with a new commit may be the code, not the test.
 */
export function flaky(history: readonly TestRunRecord[], options: { window?: number; minFlips?: number; suite?: string } = {}): FlakyTest[] {
  const window = Math.max(2, options.window ?? 10);
  const minFlips = Math.max(1, options.minFlips ?? 2);
  const bySuite = new Map<string, TestRunRecord[]>();
  for (const r of sortByTime(history)) {
    if (options.suite !== undefined && r.suite !== options.suite) continue;
    let list = bySuite.get(r.suite);
    if (!list) bySuite.set(r.suite, (list = []));
    list.push(r);
  }
  const out: FlakyTest[] = [];
  for (const [suite, all] of bySuite) {
    const runs = all.slice(-window);
    const flips = new Map<string, number>();
    for (let i = 1; i < runs.length; i++) {
      const a = runs[i - 1];
      const b = runs[i];
      if (a.commit === null || a.commit !== b.commit) continue;
      for (const id of Object.keys(b.results)) {
        const before = a.results[id];
        const after = b.results[id];
        if (before !== after && before !== undefined && before !== 'skipped' && after !== 'skipped') flips.set(id, (flips.get(id) ?? 0) + 1);
      }
    }
    for (const [id, n] of flips) {
      if (n < minFlips) continue;
      const latest = runs[runs.length - 1];
      out.push({ suite, id, name: nameOf(runs, id), flips: n, lastStatus: latest.results[id] ?? 'skipped' });
    }
  }
  return out.sort((x, y) => y.flips - x.flips || x.id.localeCompare(y.id));
}

function nameOf(runs: readonly TestRunRecord[], id: string): string {
  for (let i = runs.length - 1; i >= 0; i--) {
    const f = runs[i].failed.find((t) => t.id === id);
    if (f) return f.name;
  }
  const cut = id.lastIndexOf('::');
  return cut >= 0 ? id.slice(cut + 2) : id;
}

function sortByTime(runs: readonly TestRunRecord[]): TestRunRecord[] {
  // Stable: runs with the same time keep the order they were recorded in.
  return runs
    .map((r, i) => ({ r, i, t: Date.parse(r.time) }))
    .sort((a, b) => (a.t - b.t) || a.i - b.i)
    .map((x) => x.r);
}

function isRecord(v: unknown): v is TestRunRecord {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Partial<TestRunRecord>;
  return (
    typeof r.id === 'string' &&
    typeof r.time === 'string' &&
    !Number.isNaN(Date.parse(r.time)) &&
    typeof r.suite === 'string' &&
    typeof r.counts === 'object' &&
    r.counts !== null &&
    Array.isArray(r.failed) &&
    typeof r.results === 'object' &&
    r.results !== null &&
    (r.warnings === undefined || (Array.isArray(r.warnings) && r.warnings.every((w) => typeof w === 'string')))
  );
}
