import type { GitHubRepoRef } from '../git/git';
import type { ConventionalCommit } from './commits';
import { withoutRevertedCommits } from './reverts';

/** A changelog section: the breaking changes, or the commits of some types. */
export type ChangelogSectionConfig = { title: string; breaking: true } | { title: string; types: readonly string[] };

export const DEFAULT_CHANGELOG_SECTIONS: readonly ChangelogSectionConfig[] = [
  { title: 'Breaking changes', breaking: true },
  { title: 'Features', types: ['feat', 'feature'] },
  { title: 'Bug fixes', types: ['fix'] },
  { title: 'Performance', types: ['perf'] },
  { title: 'Reverts', types: ['revert'] },
];

export interface ChangelogOptions {
  version: string;
  /** The new tag and the previous one, for the compare link. */
  tag?: string;
  previousTag?: string | null;
  /** YYYY-MM-DD; default today (UTC). */
  date?: string;
  /** Links to commits and the compare view when the remote is on GitHub. */
  github?: GitHubRepoRef | null;
  sections?: readonly ChangelogSectionConfig[];
  /** A paragraph under the heading (e.g. why a package with no commits of its own is released). */
  note?: string;
}

type Entry = Pick<ConventionalCommit, 'sha' | 'type' | 'scope' | 'subject' | 'breaking' | 'breakingNotes' | 'merge' | 'header' | 'revert'>;

/** The Markdown section of one release, ending with a newline. Merge commits and reverted pairs are left out. */
export function renderChangelogSection(commits: readonly Entry[], options: ChangelogOptions): string {
  const web = options.github ? `https://${options.github.host ?? 'github.com'}/${options.github.owner}/${options.github.repo}` : null;
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const title = web && options.tag && options.previousTag
    ? `[${options.version}](${web}/compare/${encodeURI(options.previousTag)}...${encodeURI(options.tag)})`
    : options.version;
  const out: string[] = [`## ${title} (${date})`, ''];
  if (options.note) out.push(options.note, '');

  const kept = withoutRevertedCommits(commits.filter((c) => !c.merge));
  for (const section of options.sections ?? DEFAULT_CHANGELOG_SECTIONS) {
    const lines: string[] = [];
    for (const c of kept) {
      if ('breaking' in section) {
        if (!c.breaking) continue;
        const notes = c.breakingNotes.filter((n) => n.trim() !== '');
        for (const note of notes.length ? notes : [c.subject]) lines.push(entry(c, note, web));
      } else if (section.types.includes(c.type)) {
        lines.push(entry(c, c.subject, web));
      }
    }
    if (lines.length) out.push(`### ${section.title}`, '', ...lines, '');
  }
  // No commit of a listed type (only chores, CI, docs …): say so rather than leave an empty section.
  if (out.length === (options.note ? 4 : 2) && kept.length) {
    out.push(`No user-facing changes (${kept.length} ${kept.length === 1 ? 'commit' : 'commits'} of other types).`, '');
  }
  return out.join('\n');
}

function entry(c: Entry, text: string, web: string | null): string {
  const short = c.sha.slice(0, 7);
  const sha = web ? `[${short}](${web}/commit/${c.sha})` : short;
  // A multi-line note stays inside its list item.
  const body = text.trim().replace(/\r?\n/g, '\n  ');
  return `* ${c.scope ? `**${c.scope}:** ` : ''}${body} (${sha})`;
}

/**
 * The changelog with `section` added as the newest release. Everything of `existing` stays byte for
 * byte: a leading `# ` title and the text before the first release (`## `) stay on top, the rest
 * follows the new section unchanged. Line endings follow the file's (CRLF files get CRLF); a BOM stays first.
 */
export function prependChangelog(existing: string | null | undefined, section: string): string {
  // A UTF-8 BOM stays the first thing in the file; the new section goes after the title below it.
  if (existing?.startsWith('\uFEFF')) return '\uFEFF' + prependChangelog(existing.slice(1), section);
  const old = existing ?? '';
  const eol = /\r\n/.test(old) ? '\r\n' : '\n';
  const block = withoutTrailingNewlines(eol === '\n' ? section : section.replace(/\r?\n/g, '\r\n')) + eol;
  if (old === '') return `# Changelog${eol}${eol}${block}`;
  const head = headOf(old);
  const rest = old.slice(head.length);
  const headSep = head === '' || /(\r?\n){2}$/.test(head) ? '' : /\r?\n$/.test(head) ? eol : eol + eol;
  const restSep = rest === '' || /^\r?\n/.test(rest) ? '' : eol;
  return head + headSep + block + restSep + rest;
}

/** `text` without its trailing line breaks, in linear time (`/(\r?\n)*$/` backtracks quadratically on `\n\r` runs). */
function withoutTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\n') end -= text[end - 2] === '\r' ? 2 : 1;
  return text.slice(0, end);
}

/**
 * The title and intro before the first second-level heading; empty when the file does not start with
 * a title. Titles and headings in either Markdown style: `# Title` / `## 1.0.0`, or underlined
 * (`Title` over `===`, `1.0.0` over `---`, as in requests' HISTORY.md). Line by line, in linear time.
 */
function headOf(text: string): string {
  const lines = text.split('\n'); // (a CRLF line keeps its \r)
  const underlinedBy = (i: number, underline: RegExp) => i + 1 < lines.length && lines[i].trim() !== '' && !UNDERLINE.test(lines[i]) && underline.test(lines[i + 1]);
  let from: number;
  if (text.startsWith('# ')) from = 1;
  else if (underlinedBy(0, TITLE_UNDERLINE)) from = 2;
  else return '';
  let offset = lines.slice(0, from).reduce((n, l) => n + l.length + 1, 0);
  for (let i = from; i < lines.length; i++) {
    if (lines[i].startsWith('##') && !lines[i].startsWith('###')) return text.slice(0, offset);
    if (underlinedBy(i, HEADING_UNDERLINE)) return text.slice(0, offset);
    offset += lines[i].length + 1;
  }
  return text;
}

const TITLE_UNDERLINE = /^={2,}[ \t]*\r?$/;
const HEADING_UNDERLINE = /^-{2,}[ \t]*\r?$/;
const UNDERLINE = /^[-=]+[ \t]*\r?$/;
