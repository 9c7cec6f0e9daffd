/**
 * CI results into the run history: the JUnit XML files of a workflow artifact (a zip) become one
 * CI run record, so CI failures show up beside local ones. The record id is derived from the run,
 * its attempt and the artifact, so importing the same artifact again replaces the record.
 */
import { unzipSync } from 'fflate';
import { SdlcError, errorMessage } from '../errors';
import { createRunRecord, type TestRunRecord } from './history';
import { decodeReport } from './decode';
import { parseJUnitBytes } from './junit';
import { ReportBuilder, type TestReport } from './model';
import { guessKind, type TestKind } from './suite';

/** Uncompressed bytes read from one artifact at most (a zip bomb stops here). */
export const MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;

export interface CiRunInfo {
  id: number;
  attempt: number;
  /** Workflow name. */
  name: string;
  branch: string | null;
  sha: string;
  htmlUrl: string;
  /** When the run last changed (its results are as of then). */
  updatedAt: string;
}

export interface CiImportResult {
  record: TestRunRecord;
  report: TestReport;
  /** The JUnit files that were read. */
  files: string[];
  /** XML files that were not JUnit reports or did not parse, with why. */
  skipped: Array<{ file: string; reason: string }>;
}

/**
 * The `.xml` files of a zip (directories and other files left out), as bytes: a report's encoding
 * is its own (BOM, XML declaration). The cap counts the uncompressed sizes — what inflating costs —
 * never the compressed ones, so a zip bomb stops before it is inflated.
 */
export function xmlFilesOfZip(zip: Uint8Array, maxBytes = MAX_ARTIFACT_BYTES): Array<{ name: string; bytes: Uint8Array }> {
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, {
      filter: (file) => {
        if (!/\.xml$/i.test(file.name)) return false;
        total += file.originalSize;
        if (total > maxBytes) {
          throw new SdlcError('ArtifactTooLarge', `The artifact holds more than ${Math.round(maxBytes / 1048576)} MB of XML once unpacked; it is not imported.`, {
            hint: 'Upload only the JUnit reports as the artifact, without captured output.',
          });
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof SdlcError) throw e;
    throw new SdlcError('ArtifactUnreadable', `The artifact is not a readable zip file: ${errorMessage(e)}`, { cause: e });
  }
  return Object.keys(entries)
    .sort()
    .map((name) => ({ name, bytes: entries[name] }));
}

/**
 * Reads every JUnit report of the artifact into one report and a CI run record. Throws
 * `NoJUnitReports` when the artifact holds none.
 */
export function importJUnitArtifact(zip: Uint8Array, meta: { run: CiRunInfo; artifact: { id: number; name: string }; kind?: TestKind }): CiImportResult {
  const builder = new ReportBuilder();
  const files: string[] = [];
  const skipped: CiImportResult['skipped'] = [];
  const warnings: string[] = [];
  let durationMs = 0;
  for (const { name, bytes } of xmlFilesOfZip(zip)) {
    // Other XML of the artifact (coverage, checkstyle…) is not a report: told apart by its first element.
    let head: string;
    try {
      head = decodeReport(bytes.subarray(0, 64 * 1024), 'junit');
    } catch (e) {
      skipped.push({ file: name, reason: errorMessage(e) });
      continue;
    }
    if (!/<testsuites?[\s>/]/.test(head)) {
      skipped.push({ file: name, reason: 'not a JUnit report' });
      continue;
    }
    try {
      // Streamed from the bytes: memory is bounded by the result, not by the file (250 MB of whitespace costs nothing).
      const report = parseJUnitBytes(bytes);
      files.push(name);
      durationMs += report.durationMs;
      for (const w of report.warnings ?? []) warnings.push(`${name}: ${w}`);
      // Re-added so ids stay unique across files (two files may hold the same suite and test names).
      for (const t of report.tests) {
        const { id: _id, ...rest } = t;
        builder.add({ ...rest, file: rest.file ?? name });
      }
    } catch (e) {
      skipped.push({ file: name, reason: errorMessage(e) });
    }
  }
  if (files.length === 0) {
    const why = skipped.length ? ` (${skipped.map((s) => `${s.file}: ${s.reason}`).join('; ')})` : '';
    throw new SdlcError('NoJUnitReports', `The artifact "${meta.artifact.name}" holds no JUnit XML report${why}.`);
  }
  const report = builder.build(durationMs);
  if (warnings.length > 0) report.warnings = warnings;
  const { run, artifact } = meta;
  const record = createRunRecord(report, {
    suite: `${run.name} / ${artifact.name}`,
    kind: meta.kind ?? guessKind(artifact.name),
    branch: run.branch,
    commit: run.sha,
    source: 'ci',
    url: run.htmlUrl,
    time: new Date(run.updatedAt),
    id: `ci-${run.id}-${run.attempt}-${artifact.id}`,
  });
  return { record, report, files, skipped };
}
