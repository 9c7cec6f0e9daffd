/**
 * What every bench module gets and returns. A module is `{ name, run(ctx) }`; `run` returns rows for
 * the final table. Timings are medians of `ctx.repeats` runs taken in the same process, so the ratios
 * printed next to each other were measured under the same (shared, noisy) load.
 */
import { execFile, type ExecFileOptions } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export type Status = 'PASS' | 'MISS' | 'SKIP' | 'INFO';

export interface Row {
  measurement: string;
  /** What we measured for our code (already formatted: `0.41 s`, `212 KB`). */
  ours: string;
  baseline: string;
  /** e.g. `1.12×`; empty when there is nothing to compare. */
  ratio: string;
  target: string;
  status: Status;
  note?: string;
}

export interface BenchContext {
  /** Project root (where package.json is). */
  readonly projectRoot: string;
  /** `.bench-cache` under the project root. */
  readonly cacheDir: string;
  /** The synthetic 50k-commit repository (work tree root). */
  readonly repoRoot: string;
  /** Timed runs per measurement; the median is reported. */
  readonly repeats: number;
  log(message: string): void;
}

/** A correctness failure: the bench exits 1 (a MISS on a target only informs). */
export class BenchCorrectnessError extends Error {}

export interface BenchModule {
  readonly name: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` once untimed (warm-up) when asked, then `repeats` times; returns all times in ms. */
export async function timeRuns(fn: () => Promise<unknown>, repeats: number, warmup = false): Promise<number[]> {
  if (warmup) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * Times several contenders interleaved (a, b, c, a, b, c, …) after one untimed warm-up each, so
 * background load on the shared machine hits all of them alike. Returns every time in ms, by name.
 */
export async function timeInterleaved<K extends string>(contenders: Record<K, () => Promise<unknown>>, repeats: number): Promise<Record<K, number[]>> {
  const names = Object.keys(contenders) as K[];
  const out = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (const n of names) await contenders[n]();
  for (let i = 0; i < repeats; i++) {
    for (const n of names) {
      const t0 = performance.now();
      await contenders[n]();
      out[n].push(performance.now() - t0);
    }
  }
  return out;
}

export function run(file: string, args: readonly string[], options: ExecFileOptions & { input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 1 << 30, encoding: 'utf8', ...options }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr) }));
      else resolve(String(stdout));
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export function git(cwd: string, args: readonly string[]): Promise<string> {
  return run('git', args, { cwd });
}

export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
export const fmtKB = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
export const fmtRatio = (r: number): string => `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
export const fmtTimes = (times: readonly number[]): string => times.map((t) => fmtMs(t)).join(', ');

export function printTable(rows: readonly Row[]): string {
  const header = ['measurement', 'ours', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [r.measurement, r.ours, r.baseline, r.ratio, r.target, r.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]) => c.map((v, i) => v.padEnd(widths[i])).join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)];
  const notes = rows.filter((r) => r.note).map((r) => `  * ${r.measurement}: ${r.note}`);
  return [...out, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** A small seeded PRNG, so generated benchmark repositories are the same every time. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
