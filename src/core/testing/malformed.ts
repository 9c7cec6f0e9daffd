import { SdlcError } from '../errors';
import type { ReportFormat } from './model';

/** The one error a parser raises: the input is not a report of the format, or is cut short. */
export function malformed(format: ReportFormat, message: string, cause?: unknown): SdlcError {
  const label = format === 'junit' ? 'JUnit XML' : format === 'tap' ? 'TAP' : 'mocha JSON';
  return new SdlcError('MalformedReport', `Malformed ${label} report: ${message}`, {
    usage: true,
    cause,
    hint: `Check that the suite writes a ${label} report (report.format in .sdlc.json) and that it finished writing it.`,
  });
}
