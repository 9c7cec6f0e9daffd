import type * as Semver from 'semver';
import type { ChangeSummary, FileChange, RemoteBranchInfo, TagInfo, CommitInfo } from './git';

let semverModule: typeof Semver | undefined;
/** semver, loaded by its first use: a snapshot whose tags come from the tag cache does not need it (~5 ms of a new process). */
function semver(): typeof Semver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (semverModule ??= require('semver') as typeof Semver);
}

/* Parsers of the few git outputs a snapshot is made of. Pure functions, unit-tested on samples. */

export interface StatusInfo {
  /** null in an empty repository */
  oid: string | null;
  /** branch name, null when detached */
  branch: string | null;
  detached: boolean;
  upstream: string | null;
  /** null when there is no upstream or it is gone */
  ahead: number | null;
  behind: number | null;
  changes: ChangeSummary;
  files: FileChange[];
}

/** `git status --porcelain=v2 --branch -z` */
export function parseStatusV2(output: string): StatusInfo {
  const info: StatusInfo = {
    oid: null,
    branch: null,
    detached: false,
    upstream: null,
    ahead: null,
    behind: null,
    changes: { staged: 0, unstaged: 0, untracked: 0, conflicted: 0 },
    files: [],
  };
  const fields = output.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i];
    if (!entry) continue;
    const kind = entry[0];
    if (kind === '#') {
      const [, key, ...rest] = entry.split(' ');
      const value = rest.join(' ');
      if (key === 'branch.oid') info.oid = value === '(initial)' ? null : value;
      else if (key === 'branch.head') {
        if (value === '(detached)') info.detached = true;
        else info.branch = value;
      } else if (key === 'branch.upstream') info.upstream = value;
      else if (key === 'branch.ab') {
        const m = /^\+(\d+) -(\d+)$/.exec(value);
        if (m) {
          info.ahead = Number(m[1]);
          info.behind = Number(m[2]);
        }
      }
    } else if (kind === '1' || kind === '2') {
      // 1 XY sub mH mI mW hH hI path  |  2 XY sub mH mI mW hH hI Xscore path \0 origPath
      const parts = entry.split(' ');
      const xy = parts[1];
      const pathStart = kind === '1' ? 8 : 9;
      const file: FileChange = { path: parts.slice(pathStart).join(' '), status: xy };
      if (kind === '2') file.origPath = fields[++i];
      if (xy[0] !== '.') info.changes.staged++;
      if (xy[1] !== '.') info.changes.unstaged++;
      info.files.push(file);
    } else if (kind === 'u') {
      // u XY sub m1 m2 m3 mW h1 h2 h3 path
      const parts = entry.split(' ');
      info.changes.conflicted++;
      info.files.push({ path: parts.slice(10).join(' '), status: parts[1] });
    } else if (kind === '?') {
      info.changes.untracked++;
      info.files.push({ path: entry.slice(2), status: '??' });
    }
  }
  return info;
}

export const TAG_FORMAT = '%(refname)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(subject)';
/**
 * Local and remote-tracking branches and the names of tags in one read (`for-each-ref refs/heads
 * refs/remotes refs/tags`): one git process instead of three (starting a process is the dominant fixed
 * cost of a snapshot). `%(upstream)` is empty for remote-tracking refs and tags, `%(symref)` for
 * ordinary branches. The tags' names and objects say whether the tags of an earlier TAG_FORMAT read
 * are still current (the snapshot's tag cache); only then is that read, which makes git open every
 * tag's object (5,000 tags: ~90 ms against ~10 ms here), not needed.
 * Only what the view and `sdlc repo` need. Deliberately NOT read (measured on 5,000 branches, see
 * test/bench):
 * - `%(upstream:short)`: git checks every candidate short name against the ref store (≈6 lookups per
 *   branch): ~+180 ms. The short name is derived from `%(upstream)` by `shortenRefName` instead.
 * - `%(committerdate)` / `%(subject)`: they make git inflate every tip commit: ~+70 ms, 3× the
 *   whole read. (BranchInfo.date / subject are optional extensions; nothing on screen needs them.)
 */
export const BRANCH_REFS_FORMAT = '%(refname)%00%(objectname)%00%(upstream)%00%(symref)';

/**
 * Splits the rows of BRANCH_REFS_FORMAT: the local branches with their upstream refs, the
 * remote-tracking ones with their remotes (the longest remote name the ref starts with, else its
 * first segment; symbolic ones like `origin/HEAD` left out), each branch's sha by full
 * ref (symbolic remote-tracking refs left out), every ref read (what shortenRefName must know
 * exists: symbolic ones and tags too), and the tags' key: their rows, as parseTags gives it for the
 * same tags. (Fields are found with indexOf and only the strings kept are made: on 15,000 refs,
 * splitting every row into an array was ~45 ms of a cold CLI, most of it garbage collection.)
 */
