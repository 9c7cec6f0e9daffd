/**
 * The Git seam: everything the product asks of git, for one repository. The simple-git adapter
 * (`simpleGitAdapter.ts`) implements it; every call is serialized per repository, logged as
 * `> git <args> [ms]`, and fails with a `GitError` (see gitError.ts) that carries a classified code.
 * Shapes marked (contract) are printed by `sdlc repo --json`: extend them, never rename fields.
 */

export interface HeadInfo {
  /** Current branch name, null when detached or unborn-less. On an empty repository: the unborn branch. */
  branch: string | null;
  /** Commit HEAD points at; null in an empty repository. */
  sha: string | null;
  detached: boolean;
}

/** A local branch (contract). ahead/behind are 0 when there is no upstream or it is gone. */
export interface BranchInfo {
  name: string;
  sha: string;
  current: boolean;
  upstream: string | null;
  ahead: number;
  behind: number;
  /** Upstream configured but the remote branch no longer exists. (extension of the contract) */
  upstreamGone?: boolean;
  /** Committer date of the tip, ISO 8601. (extension) */
  date?: string;
  subject?: string;
}

export interface RemoteBranchInfo {
  /** e.g. `origin/main` */
  name: string;
  remote: string;
  sha: string;
}

/** A tag (contract). `sha` is the commit it points at (peeled); `version` the semver it names, if any. */
export interface TagInfo {
  name: string;
  sha: string;
  version: string | null;
  annotated?: boolean;
  /** Annotation subject or commit subject. (extension) */
  subject?: string;
}

export interface GitHubRepoRef {
  owner: string;
  repo: string;
  /** Web host, `github.com` or a GitHub Enterprise host. (extension) */
  host?: string;
}

/** A remote (contract). `url` is the fetch URL with any credentials removed. */
export interface RemoteInfo {
  name: string;
  url: string;
  pushUrl?: string;
  github: GitHubRepoRef | null;
}

/** Counts of working-tree changes (contract). */
export interface ChangeSummary {
  staged: number;
  unstaged: number;
  untracked: number;
  conflicted: number;
}

export interface FileChange {
  path: string;
  /** porcelain v2 XY, e.g. `M.`, `.M`, `??`, `UU` */
  status: string;
  origPath?: string;
}

export type RepoOperation = 'merge' | 'rebase' | 'cherry-pick' | 'revert' | 'bisect' | null;

/** Everything `sdlc repo --json` prints and the Repositories view shows at first. */
export interface RepoSnapshot {
  root: string;
  head: HeadInfo;
  upstream: string | null;
  ahead: number;
  behind: number;
  branches: BranchInfo[];
  tags: TagInfo[];
  remotes: RemoteInfo[];
  changes: ChangeSummary;
  /* ---- extensions of the contract ---- */
  remoteBranches: RemoteBranchInfo[];
  files: FileChange[];
  empty: boolean;
  shallow: boolean;
  operation: RepoOperation;
  /** false when ahead/behind of non-current branches was not computed (the view computes it lazily). */
  aheadBehindComplete: boolean;
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Author date, ISO 8601 */
  date: string;
  subject: string;
}

export interface RunOptions {
  /** Text written to git's stdin. */
  input?: string;
  signal?: AbortSignal;
  /** Extra environment for this call (e.g. GIT_TERMINAL_PROMPT=0 is always set). */
  env?: Record<string, string>;
  /**
   * The call only reads (no ref, index, config, object or work-tree change, no lock taken — e.g.
   * `log`, `for-each-ref`, `rev-parse`, `tag --list`): it may run alongside other read-only calls on
   * the repository (independent reads started together run side by side), never alongside any other
   * call. Without it the adapter decides from the arguments (src/core/git/readOnlyCall.ts: e.g.
   * `log`, `for-each-ref`, `rev-parse`, `tag --list`, `remote get-url` read; anything it does not
   * know has the repository to itself); `false` gives the call the repository to itself.
   */
  readOnly?: boolean;
  /**
   * A read-only call with fixed arguments and a large output (a history of thousands of commits):
   * git writes it to a private temporary file, read when git exits, instead of a pipe that a busy
   * event loop drains 64 KiB at a time (src/core/git/bulkRead.ts). Not with `input`.
   */
  bulk?: boolean;
}

