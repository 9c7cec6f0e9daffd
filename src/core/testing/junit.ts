import { Parser, type Handler } from 'htmlparser2';
import { SdlcError } from '../errors';
import { createReportDecoder, SNIFF_BYTES } from './decode';
import { declaredLocation, locationFromStack, relativeFile } from './location';
import { malformed } from './malformed';
import { ReportBuilder, toMs, type ParseOptions, type TestCase, type TestReport, type TestStatus } from './model';

/**
 * JUnit XML (Surefire, Gradle, jest-junit, pytest, go-junit-report, ctest, gtest, Catch2, Bazel,
 * Robot's xunit, Karma, Cypress, Playwright, .NET's JUnit logger, …) read as a stream of tags: the
 * document is never held as a tree, text is kept only inside `failure` / `error` / `skipped` (up to a
 * bound), so memory is the size of the result, not of the file — 250 MB of whitespace or captured
 * output costs nothing. `<testsuites>` or `<testsuite>` roots (several `<testsuite>` roots too),
 * suites nested to any depth up to {@link JUNIT_LIMITS}, numeric character references decoded,
 * `failure` / `error` → failed, `skipped`, `status="disabled|notrun|skipped"` and `disabled` → skipped.
 * Declared totals (`tests`, `failures`, `errors`) that the cases contradict are not trusted silently:
 * missing failures become a failed suite-level result. Throws `SdlcError('MalformedReport')` and
 * `SdlcError('ReportTooLarge')`.
 */
export const JUNIT_LIMITS = {
  /** Elements open at once (suites in suites); real producers stay far below. */
  maxDepth: 10_000,
  /** Test cases in one report. */
  maxCases: 2_000_000,
  /** Characters of one attribute value (a failure message can be long). */
  maxAttribute: 4 * 1024 * 1024,
  /** Characters kept of one failure / skip body; the rest is counted, not kept. */
  maxBody: 256 * 1024,
  /** Characters kept of all bodies together; beyond it a body keeps its first 4 KB. */
  maxKeptText: 64 * 1024 * 1024,
};

/** Suite-level results created for declared totals the cases contradict are named this. */
export const DECLARED_TOTALS = '(declared totals)';
/** The result for a `failure` / `error` of a suite itself (outside its cases). */
export const SUITE_ERROR = '(suite error)';

const MAX_WARNINGS = 20;

/** Characters handed to the tokenizer at once. */
const CHUNK = 1 << 20;

type Frame = SuitesFrame | SuiteFrame | CaseFrame | OutcomeFrame | OtherFrame;

/**
 * A suite level knows its name and its parent; its path (names from the outermost) is built only for
 * suites that hold cases, and kept — so 10,000 nested suites cost O(depth), not O(depth²).
 */
interface Container {
  parent: SuitesFrame | SuiteFrame | undefined;
  name: string | undefined;
  path?: string[];
}

interface SuitesFrame extends Container {
  kind: 'suites';
  tag: string;
  label: string;
  file: string | undefined;
}

interface SuiteFrame extends Container {
  kind: 'suite';
  tag: string;
  label: string;
  file: string | undefined;
  attrs: Record<string, string>;
  startSize: number;
  startFailed: number;
  startReruns: number;
  /** A `failure` / `error` right inside the suite (an error outside any test case). */
  failure?: Outcome;
}

interface CaseFrame {
  kind: 'case';
  tag: string;
  label: string;
  path: string[];
  file: string | undefined;
  attrs: Record<string, string>;
  failure?: Outcome;
  error?: Outcome;
  skipped?: Outcome;
}

interface Outcome {
  attrs: Record<string, string>;
  body: string;
  dropped: number;
}

interface OutcomeFrame {
  kind: 'outcome';
  tag: string;
  label: string;
  outcome: Outcome;
}

interface OtherFrame {
  kind: 'other';
  tag: string;
  label: string;
}

/** The tokenizer accumulates attribute values: bound them before they grow. */
class BoundedParser extends Parser {
  private attributeLength = 0;

