/**
 * The history of a repository read once for every package: ONE `git tag --merged` (the last release
 * of each package) and ONE `git log --name-only` over the widest range any package needs (from the
 * newest commit every package's last tag contains, to HEAD). Each package then takes its commits
 * from that read: not reachable from its own tag, touching its folders.
 */
import semver from 'semver';
import type { ConventionalCommit } from './commits';
import { loadMessageParser, type MessageParser } from './conventionalParser';
import { TAG_LIST_FORMAT, type Git } from '../git/git';
import type { GitRunner } from './gitRunner';
import { pickLastRelease, type LastRelease } from './lastRelease';
import type { TagFormat } from './tagFormat';

/** A commit of the range and the files it changed (none for merges). */
export interface HistoryCommit {
  commit: ConventionalCommit;
  files: string[];
}

export interface History {
  /** Newest first, as `git log` gives them. */
  commits: HistoryCommit[];
  /** sha → commit, for the walk from a tag. */
  bySha: Map<string, HistoryCommit>;
  /** Memo: tag sha → the commits of the range it contains. */
  reachable?: Map<string, Set<string>>;
  /** Memo: folder or file → positions of the commits touching it. */
  byFolder?: Map<string, number[]>;
  /** Read without the files of each commit (`readHistoryFrom` with `files: false`): only whole-tree questions. */
  withoutFiles?: true;
}

const RS = '\x1e';
const FIELD = '\x1f';
const FORMAT = `${RS}${['%H', '%P', '%an', '%ae', '%aI', '%B'].join('%x1f')}`;

/**
 * Every tag (`all`) and the tags HEAD contains (`merged`, as `git tag --merged HEAD` lists them), as
 * lines of TAG_LIST_FORMAT (name, object, peeled object): the adapter's `tagLists` (one read of the
 * tags and the graph cache), else two git reads.
 */
export function readTags(git: GitRunner & Partial<Pick<Git, 'tagLists'>>, signal?: AbortSignal): { all: Promise<string>; merged: Promise<string> } {
  if (git.tagLists) return git.tagLists({ signal });
  const format = `--format=${TAG_LIST_FORMAT}`;
  return { all: git.run(['for-each-ref', format, 'refs/tags'], { signal }), merged: git.run(['tag', '--merged', 'HEAD', '--list', format], { signal }) };
}

/** The last release of a package from the tags HEAD contains (`readTags(…).merged`). */
export function lastReleaseFrom(tags: string, format: TagFormat): LastRelease | null {
  return pickLastRelease(tags, format, true);
}

/**
 * The commit whose ancestors every one of `bases` contains — their octopus merge base — so that
 * `readHistoryFrom` reads just the commits every package needs (null: read the whole history, as for
 * a package with no release yet, whose base is null). At most one git call.
 */
export async function historyExclude(git: GitRunner, bases: ReadonlyArray<string | null>, signal?: AbortSignal): Promise<string | null> {
  const shas = [...new Set(bases)];
  if (shas.length === 0 || shas.includes(null)) return null;
  return shas.length === 1 ? shas[0] : (await git.run(['merge-base', '--octopus', ...(shas as string[])], { signal }).catch(() => '')).trim() || null;
}

/**
 * The commits of `HEAD ^exclude` (all of HEAD's when null), with the files each changed: one git log.
 * `files: false` leaves the files out, for a repository whose one package is the whole tree: listing
 * them is most of git's work (on 10,000 commits 290 ms of 410), and no question about them is asked.
 */
export async function readHistoryFrom(git: GitRunner, exclude: string | null, signal?: AbortSignal, files = true): Promise<History> {
  const args = ['log', '-z', ...(files ? ['--name-only', '--no-renames'] : []), `--format=${FORMAT}`, '--encoding=UTF-8', '--no-color', '--no-show-signature', 'HEAD'];
  if (exclude) args.push(`^${exclude}`);
  args.push('--');
  const [parse, out] = await Promise.all([loadMessageParser(), git.run(args, { signal, bulk: true })]);
  const history = parseHistory(out, parse);
  if (!files) history.withoutFiles = true;
  return history;
}

/**
 * The newest release tag of every tag family, from `for-each-ref` lines (name, object, peeled): a
 * family is what precedes the version (`v`, ``, `pkg@`, `release-`); its newest is the highest
 * version. Every package's last release is one of these when its tags end in the version, so the
 * history from their merge base covers every package — read before the packages are known.
 */
export function releaseHeads(refs: string): Set<string> {
  const best = new Map<string, { version: string; sha: string }>();
  for (const line of refs.split('\n')) {
    const [tag, sha, peeled] = line.split('\0');
    if (!tag || !sha) continue;
    const m = /^(.*?)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(tag);
    if (!m || semver.valid(m[2]) !== m[2]) continue;
    const known = best.get(m[1]);
    if (!known || semver.gt(m[2], known.version)) best.set(m[1], { version: m[2], sha: peeled || sha });
  }
  return new Set([...best.values()].map((b) => b.sha));
}

