import type { Commit, ParserOptions } from 'conventional-commits-parser' with { 'resolution-mode': 'import' };

/** What the message of one commit says, read as a conventional commit. */
export interface ParsedMessage {
  /** Conventional type as written (`feat`, `fix`, …); `revert` for a git revert; `other` when the header is not conventional. */
  type: string;
  scope: string | null;
  /** The subject after `type(scope): `, or the whole header when the message is not conventional. */
  subject: string;
  /** First line of the message (CR removed). */
  header: string;
  /** `!` in the header or a `BREAKING CHANGE:` / `BREAKING-CHANGE:` footer. */
  breaking: boolean;
  /** Text of each breaking-change note (the subject for a `!` header without a footer). */
  breakingNotes: string[];
  /** For `Revert "…"` / `revert: …` commits: the header and sha of the commit it reverts. */
  revert: { header: string | null; sha: string | null } | null;
  /** Did the message follow the conventional format? */
  conventional: boolean;
}

/**
 * How much of a message is read. Git stores messages of any size, and a hostile repository can hold
 * megabytes of whitespace in one; the parser below is linear, and these caps bound its work and memory
 * per commit (about 10 ms for a capped message). Ordinary messages are far below both, and for them
 * the result is the same as without caps (a property test checks it):
 * - the first 1 MiB (UTF-16 code units) of a message: the header, the body and the footers in it. Not
 *   less: the squash commit of a large pull request can run to hundreds of KB with its
 *   `BREAKING CHANGE:` footer at the very end, and losing that footer would lose a major release;
 * - the header line: its first 4 KiB (the type, scope and subject are read from that part only).
 */
export const MAX_MESSAGE_CHARS = 1024 * 1024;
export const MAX_HEADER_CHARS = 4 * 1024;

/**
 * The parser options of the `conventionalcommits` preset (conventional-changelog-conventionalcommits 9)
 * that `parseMessage` implements, with two deliberate differences from the preset (neither changes
 * which notes are found): no issue references (unused here) and no `-field-` meta lines (a body line
 * such as `-notes-` would otherwise overwrite parsed fields). conventional-commits-parser with these
 * options is the reference implementation the tests compare `parseMessage` with; it is not used at run
 * time because its regular expressions backtrack (quadratic time on a long line of spaces or parentheses).
 */
export const CONVENTIONAL_PARSER_OPTIONS: ParserOptions = {
  headerPattern: /^(\w*)(?:\((.*)\))?!?: (.*)$/,
  breakingHeaderPattern: /^(\w*)(?:\((.*)\))?!: (.*)$/,
  headerCorrespondence: ['type', 'scope', 'subject'],
  noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
  revertPattern: /^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit (\w*)\./i,
  revertCorrespondence: ['header', 'hash'],
  issuePrefixes: undefined,
  referenceActions: undefined,
  fieldPattern: undefined,
};

export type MessageParser = (message: string) => ParsedMessage;

/** Kept for callers written when the parser was a lazily imported library; resolves at once. */
export function loadMessageParser(): Promise<MessageParser> {
  return Promise.resolve(parseMessage);
}

/** What the reference parser returns, as far as a ParsedMessage needs it. */
interface RawCommit {
  header: string | null;
  notes: Commit['notes'];
  revert: Record<string, string | null> | null;
  /** `type`, `scope` and `subject` (the header correspondence), `null` when absent. */
  [field: string]: unknown;
}

/**
 * Reads one commit message as a conventional commit, in time linear in its length (no regular
 * expression that can backtrack), after cutting it to the caps above.
 */
export function parseMessage(message: string, caps: { message?: number; header?: number } = {}): ParsedMessage {
  const capped = cut(message, caps.message ?? MAX_MESSAGE_CHARS);
  return toParsedMessage(capped, capped.trim() === '' ? undefined : parseRaw(capped, caps.header ?? MAX_HEADER_CHARS));
}

/** Wraps a reference parser (conventional-commits-parser's CommitParser) the same way; used by tests. */
export function createMessageParser(parser: { parse(message: string): RawCommit }): MessageParser {
  return (message: string): ParsedMessage => {
    let c: RawCommit | undefined;
    if (message.trim() !== '') {
      try {
        c = parser.parse(message);
      } catch {
        c = undefined; // the library overflows its stack on thousands of note lines: kept as `other`
      }
    }
    return toParsedMessage(message, c);
  };
}