export function parseBranchRefs(output: string, remoteNames: readonly string[]): BranchRefs {
  const refs = new BranchRefsCollector(remoteNames);
  // Tag rows are contiguous (git sorts by ref name, refs/tags/ last): the key is one slice of the output.
  let tagStart = -1;
  let tagEnd = -1;
  const len = output.length;
  for (let pos = 0; pos < len; ) {
    let end = output.indexOf('\n', pos);
    if (end < 0) end = len;
    const a = output.indexOf('\0', pos);
    const b = a < 0 || a >= end ? -1 : output.indexOf('\0', a + 1);
    const c = b < 0 || b >= end ? -1 : output.indexOf('\0', b + 1);
    if (c >= 0 && c < end) {
      const ref = output.slice(pos, a);
      if (ref.startsWith('refs/heads/')) {
        refs.head(ref, ref.slice('refs/heads/'.length), output.slice(a + 1, b), c > b + 1 ? output.slice(b + 1, c) : null);
      } else if (ref.startsWith('refs/remotes/')) {
        refs.remoteBranch(ref, ref.slice('refs/remotes/'.length), end === c + 1 ? output.slice(a + 1, b) : null);
      } else if (ref.startsWith('refs/tags/')) {
        refs.tag(ref.slice('refs/tags/'.length));
        if (tagStart < 0) tagStart = pos;
        tagEnd = end;
      }
    }
    pos = end + 1;
  }
  return refs.done(tagStart < 0 ? '' : output.slice(tagStart, tagEnd));
}

/**
 * A snapshot's refs collected one at a time in git's order, from git's for-each-ref text
 * (parseBranchRefs) or from the git dir's files (refFiles' branchRefsFromFiles): what each kind of
 * ref adds, in one place.
 */
export class BranchRefsCollector {
  private readonly local: LocalBranchRow[] = [];
  private readonly remote: RemoteBranchInfo[] = [];
  private readonly refSha = new Map<string, string>();
  private readonly names = { heads: new Set<string>(), remotes: new Set<string>(), tags: new Set<string>() };
  /** The remote names, longest first (a remote-tracking branch belongs to the longest one it starts with, then a `/`). */
  private readonly remotes: string[];

  constructor(remoteNames: readonly string[]) {
    this.remotes = [...remoteNames].sort((a, b) => b.length - a.length);
  }

  /** `ref` is `refs/heads/<name>`. */
  head(ref: string, name: string, sha: string, upstreamRef: string | null): void {
    this.local.push({ name, sha, upstreamRef });
    this.refSha.set(ref, sha);
    this.names.heads.add(name);
  }

  /** `ref` is `refs/remotes/<name>`; `sha` is null for a symbolic one (`origin/HEAD`): only its name is kept. */
  remoteBranch(ref: string, name: string, sha: string | null): void {
    this.names.remotes.add(name);
    if (sha === null) return;
    this.remote.push({ name, remote: this.remoteOf(name), sha });
    this.refSha.set(ref, sha);
  }

  /** The remote a remote-tracking branch belongs to (one string per remote, not one per branch: 5,000 branches were 5,000 copies of "origin"). */
  private remoteOf(name: string): string {
    for (const r of this.remotes) if (name.length > r.length && name.charCodeAt(r.length) === 0x2f /* / */ && name.startsWith(r)) return r;
    return name.split('/')[0];
  }

  /** `refs/tags/<name>`. */
  tag(name: string): void {
    this.names.tags.add(name);
  }

  done(tagKey: string): BranchRefs {
    return { local: this.local, remote: this.remote, refSha: this.refSha, names: this.names, tagKey };
  }
}

/** The refs of a snapshot: parseBranchRefs' answer (or refFiles' for the same refs). */
export interface BranchRefs {
  local: LocalBranchRow[];
  remote: RemoteBranchInfo[];
  refSha: Map<string, string>;
  names: RefNames;
  tagKey: string;
}

export interface LocalBranchRow {
  name: string;
  sha: string;
  /** full ref of the upstream, e.g. refs/remotes/origin/main */
  upstreamRef: string | null;
}

function rows(output: string): string[][] {
  return output
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\0'));
}

/** The names of the refs read, by namespace (after `refs/heads/`, `refs/remotes/` — symbolic ones too — and `refs/tags/`). */
export interface RefNames {
  heads: ReadonlySet<string>;
  remotes: ReadonlySet<string>;
  tags: ReadonlySet<string>;
}

/** Whether `refs/<rest>` was read. */
function underRefs(rest: string, names: RefNames): boolean {
  if (rest.startsWith('heads/')) return names.heads.has(rest.slice(6));
  if (rest.startsWith('remotes/')) return names.remotes.has(rest.slice(8));
  return rest.startsWith('tags/') && names.tags.has(rest.slice(5));
}

