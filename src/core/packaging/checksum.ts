/**
 * sha256 of artifacts, streamed from disk (constant memory whatever the size), and the
 * `SHA256SUMS` file of a build in the format `sha256sum --check` reads: `<hex>  <name>`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SdlcError } from '../errors';

/** sha256 (hex) and size of a file, read in 1 MiB chunks. */
export async function sha256File(file: string, signal?: AbortSignal): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024, signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export interface SumEntry {
  name: string;
  sha256: string;
}

/** `SHA256SUMS` text: one `<hex>  <name>` line per file, sorted by name. */
export function formatSums(entries: readonly SumEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => {
      if (/[\n\r\\]/.test(e.name)) throw new SdlcError('InvalidArtifactName', `The artifact name ${JSON.stringify(e.name)} cannot be listed in SHA256SUMS (newline or backslash).`, { usage: true });
      return `${e.sha256}  ${e.name}\n`;
    })
    .join('');
}

/**
 * Parses `sha256sum` output (text `  ` or binary ` *` mode). Blank lines and `#` comments are
 * skipped; any other line that is not `<64 hex> <space><space|*><name>` is an error with its line.
 */
export function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new SdlcError('MalformedChecksums', `SHA256SUMS line ${i + 1} is not "<sha256>  <file name>": ${JSON.stringify(line.slice(0, 120))}`);
    sums.set(m[2], m[1].toLowerCase());
  });
  return sums;
}