  constructor(
    handler: Partial<Handler>,
    private readonly onTooLong: (start: number) => never,
  ) {
    super(handler, { xmlMode: true, decodeEntities: true });
  }

  override onattribdata(start: number, endIndex: number): void {
    this.attributeLength += endIndex - start;
    if (this.attributeLength > JUNIT_LIMITS.maxAttribute) this.onTooLong(start);
    super.onattribdata(start, endIndex);
  }

  override onattribend(quote: Parameters<Parser['onattribend']>[0], endIndex: number): void {
    this.attributeLength = 0;
    super.onattribend(quote, endIndex);
  }
}

/** Incremental JUnit parser: `write` decoded text in any pieces, then `end`. */
export class JUnitStreamParser {
  private readonly builder = new ReportBuilder();
  private readonly stack: Frame[] = [];
  private readonly parser: Parser;
  private readonly cwd: string | undefined;
  private sawRoot = false;
  private rootTag: string | undefined;
  private ended = false;
  private rootDurations = 0;
  private rootsDuration: number | undefined;
  private keptText = 0;
  private readonly warnings: string[] = [];
  private moreWarnings = 0;
  private reruns = 0;
  /** Position bookkeeping for messages: lines before the current chunk, where it starts. */
  private line = 1;
  private column = 1;
  private chunkStart = 0;
  private chunk = '';
  private previousLast = 0;

  constructor(options: ParseOptions = {}) {
    this.cwd = options.cwd;
    const handler: Partial<Handler> = {
      onopentag: (name, attrs) => this.open(name, attrs),
      onclosetag: (_name, implied) => this.close(implied),
      ontext: (text) => this.text(text),
    };
    this.parser = new BoundedParser(handler, (start) => {
      throw this.tooLarge(`an attribute value longer than ${mb(JUNIT_LIMITS.maxAttribute)} (${this.where(start)})`);
    });
  }

  write(text: string): void {
    if (this.ended) throw new Error('write after end');
    for (let at = 0; at < text.length; at += CHUNK) {
      const piece = text.length <= CHUNK ? text : text.slice(at, at + CHUNK);
      this.chunk = piece;
      this.parser.write(piece);
      this.advance(piece);
    }
  }

  end(): TestReport {
    this.ended = true;
    const open = this.stack.length;
    if (open > 0) {
      let at: Frame | undefined;
      for (let i = open - 1; i >= 0 && !at; i--) if (this.stack[i].kind === 'case' || this.stack[i].kind === 'suite' || this.stack[i].kind === 'suites') at = this.stack[i];
      const innermost = this.stack[open - 1];
      const inside = at ?? innermost;
      throw malformed(
        'junit',
        `the report looks truncated: it ends at line ${this.line}, column ${this.column} inside ${inside.label}${innermost !== inside ? ` (in its ${innermost.label})` : ''}, with ${open} element${open === 1 ? '' : 's'} left open.`,
      );
    }
    this.parser.end();
    if (!this.sawRoot) throw malformed('junit', 'no <testsuites> or <testsuite> root element.');
    const report = this.builder.build(this.rootTag === 'testsuites' ? this.rootsDuration : this.rootDurations > 0 ? this.rootDurations : undefined);
    if (this.moreWarnings > 0) this.warnings.push(`… and ${this.moreWarnings} more suites whose declared totals differ from their cases.`);
    if (this.warnings.length > 0) report.warnings = this.warnings;
    return report;
  }