/** git's ref_rev_parse_rules, in git's order: how a short name is looked up (a prefix and a suffix). */
const REV_PARSE_RULES: ReadonlyArray<readonly [prefix: string, suffix: string]> = [
  ['', ''],
  ['refs/', ''],
  ['refs/tags/', ''],
  ['refs/heads/', ''],
  ['refs/remotes/', ''],
  ['refs/remotes/', '/HEAD'],
];

/**
 * Whether a rule other than `rule` makes of `short` a ref that was read. Asked of the short name
 * itself, not of a string made for each rule (5,000 upstreams in a cold process: ~25 → ~10 ms).
 */
function ambiguous(short: string, rule: number, names: RefNames): boolean {
  return (
    (rule !== 0 && short.startsWith('refs/') && underRefs(short.slice(5), names)) ||
    (rule !== 1 && underRefs(short, names)) ||
    (rule !== 2 && names.tags.has(short)) ||
    (rule !== 3 && names.heads.has(short)) ||
    (rule !== 4 && names.remotes.has(short)) ||
    (rule !== 5 && names.remotes.has(`${short}/HEAD`))
  );
}

/**
 * The short name git prints for `%(upstream:short)` / `%(refname:short)` (refs.c
 * shorten_unambiguous_ref, strict mode = the default core.warnAmbiguousRefs): the shortest form
 * that no other lookup rule resolves to an existing ref, e.g. `refs/remotes/origin/main` →
 * `origin/main`, but `remotes/origin/main` when a branch or tag `origin/main` also exists.
 * Remote names play no part (a remote `a/b` gives `a/b/main` either way).
 * `names` are the refs the snapshot read (heads, remote-tracking incl. symrefs, tags); refs in
 * other namespaces (`refs/origin/main`, a top-level `.git/origin/main`) are not consulted: they
 * practically never exist, and looking them up is exactly the cost this avoids.
 */
export function shortenRefName(ref: string, names: RefNames): string {
  // Rule 0 always matches; try the others from the most specific, like git.
  for (let i = REV_PARSE_RULES.length - 1; i > 0; i--) {
    const [prefix, suffix] = REV_PARSE_RULES[i];
    if (!ref.startsWith(prefix) || !ref.endsWith(suffix) || ref.length <= prefix.length + suffix.length) continue;
    const short = ref.slice(prefix.length, ref.length - suffix.length);
    if (!ambiguous(short, i, names)) return short;
  }
  return ref;
}