/**
 * Parses the output of readHistoryFrom's `git log -z --name-only`: NUL-separated tokens, a commit's
 * (`RS` + unit-separated fields, the message last) followed by the names of the files it changed; a
 * token may start with the newline git puts between a message and its files. One pass with
 * indexOf (no split of the whole output), one object per commit.
 */
export function parseHistory(out: string, parse: MessageParser): History {
  const commits: HistoryCommit[] = [];
  const bySha = new Map<string, HistoryCommit>();
  let current: HistoryCommit | null = null;
  const n = out.length;
  for (let pos = 0; pos < n; ) {
    let end = out.indexOf('\0', pos);
    if (end < 0) end = n;
    const start = out.charCodeAt(pos) === 10 ? pos + 1 : pos;
    if (out.charCodeAt(start) === 0x1e) {
      const at: number[] = [];
      for (let i = start + 1; at.length < 5; i++) {
        const f = out.indexOf(FIELD, i);
        if (f < 0 || f >= end) break;
        at.push((i = f));
      }
      if (at.length === 5) {
        const sha = out.slice(start + 1, at[0]);
        const parentList = out.slice(at[0] + 1, at[1]);
        const message = out.slice(at[4] + 1, end);
        const parents = parentList ? parentList.split(' ') : [];
        const p = parse(message);
        const commit: ConventionalCommit = {
          sha,
          parents,
          merge: parents.length > 1,
          authorName: out.slice(at[1] + 1, at[2]),
          authorEmail: out.slice(at[2] + 1, at[3]),
          date: out.slice(at[3] + 1, at[4]),
          message,
          type: p.type,
          scope: p.scope,
          subject: p.subject,
          header: p.header,
          breaking: p.breaking,
          breakingNotes: p.breakingNotes,
          revert: p.revert,
          conventional: p.conventional,
        };
        current = { commit, files: [] };
        commits.push(current);
        bySha.set(sha, current);
      }
    } else if (end > start && current) current.files.push(out.slice(start, end));
    pos = end + 1;
  }
  return { commits, bySha };
}

/** The commits of the range a tag already contains (walk from the tag through parents, inside the range); memoised per tag. */
export function reachable(history: History, from: string | null): Set<string> {
  if (!from) return new Set();
  const memo = (history.reachable ??= new Map());
  const known = memo.get(from);
  if (known) return known;
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const sha = stack.pop()!;
    if (seen.has(sha)) continue;
    const c = history.bySha.get(sha);
    if (!c) continue; // outside the range: every base contains it and its ancestors
    seen.add(sha);
    stack.push(...c.commit.parents);
  }
  memo.set(from, seen);
  return seen;
}

/** Folder → positions (in `commits`) of the commits touching a file below it; built once per history. */
function folderIndex(history: History): Map<string, number[]> {
  if (history.byFolder) return history.byFolder;
  const index = new Map<string, number[]>();
  history.commits.forEach((c, i) => {
    for (const file of c.files) {
      for (let slash = file.lastIndexOf('/'); slash > 0; slash = file.lastIndexOf('/', slash - 1)) {
        const dir = file.slice(0, slash);
        const list = index.get(dir);
        if (!list) index.set(dir, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
        else break; // this commit is already listed under this folder and every folder above it
      }
      const list = index.get(file);
      if (!list) index.set(file, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  });
  history.byFolder = index;
  return index;
}

/**
 * Non-merge commits since `tagSha` touching one of `paths` (`null`: any path; `.` is the whole tree),
 * newest first; with `excluded` folders (Go modules nested in this one), only commits that touch
 * something outside them.
 */
export function commitsSince(history: History, tagSha: string | null, paths: readonly string[] | null, excluded: readonly string[] = []): ConventionalCommit[] {
  if (excluded.length && history.withoutFiles) throw new Error(`Internal error: the history was read without files, and the commits outside ${excluded.join(', ')} were asked for.`);
  const outside = (file: string) => !excluded.some((dir) => file.startsWith(`${dir}/`));
  const released = reachable(history, tagSha);
  let positions: Iterable<number>;
  if (paths === null || paths.includes('.')) positions = history.commits.keys();
  else if (history.withoutFiles) throw new Error(`Internal error: the history was read without files, and the commits touching ${paths.join(', ')} were asked for.`);
  else {
    const index = folderIndex(history);
    const set = new Set<number>();
    for (const p of paths) for (const i of index.get(p) ?? []) set.add(i);
    positions = [...set].sort((a, b) => a - b);
  }
  const out: ConventionalCommit[] = [];
  for (const i of positions) {
    const { commit: c, files } = history.commits[i];
    if (c.merge || released.has(c.sha)) continue;
    if (excluded.length && files.length && !files.some(outside)) continue;
    out.push(c);
  }
  return out;
}
