/**
 * Which entries differ between two archives of the same name (for the reproducibility check):
 * `.tgz`/`.tar.gz` (gzip + ustar) and zip-based `.zip`/`.vsix`/`.whl`/`.jar`. Archives over
 * 256 MB are not opened (the file-level answer stands).
 */
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync, unzipSync } from 'fflate';

const MAX_BYTES = 256 * 1024 * 1024;

/** Entry names whose content or metadata differ (or exist in one only); undefined for other formats. */
export async function archiveDifferences(a: string, b: string): Promise<string[] | undefined> {
  const kind = archiveKind(a);
  if (!kind) return undefined;
  const [sa, sb] = await Promise.all([fs.stat(a), fs.stat(b)]);
  if (sa.size > MAX_BYTES || sb.size > MAX_BYTES) return undefined;
  const [ea, eb] = await Promise.all([entries(a, kind), entries(b, kind)]);
  const names = new Set([...ea.keys(), ...eb.keys()]);
  return [...names].filter((n) => ea.get(n) !== eb.get(n)).sort();
}

function archiveKind(file: string): 'tgz' | 'zip' | null {
  if (/\.(tgz|tar\.gz)$/i.test(file)) return 'tgz';
  if (/\.(zip|vsix|whl|jar)$/i.test(file)) return 'zip';
  return null;
}

async function entries(file: string, kind: 'tgz' | 'zip'): Promise<Map<string, string>> {
  const data = new Uint8Array(await fs.readFile(file));
  const out = new Map<string, string>();
  if (kind === 'zip') {
    for (const [name, content] of Object.entries(unzipSync(data))) out.set(name, digest(content));
    return out;
  }
  const tar = gunzipSync(data);
  let offset = 0;
  let longName: string | null = null;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((x) => x === 0)) break;
    const text = (from: number, len: number) => Buffer.from(header.subarray(from, from + len)).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const type = text(156, 1);
    const prefix = text(345, 155);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    const name = longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
    longName = null;
    if (type === 'L') longName = Buffer.from(body).toString('utf8').replace(/\0.*$/s, '');
    else if (type !== 'x' && type !== 'g') out.set(name, `${text(100, 8)}:${text(136, 12)}:${digest(body)}`); // mode, mtime, content
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

function digest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
