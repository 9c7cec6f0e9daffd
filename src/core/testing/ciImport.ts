/**
 * CI results into the run history: the JUnit XML files of a workflow artifact (a zip) become one
 * CI run record, so CI failures show up beside local ones. The record id is derived from the run,
 * its attempt and the artifact, so importing the same artifact again replaces the record.
 */
import { unzipSync } from 'fflate';
import { SdlcError, errorMessage } from '../errors';
import { createRunRecord, type TestRunRecord } from './history';
import { parseJUnit } from './junit';
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

/** The `.xml` files of a zip (directories and other files left out), decoded as UTF-8. */
export function xmlFilesOfZip(zip: Uint8Array, maxBytes = MAX_ARTIFACT_BYTES): Array<{ name: string; text: string }> {
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, {
      filter: (file) => {
        if (!/\.xml$/i.test(file.name)) return false;
        total += file.originalSize;
        if (total > maxBytes) throw new SdlcError('ArtifactTooLarge', `The artifact holds more than ${Math.round(maxBytes / 1048576)} MB of XML.`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof SdlcError) throw e;
    throw new SdlcError('ArtifactUnreadable', `The artifact is not a readable zip file: ${errorMessage(e)}`, { cause: e });
  }
  const decoder = new TextDecoder('utf-8');
  return Object.keys(entries)
    .sort()
    .map((name) => ({ name, text: decoder.decode(entries[name]) }));
}

/**
 * Reads every JUnit report of the artifact into one report and a CI run record. Throws
 * `NoJUnitReports` when the artifact holds none.
 */
export function importJUnitArtifact(zip: Uint8Array, meta: { run: CiRunInfo; artifact: { id: number; name: string }; kind?: TestKind }): CiImportResult {
  const builder = new ReportBuilder();
  const files: string[] = [];
  const skipped: CiImportResult['skipped'] = [];
  let durationMs = 0;
  for (const { name, text } of xmlFilesOfZip(zip)) {
    if (!/<testsuites?[\s>]/.test(text)) {
      skipped.push({ file: name, reason: 'not a JUnit report' });
      continue;
    }
    try {
      const report = parseJUnit(text);
      files.push(name);
      durationMs += report.durationMs;
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