  private open(tag: string, attrs: Record<string, string>): void {
    const depth = this.stack.length;
    if (depth >= JUNIT_LIMITS.maxDepth) throw malformed('junit', `elements are nested deeper than ${JUNIT_LIMITS.maxDepth.toLocaleString('en')} levels (${this.where(this.parser.startIndex)}).`);
    const parent = depth > 0 ? this.stack[depth - 1] : undefined;
    if (!parent) {
      if (tag !== 'testsuites' && tag !== 'testsuite') {
        if (!this.sawRoot) throw malformed('junit', `no <testsuites> or <testsuite> root element (the document starts with <${tag}>).`);
        // Something after the report (a second document appended): not part of it.
        this.stack.push({ kind: 'other', tag, label: `<${tag}>` });
        return;
      }
      this.sawRoot = true;
      this.rootTag ??= tag;
    }
    const container = parent && (parent.kind === 'suites' || parent.kind === 'suite') ? parent : undefined;
    const file = container ? container.file : undefined;
    switch (tag) {
      case 'testsuites':
        if (!parent) this.rootsDuration = toMs(attrs.time, 1000);
        if (!parent || container) {
          this.stack.push({ kind: 'suites', tag, label: label(tag, attrs), parent: container, name: undefined, file: attrs.file || file });
          return;
        }
        break;
      case 'testsuite':
        if (!parent || container) {
          if (!parent) this.rootDurations += toMs(attrs.time, 1000) ?? 0;
          this.stack.push({
            kind: 'suite',
            tag,
            label: label(tag, attrs),
            parent: container,
            name: attrs.name || undefined,
            file: attrs.file || file,
            attrs,
            startSize: this.builder.size,
            startFailed: this.builder.failedCount,
            startReruns: this.reruns,
          });
          return;
        }
        break;
      case 'testcase':
        if (container) {
          this.stack.push({ kind: 'case', tag, label: label(tag, attrs), path: pathOf(container), file: attrs.file || file, attrs });
          return;
        }
        break;
      case 'flakyFailure':
      case 'flakyError':
      case 'rerunFailure':
      case 'rerunError':
        // Surefire's reruns: its declared totals count every run, not every test.
        if (parent?.kind === 'case') this.reruns++;
        break;
      case 'failure':
      case 'error':
      case 'skipped':
        if (parent?.kind === 'suite' && tag !== 'skipped') {
          const outcome: Outcome = { attrs, body: '', dropped: 0 };
          parent.failure ??= outcome;
          this.stack.push({ kind: 'outcome', tag, label: `<${tag}>`, outcome });
          return;
        }
        if (parent?.kind === 'case') {
          const outcome: Outcome = { attrs, body: '', dropped: 0 };
          // The first of each kind counts (a rerun may add more).
          if (tag === 'failure') parent.failure ??= outcome;
          else if (tag === 'error') parent.error ??= outcome;
          else parent.skipped ??= outcome;
          this.stack.push({ kind: 'outcome', tag, label: `<${tag}>`, outcome });
          return;
        }
        break;
    }
    this.stack.push({ kind: 'other', tag, label: `<${tag}>` });
  }

  private close(implied: boolean): void {
    const frame = this.stack.pop();
    if (!frame) return;
    if (implied && !this.ended && !this.selfClosing()) {
      const start = this.parser.startIndex;
      throw malformed('junit', `the closing tag at ${this.where(start)} does not match ${frame.label}, which is still open.`);
    }
    if (frame.kind === 'case') this.addCase(frame);
    else if (frame.kind === 'suite') this.closeSuite(frame);
  }

