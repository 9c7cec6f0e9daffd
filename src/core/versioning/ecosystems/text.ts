import { SdlcError } from '../../errors';
import type { FileEdit, SourceLocation } from './types';

/** 1-based line and column of an offset (columns count UTF-16 code units, as editors do). */
export function locate(file: string, text: string, offset: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, column: offset - lineStart + 1 };
}

export function at(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** `text` with [start, end) replaced: the only bytes an edit of a version changes. */
export function splice(text: string, start: number, end: number, value: string): string {
  return text.slice(0, start) + value + text.slice(end);
}

/** A clear usage error pointing into a file. */
export function badInput(code: string, loc: SourceLocation | string, message: string): SdlcError {
  const where = typeof loc === 'string' ? loc : at(loc);
  return new SdlcError(code, `${where}: ${message}`, { usage: true });
}

/** A file that must exist. */
export async function required(files: { read(file: string): Promise<string | null> }, file: string, what: string): Promise<string> {
  const text = await files.read(file);
  if (text === null) throw new SdlcError('ManifestNotFound', `${file} not found (${what}).`, { usage: true });
  return text;
}

export function join(dir: string, name: string): string {
  return dir === '.' || dir === '' ? name : `${dir}/${name}`;
}

export function parentDir(dir: string): string | null {
  if (dir === '.' || dir === '') return null;
  const i = dir.lastIndexOf('/');
  return i < 0 ? '.' : dir.slice(0, i);
}

/** Normalises a relative folder (`./a/b/` → `a/b`); refuses `..` and absolute paths. */
export function normalizeDir(dir: string, from: string): string {
  const parts: string[] = [];
  for (const p of dir.replace(/\\/g, '/').split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.length === 0) throw new SdlcError('InvalidPackage', `${from}: "${dir}" points outside the repository.`, { usage: true });
      parts.pop();
    } else parts.push(p);
  }
  if (dir.startsWith('/')) throw new SdlcError('InvalidPackage', `${from}: "${dir}" must be a relative path.`, { usage: true });
  return parts.length ? parts.join('/') : '.';
}

export function edit(file: string, before: string, after: string): FileEdit[] {
  return before === after ? [] : [{ file, before, after }];
}

/** A version with only the characters a version can have: it never needs quoting or escaping. */
export function checkVersionText(version: string): string {
  if (!/^[0-9A-Za-z.+-]{1,256}$/.test(version)) {
    throw new SdlcError('InvalidVersion', `"${version}" is not a version that can be written into a manifest (use MAJOR.MINOR.PATCH with optional -pre / +build).`, { usage: true });
  }
  return version;
}