function toParsedMessage(message: string, c: RawCommit | undefined): ParsedMessage {
  const header = str(c?.header) ?? firstLine(message);
  const rawType = str(c?.type);
  const notes = Array.isArray(c?.notes) ? c.notes : [];
  const revert = c?.revert ? { header: str(c.revert.header), sha: str(c.revert.hash) } : null;
  const conventional = rawType !== null;
  return {
    type: rawType ?? (revert ? 'revert' : 'other'),
    scope: conventional ? str(c?.scope) : null,
    subject: (conventional ? str(c?.subject) : null) ?? (revert?.header ? revert.header : header),
    header,
    breaking: notes.length > 0,
    breakingNotes: notes.map((n) => (typeof n.text === 'string' ? n.text : '')),
    revert,
    conventional,
  };
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** The first `max` code units, without leaving half of a surrogate pair at the end. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** The first line as the reference parser sees it: leading newlines dropped, lines split at `\n` or `\r\n`. */
function firstLine(message: string): string {
  let start = 0;
  while (start < message.length && isNewline(message.charCodeAt(start))) start++;
  if (start === message.length) return '';
  const end = message.indexOf('\n', start);
  const line = end < 0 ? message.slice(start) : message.slice(start, end);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

// ---- character classes of JavaScript regular expressions (without the `u` flag) ----

function isNewline(c: number): boolean {
  return c === 0x0a || c === 0x0d;
}

/** What `.` does not match. */
function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/** `\s`. */
function isSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `\w` (ASCII only without the `u` flag, with or without `i`). */
function isWord(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** Does `s` hold `word` at `at`, ASCII letters compared without case (what `/i` does without `u` for ASCII patterns)? */
function startsWithIgnoreCase(s: string, word: string, at: number): boolean {
  if (at + word.length > s.length) return false;
  for (let i = 0; i < word.length; i++) {
    let a = s.charCodeAt(at + i);
    let b = word.charCodeAt(i);
    if (a >= 0x41 && a <= 0x5a) a += 0x20;
    if (b >= 0x41 && b <= 0x5a) b += 0x20;
    if (a !== b) return false;
  }
  return true;
}

// ---- the parse, step by step as conventional-commits-parser 6 does it with the options above ----

function parseRaw(input: string, maxHeader: number): RawCommit {
  const lines = splitLines(input).filter((line) => !isGpgLine(line));
  const commit: RawCommit = { header: null, type: null, scope: null, subject: null, notes: [], revert: null };
  const headerLine = lines.length > 0 ? cut(lines[0], maxHeader) : undefined;
  if (headerLine) {
    commit.header = headerLine;
    const m = matchHeader(headerLine, true) ?? matchHeader(headerLine, false);
    if (m) {
      commit.type = m.type || null;
      commit.scope = m.scope || null;
      commit.subject = m.subject || null;
    }
  }
  // Every line from the first note on belongs to a note: a note line starts a new note, others extend it.
  let note: { title: string; text: string } | null = null;
  for (let i = 1; i < lines.length; i++) {
    const found = matchNote(lines[i]);
    if (found) {
      note = found;
      commit.notes.push(note);
    } else if (note) {
      note.text = note.text ? `${note.text}\n${lines[i]}` : lines[i];
    }
  }
  if (commit.notes.length === 0 && commit.header) {
    const m = matchHeader(commit.header, true);
    if (m) commit.notes.push({ title: 'BREAKING CHANGE', text: m.subject });
  }
  for (const n of commit.notes) n.text = trimNewlines(n.text);
  commit.revert = matchRevert(input);
  return commit;
}

/** `trimNewLines(input).split(/\r?\n/)`. */
function splitLines(input: string): string[] {
  const text = trimNewlines(input);
  if (text === '') return [''];
  const lines: string[] = [];
  let at = 0;
  for (;;) {
    const end = text.indexOf('\n', at);
    const stop = end < 0 ? text.length : end;
    lines.push(text.slice(at, stop > at && text.charCodeAt(stop - 1) === 0x0d && end >= 0 ? stop - 1 : stop));
    if (end < 0) return lines;
    at = end + 1;
  }
}

function trimNewlines(s: string): string {
  let start = 0;
  while (start < s.length && isNewline(s.charCodeAt(start))) start++;
  if (start === s.length) return '';
  let end = s.length;
  while (isNewline(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** `/^\s*gpg:/`. */
function isGpgLine(line: string): boolean {
  let i = 0;
  while (i < line.length && isSpace(line.charCodeAt(i))) i++;
  return line.startsWith('gpg:', i);
}

/**
 * `^(\w*)(?:\((.*)\))?!?: (.*)$` (or with `!:` required when `breaking`): the type is a run of word
 * characters; the scope extends to the LAST `)` followed by `!: ` or `: ` (the greedy `.*`); without
 * a scope, the separator directly follows the type. `.` stops at line terminators, so a header holding
 * one never matches.
 */
function matchHeader(line: string, breaking: boolean): { type: string; scope: string; subject: string } | null {
  for (let i = 0; i < line.length; i++) if (isLineTerminator(line.charCodeAt(i))) return null;
  let t = 0;
  while (t < line.length && isWord(line.charCodeAt(t))) t++;
  const type = line.slice(0, t);
  const separator = (at: number): number => {
    if (line.startsWith('!: ', at)) return at + 3;
    if (!breaking && line.startsWith(': ', at)) return at + 2;
    return -1;
  };
  if (line.charCodeAt(t) === 0x28 /* ( */) {
    for (let close = line.lastIndexOf(')'); close > t; close = line.lastIndexOf(')', close - 1)) {
      const subject = separator(close + 1);
      if (subject >= 0) return { type, scope: line.slice(t + 1, close), subject: line.slice(subject) };
    }
  }
  const subject = separator(t);
  return subject >= 0 ? { type, scope: '', subject: line.slice(subject) } : null;
}

const NOTE_KEYWORDS = ['BREAKING CHANGE', 'BREAKING-CHANGE'];

/** `^[\s|*]*(BREAKING CHANGE|BREAKING-CHANGE)[:\s]+(.*)` with `i`. */
function matchNote(line: string): { title: string; text: string } | null {
  let i = 0;
  for (let c = line.charCodeAt(i); i < line.length && (isSpace(c) || c === 0x7c || c === 0x2a); c = line.charCodeAt(++i));
  const keyword = NOTE_KEYWORDS.find((k) => startsWithIgnoreCase(line, k, i));
  if (!keyword) return null;
  const title = line.slice(i, i + keyword.length);
  let j = i + keyword.length;
  const afterKeyword = j;
  for (let c = line.charCodeAt(j); j < line.length && (c === 0x3a || isSpace(c)); c = line.charCodeAt(++j));
  if (j === afterKeyword) return null;
  let end = j;
  while (end < line.length && !isLineTerminator(line.charCodeAt(end))) end++;
  return { title, text: line.slice(j, end) };
}

const REVERTS = 'This reverts commit ';

/**
 * `^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit (\w*)\./i` over the whole message, in one
 * pass: the reverted header ends at the FIRST position `e` (the lazy `+?`) from which an optional `"`,
 * white space, "This reverts commit ", a word and a `.` follow. Whether `e` works depends only on the
 * position after the white space, so that check is memoised per position and the scan stays linear.
 */
function matchRevert(s: string): { header: string | null; hash: string | null } | null {
  // A literal search (linear) rules out nearly every message before any table is built.
  if (!startsWithIgnoreCase(s, 'revert', 0) || !/this reverts commit /i.test(s)) return null;
  let at: number;
  if (s.length > 6 && isSpace(s.charCodeAt(6))) at = 7;
  else if (s.charCodeAt(6) === 0x3a /* : */ && s.length > 7 && isSpace(s.charCodeAt(7))) at = 8;
  else return null;

  // spaceEnd[k]: where the run of white space starting at k ends (one pass from the right).
  const spaceEnd = new Int32Array(s.length + 1);
  spaceEnd[s.length] = s.length;
  for (let k = s.length - 1; k >= 0; k--) spaceEnd[k] = isSpace(s.charCodeAt(k)) ? spaceEnd[k + 1] : k;
  // tailEnd[w]: for "This reverts commit HASH." at w, the index of the `.`; -1 when there is none; 0 unknown.
  const tailEnd = new Int32Array(s.length + 1);
  const tail = (w: number): string | null => {
    if (tailEnd[w] === 0) {
      tailEnd[w] = -1;
      if (startsWithIgnoreCase(s, REVERTS, w)) {
        let h = w + REVERTS.length;
        while (h < s.length && isWord(s.charCodeAt(h))) h++;
        if (s.charCodeAt(h) === 0x2e /* . */) tailEnd[w] = h;
      }
    }
    return tailEnd[w] > 0 ? s.slice(w + REVERTS.length, tailEnd[w]) : null;
  };
  const endAt = (e: number): string | null => {
    const k = s.charCodeAt(e) === 0x22 /* " */ ? e + 1 : e;
    return tail(spaceEnd[k]);
  };
  const search = (groupStart: number): { header: string; hash: string } | null => {
    for (let e = groupStart + 1; e < s.length; e++) {
      const hash = endAt(e);
      if (hash !== null) return { header: s.slice(groupStart, e), hash };
    }
    return null;
  };
  const found = (s.charCodeAt(at) === 0x22 ? search(at + 1) : null) ?? search(at);
  return found ? { header: found.header || null, hash: found.hash || null } : null;
}