  private text(text: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.kind !== 'outcome') return;
    const o = top.outcome;
    const room = Math.min(JUNIT_LIMITS.maxBody, this.keptText < JUNIT_LIMITS.maxKeptText ? JUNIT_LIMITS.maxBody : 4096) - o.body.length;
    if (room >= text.length) {
      o.body += text;
      this.keptText += text.length;
    } else {
      if (room > 0) {
        o.body += text.slice(0, room);
        this.keptText += room;
      }
      o.dropped += text.length - Math.max(0, room);
    }
  }

  private addCase(frame: CaseFrame): void {
    if (this.builder.size >= JUNIT_LIMITS.maxCases) throw this.tooLarge(`more than ${JUNIT_LIMITS.maxCases.toLocaleString('en')} test cases`);
    const a = frame.attrs;
    const cwd = this.cwd;
    const name = a.name ?? '';
    const suite = frame.path;
    const classname = a.classname || undefined;
    const last = suite.length > 0 ? suite[suite.length - 1] : undefined;
    // pytest / Gradle put the class in `classname`; jest-junit and mocha-junit-reporter repeat the title there — only a distinct class is a suite level.
    const path = classname && classname !== last && classname !== name && !classname.endsWith(name) && !name.endsWith(classname) ? [...suite, classname] : suite;
    const file = relativeFile(frame.file || undefined, cwd);
    const failure = frame.failure ?? frame.error;
    const status: TestStatus = failure ? 'failed' : frame.skipped || isDisabled(a) ? 'skipped' : 'passed';
    const test: Omit<TestCase, 'id'> = { file, suite: path, name, status };
    if (file === undefined) delete test.file;
    const duration = toMs(a.time !== undefined ? a.time.replace(/,/g, '') : undefined, 1000);
    if (duration !== undefined) test.durationMs = duration;
    const declared = file && a.line ? declaredLocation(`${file}:${a.line}`, cwd) : undefined;
    if (failure) {
      const body = bodyOf(failure);
      const message = failure.attrs.message || messageOf(body) || failure.attrs.type || undefined;
      if (message !== undefined) test.message = message;
      if (body !== undefined) test.stack = body;
      const location = locationFromStack(body, cwd) ?? declared;
      if (location) test.location = location;
    } else {
      if (status === 'skipped') {
        const message = frame.skipped ? frame.skipped.attrs.message || bodyOf(frame.skipped)?.trim() : a.status === 'disabled' || a.disabled ? 'Disabled' : 'Not run';
        if (message) test.message = message;
      }
      if (declared) test.location = declared;
    }
    this.builder.add(test);
  }

  /**
   * A suite's own error (outside its cases), then its declared totals against its cases (nested
   * suites included). Declared failures with no failed case become a failed result; other
   * differences (producers count reruns, parameters, or miscount) are warnings.
   */
  private closeSuite(frame: SuiteFrame): void {
    const a = frame.attrs;
    if (frame.failure) {
      const body = bodyOf(frame.failure);
      const test: Omit<TestCase, 'id'> = { suite: pathOf(frame), name: SUITE_ERROR, status: 'failed' };
      const message = frame.failure.attrs.message || messageOf(body) || frame.failure.attrs.type;
      test.message = message ? `The suite failed outside its test cases: ${message}` : 'The suite failed outside its test cases.';
      if (body !== undefined) test.stack = body;
      const location = locationFromStack(body, this.cwd);
      if (location) test.location = location;
      this.builder.add(test);
    }
    const tests = count(a.tests);
    const failures = (count(a.failures) ?? 0) + (count(a.errors) ?? 0);
    const declaresFailures = a.failures !== undefined || a.errors !== undefined;
    const cases = this.builder.size - frame.startSize;
    const failed = this.builder.failedCount - frame.startFailed;
    const reruns = this.reruns > frame.startReruns;
    const name = a.name ? `"${a.name}"` : '(unnamed)';
    const declares = `declares ${tests ?? '?'} test${tests === 1 ? '' : 's'} and ${failures} failure${failures === 1 ? '' : 's'}`;
    const holds = `the report holds ${cases} test case${cases === 1 ? '' : 's'} (${failed} failed)`;
    if (failures > 0 && failed === 0 && !reruns) {
      this.builder.add({
        suite: pathOf(frame),
        name: DECLARED_TOTALS,
        status: 'failed',
        message: `The suite ${name} ${declares}, but ${holds}: the report is incomplete or its producer miscounted, so the declared failures are reported here.`,
      });
    } else if ((tests !== undefined && tests !== cases) || (declaresFailures && failures !== failed)) {
      if (this.warnings.length >= MAX_WARNINGS) {
        this.moreWarnings++;
        return;
      }
      this.warnings.push(`The suite ${name} ${declares}, but ${holds}${reruns ? ' (it holds reruns, which its totals count)' : ''}; the test cases were counted.`);
    }
  }

  /** htmlparser2 reports `<x/>` as an implied close, like a close that skips open elements: tell them apart by the `/>`. */
  private selfClosing(): boolean {
    const at = this.parser.endIndex - 1 - this.chunkStart;
    const c = at >= 0 ? this.chunk.charCodeAt(at) : this.previousLast;
    return c === 47; // `/`
  }

  private advance(piece: string): void {
    this.previousLast = piece.length > 0 ? piece.charCodeAt(piece.length - 1) : this.previousLast;
    let last = -1;
    for (let nl = piece.indexOf('\n'); nl >= 0; nl = piece.indexOf('\n', nl + 1)) {
      this.line++;
      last = nl;
    }
    this.column = last < 0 ? this.column + piece.length : piece.length - last;
    this.chunkStart += piece.length;
  }

  /** `line L, column C` of an offset in the current chunk (the chunk's start for an earlier one). */
  where(offset: number): string {
    const upTo = Math.max(0, Math.min(this.chunk.length, offset - this.chunkStart));
    let line = this.line;
    let column = this.column;
    for (let i = 0; i < upTo; i++) {
      if (this.chunk.charCodeAt(i) === 10) {
        line++;
        column = 1;
      } else column++;
    }
    return `line ${line}, column ${column}`;
  }

  tooLarge(what: string): SdlcError {
    return new SdlcError('ReportTooLarge', `The JUnit report is too large to read: it has ${what}.`, {
      usage: true,
      hint: 'Split the report (one file per suite) or leave captured output out of it.',
    });
  }
}

