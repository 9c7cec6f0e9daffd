import { errorMessage } from '../errors';
import { locationFromStack, relativeFile } from './location';
import { malformed } from './malformed';
import { ReportBuilder, toMs, type ParseOptions, type TestCase, type TestReport } from './model';

interface MochaTest {
  title?: unknown;
  fullTitle?: unknown;
  file?: unknown;
  duration?: unknown;
  err?: unknown;
}

/** Candidate starts of the JSON document tried at most (each try is a full JSON.parse). */
const MAX_STARTS = 16;

/**
 * Parses the output of mocha's `json` reporter (`--reporter json`): `stats`, `tests`, `passes`,
 * `failures`, `pending`, with `err.message` / `expected` / `actual` / `stack`. Lines that runners
 * or tests print before (or after) the document are tolerated. Failures outside tests (a failing
 * `before all` hook) are reported as failed tests. Throws only `SdlcError('MalformedReport')`.
 */
export function parseMochaJson(text: string, options: ParseOptions = {}): TestReport {
  if (typeof text !== 'string' || text.trim() === '') throw malformed('mocha-json', 'the report is empty.');
  const doc = extractDocument(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!isObject(doc) || !isObject(doc.stats) || !(Array.isArray(doc.tests) || Array.isArray(doc.passes) || Array.isArray(doc.failures))) {
    throw malformed('mocha-json', 'the JSON document has no "stats" and "tests" — is the suite run with `--reporter json`?');
  }
  const pending = multiset(doc.pending);
  const failures = multiset(doc.failures);
  const tests: unknown[] = Array.isArray(doc.tests) ? doc.tests : [...arr(doc.passes), ...arr(doc.failures), ...arr(doc.pending)];
  const builder = new ReportBuilder();
  const cwd = options.cwd;
  for (const raw of tests) {
    if (!isObject(raw)) continue;
    const t = raw as MochaTest;
    const key = keyOf(t);
    const failed = hasError(t.err);
    if (failed) take(failures, key);
    const skipped = !failed && take(pending, key);
    builder.add(toCase(t, failed ? 'failed' : skipped ? 'skipped' : 'passed', cwd));
  }
  // What is left in `failures` never was a test: hooks ("before all" hook for …) and uncaught errors.
  for (const raw of arr(doc.failures)) {
    if (!isObject(raw)) continue;
    const t = raw as MochaTest;
    if (take(failures, keyOf(t))) builder.add(toCase(t, 'failed', cwd));
  }
  return builder.build(toMs(doc.stats.duration));
}

function toCase(t: MochaTest, status: TestCase['status'], cwd: string | undefined): Omit<TestCase, 'id'> {
  const name = typeof t.title === 'string' ? t.title : '';
  const full = typeof t.fullTitle === 'string' ? t.fullTitle : name;
  // mocha joins suite titles and the test title with spaces; the suite titles cannot be told apart.
  const prefix = full.endsWith(name) ? full.slice(0, full.length - name.length).trim() : '';
  const test: Omit<TestCase, 'id'> = { suite: prefix ? [prefix] : [], name, status };
  const file = relativeFile(typeof t.file === 'string' && t.file !== '' ? t.file : undefined, cwd);
  if (file) test.file = file;
  const duration = toMs(t.duration);
  if (duration !== undefined) test.durationMs = duration;
  if (status === 'failed' && isObject(t.err)) {
    const err = t.err;
    const message = text(err.message) ?? text(err.name);
    if (message !== undefined) test.message = message.replace(/\n$/, '');
    const expected = text(err.expected);
    const actual = text(err.actual);
    if (expected !== undefined) test.expected = expected;
    if (actual !== undefined) test.actual = actual;
    const stack = text(err.stack);
    if (stack !== undefined) {
      test.stack = stack;
      const location = locationFromStack(stack, cwd);
      if (location) test.location = location;
    }
  }
  return test;
}

/** The JSON document, skipping lines printed before it and after it. */
function extractDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const last = text.lastIndexOf('}');
    const starts: number[] = text.startsWith('{') ? [0] : [];
    for (let i = text.indexOf('\n{'); i >= 0 && starts.length < MAX_STARTS; i = text.indexOf('\n{', i + 1)) starts.push(i + 1);
    for (const from of starts) {
      if (from > last) break;
      try {
        return JSON.parse(text.slice(from, last + 1));
      } catch {
        // not the document: try the next line that starts with `{`
      }
    }
    throw malformed('mocha-json', `${text.includes('{') ? 'no complete JSON document found' : 'no JSON document found'} (${errorMessage(e)}); the output looks truncated or is not mocha's json reporter.`, e);
  }
}

function hasError(err: unknown): boolean {
  return isObject(err) && Object.keys(err).length > 0;
}

function keyOf(t: MochaTest): string {
  return `${String(t.file)}\u0000${String(t.fullTitle ?? t.title)}`;
}

function multiset(list: unknown): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of arr(list)) if (isObject(t)) m.set(keyOf(t as MochaTest), (m.get(keyOf(t as MochaTest)) ?? 0) + 1);
  return m;
}

function take(m: Map<string, number>, key: string): boolean {
  const n = m.get(key) ?? 0;
  if (n === 0) return false;
  m.set(key, n - 1);
  return true;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
