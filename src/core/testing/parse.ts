import { SdlcError } from '../errors';
import { parseJUnit } from './junit';
import { parseMochaJson } from './mochaJson';
import { REPORT_FORMATS, isReportFormat, type ParseOptions, type ReportFormat, type TestReport } from './model';
import { parseTap } from './tap';

/**
 * Parses a report of the given format into the common model. Throws `SdlcError('MalformedReport')`
 * for input that is not such a report, `SdlcError('UnknownReportFormat')` for an unknown format.
 */
export function parseReport(text: string, format: ReportFormat, options: ParseOptions = {}): TestReport {
  switch (format) {
    case 'junit':
      return parseJUnit(text, options);
    case 'tap':
      return parseTap(text, options);
    case 'mocha-json':
      return parseMochaJson(text, options);
    default:
      throw unknownFormat(format);
  }
}

export function assertReportFormat(value: unknown): ReportFormat {
  if (isReportFormat(value)) return value;
  throw unknownFormat(value);
}

function unknownFormat(value: unknown): SdlcError {
  return new SdlcError('UnknownReportFormat', `Unknown report format ${JSON.stringify(value)}; use one of ${REPORT_FORMATS.join(', ')}.`, { usage: true });
}