/** Parses a whole JUnit report held as text. */
export function parseJUnit(text: string, options: ParseOptions = {}): TestReport {
  if (typeof text !== 'string' || text.trim() === '') throw malformed('junit', 'the report is empty.');
  const p = new JUnitStreamParser(options);
  p.write(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  return p.end();
}

/** Parses a JUnit report from its bytes: BOM and XML declaration decide the encoding. */
export function parseJUnitBytes(bytes: Uint8Array, options: ParseOptions = {}): TestReport {
  const decoder = createReportDecoder(bytes.subarray(0, SNIFF_BYTES), 'junit');
  const p = new JUnitStreamParser(options);
  let any = false;
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const text = decoder.decode(bytes.subarray(at, at + CHUNK));
    if (!any && text.trim() !== '') any = true;
    p.write(text);
  }
  const rest = decoder.end();
  if (rest.trim() !== '') any = true;
  p.write(rest);
  if (!any) throw malformed('junit', 'the report is empty.');
  return p.end();
}

/** The suite names from the outermost down to `c` (built once per container that needs it). */
function pathOf(c: Container): string[] {
  if (c.path) return c.path;
  const names: string[] = [];
  for (let f: Container | undefined = c; f; f = f.parent) {
    if (f.path) {
      for (let i = f.path.length - 1; i >= 0; i--) names.push(f.path[i]);
      break;
    }
    if (f.name) names.push(f.name);
  }
  names.reverse();
  c.path = names;
  return names;
}

function bodyOf(o: Outcome): string | undefined {
  if (o.body === '' && o.dropped === 0) return undefined;
  return o.dropped > 0 ? `${o.body}\n… (${o.dropped.toLocaleString('en')} more characters not kept)` : o.body;
}

function isDisabled(a: Record<string, string>): boolean {
  const s = a.status?.toLowerCase();
  if (s === 'disabled' || s === 'notrun' || s === 'skipped' || s === 'skip') return true;
  const r = a.result?.toLowerCase();
  if (r === 'skipped' || r === 'suppressed') return true;
  const d = a.disabled?.toLowerCase();
  return d !== undefined && d !== '' && d !== '0' && d !== 'false';
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

function label(tag: string, attrs: Record<string, string>): string {
  const name = attrs.name;
  if (name === undefined) return `<${tag}>`;
  return `<${tag} name="${name.length > 80 ? `${name.slice(0, 80)}…` : name}">`;
}

function mb(chars: number): string {
  return `${Math.round(chars / 1048576)} MB`;
}

/** The part of a failure body before its stack frames (jest-junit puts the whole error in the body). */
function messageOf(body: string | undefined): string | undefined {
  if (!body) return undefined;
  const frame = /\n\s*at\s/.exec(body);
  return (frame ? body.slice(0, frame.index) : body).trim() || undefined;
}
