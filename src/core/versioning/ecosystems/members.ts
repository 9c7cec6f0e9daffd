import { badInput, join, normalizeDir } from './text';
import type { RepoFiles } from './types';

/** Folders never searched for workspace members. */
const SKIPPED = new Set(['node_modules', '.git', 'target']);

/**
 * Workspace member folders from globs relative to `base` (npm/yarn `workspaces`, pnpm-workspace.yaml,
 * Cargo `members`, lerna `packages`): `*`, `?` and `**` per path segment, a leading `!` excludes.
 * A folder matched by a glob counts when it holds `marker` (e.g. `package.json`); a literal folder
 * must hold it. A glob that matches nothing is an error naming `from` (the file that declares it).
 */
export async function expandMembers(files: RepoFiles, base: string, patterns: readonly string[], marker: string, from: string, exclude: readonly string[] = []): Promise<string[]> {
  const include = new Set<string>();
  const excluded = new Set<string>();
  for (const raw of [...patterns, ...exclude.map((e) => `!${e}`)]) {
    const negative = raw.startsWith('!');
    const pattern = normalizeDir(join(base, negative ? raw.slice(1) : raw), from);
    const found: string[] = [];
    for (const dir of await expand(files, pattern === '.' ? [] : pattern.split('/'))) {
      if (negative || (await files.read(join(dir, marker))) !== null) found.push(dir);
    }
    if (!negative && found.length === 0) {
      throw badInput('NoWorkspaceMembers', from, `the workspace pattern "${raw}" matches no folder with a ${marker}. Fix the pattern or remove it.`);
    }
    for (const dir of found) (negative ? excluded : include).add(dir);
  }
  return [...include].filter((d) => !excluded.has(d)).sort();
}

async function expand(files: RepoFiles, segments: string[], at = '.'): Promise<string[]> {
  if (segments.length === 0) return [at];
  const [head, ...rest] = segments;
  const children = async () => (await files.folders(at)).filter((n) => !SKIPPED.has(n) && !n.startsWith('.'));
  if (head === '**') {
    const out = await expand(files, rest, at);
    for (const name of await children()) out.push(...(await expand(files, segments, join(at, name))));
    return out;
  }
  if (!/[*?[]/.test(head)) return expand(files, rest, join(at, head));
  const out: string[] = [];
  for (const name of await children()) if (matchSegment(head, name)) out.push(...(await expand(files, rest, join(at, name))));
  return out;
}

/** Glob segment match (`*`, `?`, `[abc]`) by a linear-space dynamic programme: no regular expression. */
export function matchSegment(pattern: string, name: string): boolean {
  // Tokens: '*' | '?' | a set | a literal character.
  const tokens: ({ kind: '*' } | { kind: '?' } | { kind: 'set'; chars: string; negate: boolean } | { kind: 'char'; ch: string })[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') tokens.push({ kind: '*' });
    else if (ch === '?') tokens.push({ kind: '?' });
    else if (ch === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      tokens.push({ kind: 'set', chars: negate ? body.slice(1) : body, negate });
      i = end;
    } else tokens.push({ kind: 'char', ch });
  }
  let row = new Array<boolean>(name.length + 1).fill(false);
  row[0] = true;
  for (const t of tokens) {
    const next = new Array<boolean>(name.length + 1).fill(false);
    if (t.kind === '*') {
      let any = false;
      for (let j = 0; j <= name.length; j++) next[j] = any = any || row[j];
    } else {
      for (let j = 1; j <= name.length; j++) {
        if (!row[j - 1]) continue;
        const c = name[j - 1];
        next[j] = t.kind === '?' || (t.kind === 'char' ? c === t.ch : inSet(t.chars, c) !== t.negate);
      }
    }
    row = next;
  }
  return row[name.length];
}

function inSet(chars: string, c: string): boolean {
  for (let i = 0; i < chars.length; i++) {
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      if (c >= chars[i] && c <= chars[i + 2]) return true;
      i += 2;
    } else if (chars[i] === c) return true;
  }
  return false;
}