/** Tags (TAG_FORMAT), semver-sorted newest first, then the others by name. */
export function parseTags(output: string): { tags: TagInfo[]; key: string } {
  // Each name is parsed as semver once (5,000 tags: parsing per comparison was the bulk of the time).
  const parsed = new Map<TagInfo, Semver.SemVer>();
  const names: string[] = [];
  const tags: TagInfo[] = rows(output).map(([ref, type, sha, peeled, subject]) => {
    names.push(`${ref}\0${sha}\0\0`); // the tag's row of BRANCH_REFS_FORMAT (parseBranchRefs' key)
    const name = ref.replace(/^refs\/tags\//, '');
    const annotated = type === 'tag';
    const version = semver().parse(name);
    const tag: TagInfo = {
      name,
      sha: annotated && peeled ? peeled : sha,
      version: version ? version.version : null,
      annotated,
      subject: subject || undefined,
    };
    if (version) parsed.set(tag, version);
    return tag;
  });
  return { tags: sortParsed(tags, parsed), key: names.join('\n') };
}

/** The semver a tag names (`v1.2.3` → `1.2.3`), or null. */
export function tagVersion(name: string): string | null {
  return semver().valid(name);
}

export function sortTags<T extends { name: string; version: string | null }>(tags: T[]): T[] {
  const parsed = new Map<T, Semver.SemVer>();
  for (const t of tags) if (t.version) parsed.set(t, new (semver().SemVer)(t.version));
  return sortParsed(tags, parsed);
}

function sortParsed<T extends { name: string }>(tags: T[], parsed: ReadonlyMap<T, Semver.SemVer>): T[] {
  return tags.sort((a, b) => {
    const va = parsed.get(a);
    const vb = parsed.get(b);
    // (major, minor, patch compared here first: SemVer.compare is most of a sort's time.)
    if (va && vb) return vb.major - va.major || vb.minor - va.minor || vb.patch - va.patch || vb.compare(va) || compareNames(a.name, b.name);
    if (va) return -1;
    if (vb) return 1;
    return compareNames(a.name, b.name);
  });
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface RemoteRow {
  name: string;
  fetchUrl: string | null;
  pushUrl: string | null;
}

/**
 * The remotes as `git remote -v` gives them, from their configuration: `git config -z --get-regexp`
 * of the remote and url sections. (`git remote -v` also reads every branch's section, which costs
 * ~30 ms of CPU in a repository whose config holds thousands of branches' upstreams; this read ~5.)
 * Exit code 1: no such key (no remotes).
 */
export const REMOTE_CONFIG_ARGS: readonly string[] = ['config', '-z', '--get-regexp', '^(remote|url)\\.'];

/** REMOTE_CONFIG_ARGS with the branches' sections: the snapshot's upstreams when it reads the refs' files (refFiles). */
export const SNAPSHOT_CONFIG_ARGS: readonly string[] = ['config', '-z', '--get-regexp', '^(remote|url|branch)\\.'];

/**
 * The remotes of REMOTE_CONFIG_ARGS' output, as git's remote.c makes them: sorted by name (as
 * `remote -v` lists them), each with its first URL for fetching and its first for pushing, both
 * rewritten by `url.<base>.insteadOf` (the longest matching prefix, the first one given on a tie);
 * without `pushurl`s, the push URLs are those of the URLs `url.<base>.pushInsteadOf` rewrites, else
 * the URLs. A remote with no URL at all is not listed, nor a key without a value (git rejects it).
 */
export function parseRemoteConfig(output: string): RemoteRow[] {
  const remotes = new Map<string, { urls: string[]; pushUrls: string[] }>();
  const insteadOf: Rewrites = new Map();
  const pushInsteadOf: Rewrites = new Map();
  for (let pos = 0, end = 0; pos < output.length; pos = end + 1) {
    end = output.indexOf('\0', pos);
    if (end < 0) end = output.length;
    // (The snapshot's read holds every branch's section too: skipped without a string made.)
    if (!output.startsWith('remote.', pos) && !output.startsWith('url.', pos)) continue;
    const nl = output.indexOf('\n', pos);
    if (nl < 0 || nl > end) continue; // no value
    const key = output.slice(pos, nl);
    const value = output.slice(nl + 1, end);
    const dot = key.lastIndexOf('.');
    const first = key.indexOf('.');
    if (first <= 0 || dot <= first + 1) continue; // no subsection
    const [section, sub, name] = [key.slice(0, first), key.slice(first + 1, dot), key.slice(dot + 1)];
    if (section === 'remote' && (name === 'url' || name === 'pushurl') && !sub.startsWith('/')) {
      const remote = remotes.get(sub) ?? { urls: [], pushUrls: [] };
      remotes.set(sub, remote);
      (name === 'url' ? remote.urls : remote.pushUrls).push(value);
    } else if (section === 'url' && (name === 'insteadof' || name === 'pushinsteadof')) {
      const rewrites = name === 'insteadof' ? insteadOf : pushInsteadOf;
      rewrites.set(sub, [...(rewrites.get(sub) ?? []), value]);
    }
  }
  const rows: RemoteRow[] = [];
  for (const [name, { urls, pushUrls }] of remotes) {
    let push = pushUrls.map((u) => rewrite(u, insteadOf) ?? u);
    if (push.length === 0) push = urls.map((u) => rewrite(u, pushInsteadOf)).filter((u): u is string => u !== null);
    const fetch = urls.map((u) => rewrite(u, insteadOf) ?? u);
    rows.push({ name, fetchUrl: fetch[0] ?? null, pushUrl: push[0] ?? fetch[0] ?? null });
  }
  // (git sorts the names as bytes: UTF-8 order, which code points keep and UTF-16 units do not.)
  return rows.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

/** Each base's prefixes, in the order the bases first appear. */
type Rewrites = Map<string, string[]>;

/** git's alias_url: `url` with its longest prefix among `rewrites` replaced by that prefix's base; null when none matches. */
function rewrite(url: string, rewrites: Rewrites): string | null {
  let best: { base: string; prefix: string } | null = null;
  for (const [base, prefixes] of rewrites) {
    for (const prefix of prefixes) if (url.startsWith(prefix) && (!best || prefix.length > best.prefix.length)) best = { base, prefix };
  }
  return best ? best.base + url.slice(best.prefix.length) : null;
}

/**
 * `git log` rows. No decorations (`%D`): no view shows them, and they made git load and peel every
 * ref for each page (on 10,000 refs 120 ms a page instead of 50).
 */
export const LOG_FORMAT = '%H%x00%P%x00%an%x00%ae%x00%aI%x00%s%x1e';

export function parseLog(output: string): CommitInfo[] {
  const out: CommitInfo[] = [];
  for (const record of output.split('\x1e')) {
    const r = record.replace(/^\n/, '');
    if (!r) continue;
    const [sha, parents, authorName, authorEmail, date, subject] = r.split('\0');
    out.push({ sha, parents: parents ? parents.split(' ') : [], authorName, authorEmail, date, subject: subject ?? '' });
  }
  return out;
}
