import type { Commit, CommitParser, ParserOptions } from 'conventional-commits-parser' with { 'resolution-mode': 'import' };

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
 * The parser options of the `conventionalcommits` preset (conventional-changelog-conventionalcommits 9),
 * copied so the preset stays a dev dependency. Two deliberate differences, neither changes which notes
 * are found (every line is checked for a note either way):
 * - no issue references: we do not use them, and their regex backtracks badly on long lines;
 * - no `-field-` meta lines: a body line such as `-notes-` would otherwise overwrite parsed fields.
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

let loading: Promise<MessageParser> | undefined;

/**
 * The message parser, created once. conventional-commits-parser is ESM-only (its `exports` has no
 * `require` condition), so it is loaded with a dynamic import; esbuild bundles it into the CJS output.
 */
export function loadMessageParser(): Promise<MessageParser> {
  loading ??= import('conventional-commits-parser').then((m) => createMessageParser(new m.CommitParser(CONVENTIONAL_PARSER_OPTIONS)));
  return loading;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** The first line as the parser sees it: leading newlines dropped, lines split at `\n` or `\r\n`. */
function firstLine(message: string): string {
  const start = message.search(/[^\r\n]/);
  if (start < 0) return '';
  const end = message.indexOf('\n', start);
  const line = end < 0 ? message.slice(start) : message.slice(start, end);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Only the header of a message matters when no line can start a breaking-change note and the
 * message is no revert (and the first line is not a `gpg:` line, which the parser skips). Most
 * commits are like that, and parsing one line instead of the whole body is what keeps 10,000
 * commits fast. The result is the same as parsing the whole message (a property test checks it).
 */
export function onlyHeaderMatters(message: string): boolean {
  // Any mention of "revert" goes the slow way: the parser finds reverts across lines (even after a lone CR).
  return !/breaking/i.test(message) && !/revert/i.test(message) && !/^[\r\n]*\s*gpg:/.test(message);
}

/** Wraps a CommitParser so that any string gives a ParsedMessage (the library throws on blank input). */
export function createMessageParser(parser: CommitParser, options: { fast?: boolean } = {}): MessageParser {
  const fast = options.fast ?? true;
  return (message: string): ParsedMessage => {
    let c: Commit | undefined;
    if (message.trim() !== '') {
      try {
        const header = fast && onlyHeaderMatters(message) ? firstLine(message) : '';
        // The parser trims CR/LF around its input again; a header ending in CR must see its whole message.
        c = parser.parse(header.trim() !== '' && !header.endsWith('\r') ? header : message);
      } catch {
        c = undefined; // never fail a whole log on one odd message; it is kept as `other`
      }
    }
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
  };
}
