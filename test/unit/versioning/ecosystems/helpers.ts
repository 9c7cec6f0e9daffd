import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { FileEdit } from '../../../../src/core/versioning/ecosystems';

export const FIXTURES = path.resolve(__dirname, '../../../fixtures/ecosystems');

/** A fixture folder as a map of relative paths to texts (`target/`, `node_modules/` skipped). */
export function loadFixture(name: string, options: { crlf?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'target' || entry === 'node_modules') continue;
      const full = path.join(dir, entry);
      const r = rel ? `${rel}/${entry}` : entry;
      if (statSync(full).isDirectory()) walk(full, r);
      else {
        const text = readFileSync(full, 'utf8');
        out[r] = options.crlf ? text.replace(/\r?\n/g, '\r\n') : text;
      }
    }
  };
  walk(path.join(FIXTURES, name), '');
  return out;
}

/** The files with the edits applied (each edit must start from the current text). */
export function applyEdits(files: Record<string, string>, edits: readonly FileEdit[]): Record<string, string> {
  const out = { ...files };
  for (const e of edits) {
    if (out[e.file] !== e.before) throw new Error(`edit of ${e.file} does not start from its current text`);
    out[e.file] = e.after;
  }
  return out;
}

/**
 * The part of `before` and `after` that differs (between their common prefix and suffix): with
 * one version written, it must lie inside the old version's text and the new one's.
 */
export function changedRegion(before: string, after: string): { removed: string; added: string } {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return { removed: before.slice(p, before.length - s), added: after.slice(p, after.length - s) };
}
