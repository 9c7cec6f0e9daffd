import { REPORT_FORMATS } from '../config/shape';

/**
 * The test report model every parser produces (JUnit, TAP, mocha JSON) and every consumer reads
 * (the Testing UI, the Test Runs history, `sdlc test --json`).
 */

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when known. */
  column?: number;
}

export interface TestCase {
  /** Stable across runs: file + suite path + name, with ` [n]` appended to the n-th duplicate. */
  id: string;
  file?: string;
  /** Outermost suite first. */
  suite: string[];
  name: string;
  status: TestStatus;
  durationMs?: number;
  message?: string;
  expected?: string;
  actual?: string;
  stack?: string;
  location?: SourceLocation;
}

export interface TestReport {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  tests: TestCase[];
  /**
   * What the parser noticed but did not turn into a failure (declared totals that differ from the
   * cases, a plan that was exceeded): shown beside the results, never silently dropped.
   */
  warnings?: string[];
}

export { REPORT_FORMATS };
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value);
}

/** Options shared by the parsers. */
export interface ParseOptions {
  /**
   * The project directory: relative paths in stacks are resolved against it, and the failure
   * location is the first stack frame inside it. Without it, the first absolute frame outside
   * node_modules and Node's internals is used.
   */
  cwd?: string;
}

/** Assigns unique, stable ids (in report order) and sums the counts. */
export class ReportBuilder {
  private readonly tests: TestCase[] = [];
  private readonly seen = new Map<string, number>();
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  add(test: Omit<TestCase, 'id'>): TestCase {
    const base = testId(test.file, test.suite, test.name);
    const n = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, n);
    const full = test as TestCase;
    full.id = n === 1 ? base : `${base} [${n}]`;
    this.tests.push(full);
    if (full.status === 'passed') this.passed++;
    else if (full.status === 'failed') this.failed++;
    else this.skipped++;
    return full;
  }

  get size(): number {
    return this.tests.length;
  }

  get failedCount(): number {
    return this.failed;
  }

  build(durationMs?: number): TestReport {
    let total = durationMs;
    if (total === undefined || !Number.isFinite(total) || total < 0) {
      total = 0;
      for (const t of this.tests) total += t.durationMs ?? 0;
    }
    return { passed: this.passed, failed: this.failed, skipped: this.skipped, durationMs: round(total), tests: this.tests };
  }
}

/** `file::Suite > Inner::name` — readable, and stable as long as the test keeps its place and name. */
export function testId(file: string | undefined, suite: readonly string[], name: string): string {
  return `${file ?? ''}::${suite.join(' > ')}::${name}`;
}

/** Milliseconds with at most 3 decimals; undefined for anything that is not a finite, non-negative number. */
export function toMs(value: unknown, scale = 1): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) return undefined;
  return round(n * scale);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
