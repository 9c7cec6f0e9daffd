import { TextDecoder } from 'node:util';
import { malformed } from './malformed';
import type { ReportFormat } from './model';

/**
 * Report bytes into text the way an XML processor does it: a byte order mark wins (UTF-8, UTF-16
 * LE / BE), then the encoding of the XML declaration (`<?xml version="1.0" encoding="ISO-8859-1"?>`,
 * also found in UTF-16 without a BOM), else UTF-8. TAP and mocha JSON are UTF-8 (a BOM is honoured).
 * Returns a streaming decoder so a big report is decoded chunk by chunk.
 */
export interface ReportDecoder {
  /** The WHATWG name of the encoding used (`utf-8`, `utf-16le`, `windows-1252`, …). */
  readonly encoding: string;
  /** Decodes the next chunk; bytes of a character split between chunks are kept for the next call. */
  decode(chunk: Uint8Array): string;
  /** What is left at the end of the input. */
  end(): string;
}

/** Bytes of the start of a report enough to read its BOM and XML declaration. */
export const SNIFF_BYTES = 1024;

export function createReportDecoder(head: Uint8Array, format: ReportFormat): ReportDecoder {
  const label = sniffEncoding(head, format);
  let decoder: TextDecoder;
  try {
    // `ignoreBOM: false` (the default) drops the BOM of the encoding itself.
    decoder = new TextDecoder(label, { fatal: false });
  } catch {
    throw malformed(format, `the XML declaration names the encoding "${label}", which cannot be decoded here; write the report in UTF-8 (or UTF-16 / ISO-8859-1).`);
  }
  // A declaration that says UTF-16 on a file that is not UTF-16 (no BOM, ASCII bytes) is read as UTF-8, as browsers do.
  const encoding = decoder.encoding;
  return {
    encoding,
    decode: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
}

/** Decodes a whole report held in memory. */
export function decodeReport(bytes: Uint8Array, format: ReportFormat): string {
  const d = createReportDecoder(bytes.subarray(0, SNIFF_BYTES), format);
  return d.decode(bytes) + d.end();
}

function sniffEncoding(head: Uint8Array, format: ReportFormat): string {
  const b = head;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (format !== 'junit') return 'utf-8';
  // No BOM: `<?` in UTF-16 (XML 1.0 appendix F).
  if (b.length >= 4 && b[0] === 0x3c && b[1] === 0 && b[2] === 0x3f && b[3] === 0) return 'utf-16le';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] === 0x3f) return 'utf-16be';
  const declared = declaredEncoding(b);
  if (declared === undefined) return 'utf-8';
  // A UTF-16 declaration in single-byte text (the checks above saw no UTF-16) is wrong: the bytes are ASCII-compatible.
  if (/^utf-?16/i.test(declared)) return 'utf-8';
  return declared;
}

/** The `encoding` pseudo-attribute of an XML declaration at the very start, read as ASCII. */
function declaredEncoding(head: Uint8Array): string | undefined {
  // `<?xml` at offset 0.
  if (head.length < 6 || head[0] !== 0x3c || head[1] !== 0x3f || head[2] !== 0x78 || head[3] !== 0x6d || head[4] !== 0x6c) return undefined;
  let decl = '';
  for (let i = 0; i < head.length && i < 400; i++) {
    const c = head[i];
    if (c === 0x3e) break; // `>`
    if (c > 0x7f) return undefined;
    decl += String.fromCharCode(c);
  }
  const m = /\sencoding\s*=\s*(?:"([A-Za-z][\w.:-]*)"|'([A-Za-z][\w.:-]*)')/.exec(decl);
  return m ? (m[1] ?? m[2]) : undefined;
}