export interface SnapshotOptions {
  aheadBehind?: 'all' | 'current';
  /**
   * Called once, before the commit graph is opened for counting ahead/behind ('all'), i.e. never when
   * the counts kept by an earlier snapshot answer every branch: the moment the snapshot's work turns
   * from one pass over the refs into loops over many thousands of commits (the CLI turns V8's
   * optimizing compiler back on here: src/cli/compilerTiers.ts).
   */
  beforeCounting?: () => void;
  /**
   * With 'current': also read HEAD's first page of the log alongside, taken by the next `log()` of
   * the first page (one turn of the repository less for a view that shows both). Off for the editor's
   * first snapshot, whose screen does not show the commits: one process less while it is drawn.
   */
  logPage?: boolean;
  /**
   * The first screen's glance (with 'current', when the refs come from the git dir's files): `show`
   * gets the snapshot without its branch and tag lists, with their counts, as soon as the status is
   * in; the lists (~100 ms of parsing in an extension host for 15,000 refs) are made once `listsAfter`
   * settles, and the snapshot then resolves whole. A view's first answer needs only the counts.
   */
  glance?: { show(glance: RepoGlance): void; listsAfter: Promise<unknown> };
}

/**
 * A snapshot before its lists (SnapshotOptions.glance): the status, the remotes, and how many local
 * branches and tags there are (from packed-refs' lines and the loose refs).
 */
export interface RepoGlance extends Omit<RepoSnapshot, 'branches' | 'tags' | 'remoteBranches' | 'aheadBehindComplete'> {
  counts: { branches: number; tags: number };
}

export interface PushOptions {
  remote: string;
  /** Local ref to push (branch name or `refs/tags/x`). */
  ref: string;
  /** Remote branch name when it differs from the local one. */
  remoteRef?: string;
  setUpstream?: boolean;
  /** Push follow-tags / a tag along with the branch. */
  followTags?: boolean;
  signal?: AbortSignal;
}

export interface Git {
  /** Absolute path of the work tree root. */
  readonly root: string;
  /** Raw call, serialized with the other calls on this repository (reads side by side: RunOptions.readOnly), logged, errors classified. */
  run(args: readonly string[], options?: RunOptions): Promise<string>;

  /** Absolute path of the git dir (`.git`, or the worktree's git dir). */
  gitDir(): Promise<string>;
  /** The snapshot. `aheadBehind: 'current'` computes ahead/behind only for HEAD (fast first screen). */
  snapshot(options?: SnapshotOptions): Promise<RepoSnapshot>;
  /** ahead/behind for the given branch → upstream pairs, computed from one read of the graph. */
  aheadBehind(pairs: ReadonlyArray<{ branch: string; upstream: string }>): Promise<Map<string, { ahead: number; behind: number }>>;
  /** Commits reachable from `ref` (default HEAD), newest first, paged. */
  log(options?: { ref?: string; skip?: number; limit?: number }): Promise<CommitInfo[]>;
  /** Is `branch` fully merged into `into` (default: HEAD)? */
  isMerged(branch: string, into?: string): Promise<boolean>;
  /** `git config user.name` / `user.email`, null when unset. */
  user(): Promise<{ name: string | null; email: string | null }>;

  fetch(options?: { remote?: string; prune?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Fast-forward-only pull of the current branch from its upstream. */
  pull(options?: { signal?: AbortSignal }): Promise<void>;
  push(options: PushOptions): Promise<void>;
  checkout(ref: string, options?: { createBranch?: boolean; track?: string }): Promise<void>;
  createBranch(name: string, startPoint?: string, options?: { checkout?: boolean }): Promise<void>;
  deleteBranch(name: string, options?: { force?: boolean }): Promise<void>;
  /** Annotated tag; fails with RefExists when it exists. */
  createTag(name: string, message: string, ref?: string): Promise<void>;
  deleteTag(name: string): Promise<void>;
  /** sha of a ref, or null when it does not resolve. */
  resolve(ref: string): Promise<string | null>;
  /**
   * Every tag, as `git for-each-ref refs/tags` prints them with TAG_LIST_FORMAT (name, object, peeled
   * object; by name), and those HEAD contains, exactly as `git tag --merged HEAD --list` prints them
   * with it: from one read of the tags and the graph cache of earlier snapshots when there is one,
   * without git walking HEAD's history. `all` comes as soon as the tags are read (extension).
   */
  tagLists(options?: { signal?: AbortSignal }): { all: Promise<string>; merged: Promise<string> };
}

/** The format of `tagLists`' lines (and of the tag reads of versioning without them). */
export const TAG_LIST_FORMAT = '%(refname:strip=2)%00%(objectname)%00%(*objectname)';
