import { createReadStream, promises as fs } from 'node:fs';
import { SdlcError, errorMessage } from '../errors';
import { createReportDecoder, decodeReport, SNIFF_BYTES } from './decode';
import { JUnitStreamParser, parseJUnit, parseJUnitBytes } from './junit';
import { malformed } from './malformed';
import { parseMochaJson } from './mochaJson';
import { REPORT_FORMATS, isReportFormat, type ParseOptions, type ReportFormat, type TestReport } from './model';
import { parseTap } from './tap';

/**
 * Bytes of a TAP or mocha JSON report read at most: those parsers hold the whole text (a JSON
 * document cannot be used before its end), so the bound is what their memory allows. JUnit is
 * streamed and bounded by what it keeps (see JUNIT_LIMITS), not by its size.
 */
export const MAX_WHOLE_REPORT_BYTES = 64 * 1024 * 1024;

/** A report older than the run that should have written it by more than this is stale (clocks and file systems round times). */
export const STALE_REPORT_SLACK_MS = 2_000;

/**
 * Parses a report of the given format into the common model. Throws `SdlcError('MalformedReport')`
 * for input that is not such a report, `SdlcError('UnknownReportFormat')` for an unknown format.
 */
export function parseReport(text: string, format: ReportFormat, options: ParseOptions = {}): TestReport {
  switch (format) {
    case 'junit':
      return parseJUnit(text, options);
    case 'tap':
      if (text.length > MAX_WHOLE_REPORT_BYTES) throw tooLarge(format, text.length);
      return parseTap(text, options);
    case 'mocha-json':
      if (text.length > MAX_WHOLE_REPORT_BYTES) throw tooLarge(format, text.length);
      return parseMochaJson(text, options);
    default:
      throw unknownFormat(format);
  }
}

/** Parses a report from its bytes: the encoding comes from its BOM (and, for JUnit, its XML declaration). */
export function parseReportBytes(bytes: Uint8Array, format: ReportFormat, options: ParseOptions = {}): TestReport {
  if (format === 'junit') return parseJUnitBytes(bytes, options);
  if (bytes.length > MAX_WHOLE_REPORT_BYTES) throw tooLarge(format, bytes.length);
  return parseReport(decodeReport(bytes, format), format, options);
}

export interface ReadReportOptions extends ParseOptions {
  /** Epoch ms: a report last written before this (less {@link STALE_REPORT_SLACK_MS}) is stale — left over from an earlier run. */
  notBefore?: number;
  /** Says whose report it is in messages (`the suite "unit"`). */
  owner?: string;
}

/**
 * Reads and parses a report file: JUnit streamed from disk in chunks (memory bounded by the
 * result, whatever the file's size), TAP and mocha JSON up to {@link MAX_WHOLE_REPORT_BYTES}.
 * Throws `ReportMissing`, `ReportStale`, `ReportUnreadable`, `ReportTooLarge`, `MalformedReport`.
 */
export async function readReportFile(file: string, format: ReportFormat, options: ReadReportOptions = {}): Promise<TestReport> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(file);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new SdlcError(missing ? 'ReportMissing' : 'ReportUnreadable', missing ? `No report at ${file}.` : `Could not read ${file}: ${errorMessage(e)}`, { usage: true, cause: e });
  }
  if (!stat.isFile()) throw new SdlcError('ReportUnreadable', `${file} is not a file.`, { usage: true });
  if (options.notBefore !== undefined && isStale(stat.mtimeMs, options.notBefore)) {
    throw new SdlcError(
      'ReportStale',
      `The report ${file} was not written by this run${options.owner ? ` of ${options.owner}` : ''}: it was last changed ${new Date(stat.mtimeMs).toISOString()}, before the run started (${new Date(options.notBefore).toISOString()}).`,
      { hint: 'Check that the suite writes its report where report.path says, and that it ran at all.' },
    );
  }
  if (format !== 'junit') {
    if (stat.size > MAX_WHOLE_REPORT_BYTES) throw tooLarge(format, stat.size);
    const bytes = await readWhole(file);
    if (bytes.length > MAX_WHOLE_REPORT_BYTES) throw tooLarge(format, bytes.length);
    return parseReportBytes(bytes, format, options);
  }
  return streamJUnit(file, options);
}

/** Whether a report written at `mtimeMs` is older than a run that started at `notBefore`. */
export function isStale(mtimeMs: number, notBefore: number): boolean {
  return mtimeMs < notBefore - STALE_REPORT_SLACK_MS;
}

async function streamJUnit(file: string, options: ParseOptions): Promise<TestReport> {
  const parser = new JUnitStreamParser(options);
  let decoder: ReturnType<typeof createReportDecoder> | undefined;
  let head: Uint8Array = new Uint8Array(0);
  let any = false;
  const feed = (text: string) => {
    if (!any && text.trim() !== '') any = true;
    parser.write(text);
  };
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const bytes = chunk as Buffer;
      if (!decoder) {
        // The BOM and the XML declaration decide the encoding: wait for enough bytes.
        head = concat(head, bytes);
        if (head.length < SNIFF_BYTES) continue;
        decoder = createReportDecoder(head, 'junit');
        feed(decoder.decode(head));
        continue;
      }
      feed(decoder.decode(bytes));
    }
  } catch (e) {
    if (e instanceof SdlcError) throw e;
    throw new SdlcError('ReportUnreadable', `Could not read ${file}: ${errorMessage(e)}`, { usage: true, cause: e });
  }
  if (!decoder) {
    decoder = createReportDecoder(head, 'junit');
    feed(decoder.decode(head));
  }
  feed(decoder.end());
  if (!any) throw malformed('junit', 'the report is empty.');
  return parser.end();
}

async function readWhole(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    throw new SdlcError('ReportUnreadable', `Could not read ${file}: ${errorMessage(e)}`, { usage: true, cause: e });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function tooLarge(format: ReportFormat, size: number): SdlcError {
  const label = format === 'tap' ? 'TAP' : format === 'mocha-json' ? 'mocha JSON' : 'JUnit XML';
  return new SdlcError('ReportTooLarge', `The ${label} report is ${Math.round(size / 1048576)} MB; reports in this format are read up to ${MAX_WHOLE_REPORT_BYTES / 1048576} MB.`, {
    usage: true,
    hint: format === 'mocha-json' ? 'Write a JUnit report instead (mocha-junit-reporter): it is read as a stream, whatever its size.' : 'Split the report, or write JUnit XML, which is read as a stream.',
  });
}

export function assertReportFormat(value: unknown): ReportFormat {
  if (isReportFormat(value)) return value;
  throw unknownFormat(value);
}

function unknownFormat(value: unknown): SdlcError {
  return new SdlcError('UnknownReportFormat', `Unknown report format ${JSON.stringify(value)}; use one of ${REPORT_FORMATS.join(', ')}.`, { usage: true });
}
