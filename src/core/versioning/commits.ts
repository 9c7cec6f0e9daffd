import { SdlcError } from '../errors';
import type { GitRunner } from './gitRunner';
import { loadMessageParser, type MessageParser, type ParsedMessage } from './conventionalParser';

/** One commit of a release range, read as a conventional commit. */
export interface ConventionalCommit extends ParsedMessage {
  sha: string;
  parents: string[];
  /** More than one parent. */
  merge: boolean;
  authorName: string;
  authorEmail: string;
  /** Author date, ISO 8601. */
  date: string;
  /** The full message as git stores it. */
  message: string;
}

export interface ReadCommitsOptions {
  /** Exclusive start (the last release tag); omitted → every commit reachable from `to`. */
  from?: string | null;
  /** Inclusive end, default `HEAD`. */
  to?: string;
  /** Only commits touching these paths (a package folder in a monorepo). */
  paths?: readonly string[];
  /** Include merge commits (flagged `merge: true`); default true. */
  merges?: boolean;
  signal?: AbortSignal;
}

const FIELD = '\x1f';
/** %B last, so a message may contain anything but NUL (which git cannot store in a message anyway). */
const FORMAT = ['%H', '%P', '%an', '%ae', '%aI', '%B'].join('%x1f');

/** The arguments of the one `git log` call that reads a range. */
export function logArgs(options: ReadCommitsOptions = {}): string[] {
  const to = checkRef(options.to ?? 'HEAD');
  if (options.from) checkRef(options.from);
  const args = ['log', '-z', `--format=${FORMAT}`, '--encoding=UTF-8', '--no-color', '--no-show-signature'];
  if (options.merges === false) args.push('--no-merges');
  args.push(options.from ? `${options.from}..${to}` : to);
  args.push('--');
  if (options.paths) args.push(...options.paths);
  return args;
}

/** Commits in `from..to`, newest first, with ONE git call. */
export async function readCommits(git: GitRunner, options: ReadCommitsOptions = {}): Promise<ConventionalCommit[]> {
  const [parse, out] = await Promise.all([loadMessageParser(), git.run(logArgs(options), { signal: options.signal, bulk: true })]);
  return parseLog(out, parse);
}

/** Parses the output of `logArgs` (NUL-separated records of unit-separated fields). */
export function parseLog(output: string, parse: MessageParser): ConventionalCommit[] {
  const commits: ConventionalCommit[] = [];
  for (const record of output.split('\0')) {
    const commit = parseRecord(record, parse);
    if (commit) commits.push(commit);
  }
  return commits;
}

function parseRecord(record: string, parse: MessageParser): ConventionalCommit | null {
  // Between records git may leave a newline; the sha is the first 40 (or 64) hex digits.
  const start = record.search(/[0-9a-f]/);
  if (start < 0) return null;
  const fields: string[] = [];
  let at = start;
  for (let i = 0; i < 5; i++) {
    const next = record.indexOf(FIELD, at);
    if (next < 0) return null;
    fields.push(record.slice(at, next));
    at = next + 1;
  }
  const [sha, parentList, authorName, authorEmail, date] = fields;
  const message = record.slice(at);
  const parents = parentList ? parentList.split(' ') : [];
  return { sha, parents, merge: parents.length > 1, authorName, authorEmail, date, message, ...parse(message) };
}

/** A ref from a person (`--from`, `--to`) must not be read by git as an option (`--output=…`). */
export function checkRef(ref: string): string {
  if (ref === '' || ref.startsWith('-') || /[\0\s]/.test(ref)) {
    throw new SdlcError('InvalidRef', `"${ref}" is not a valid git ref.`, { usage: true });
  }
  return ref;
}
