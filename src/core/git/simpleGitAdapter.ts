import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SimpleGit, SimpleGitOptions } from 'simple-git';
import { silentLogger, type Logger } from '../log';
import { parseGitHubRemote, stripCredentials } from '../github/remote';
import { countAheadBehind, graphHeads, mergedLines, parseCommitGraph, type CommitGraph } from './aheadBehind';
import { classifyGitFailure, redactArgs, redactGitText } from './classify';
import { TAG_LIST_FORMAT, type BranchInfo, type CommitInfo, type Git, type PushOptions, type RepoGlance, type RepoOperation, type RepoSnapshot, type RunOptions, type SnapshotOptions } from './git';
import { GitError } from './gitError';
import { assertRefName, assertRevision } from './refName';
import { localRepositoryFacts, type RepositoryFacts } from './discovery';
import { bulkRead } from './bulkRead';
import { learnSystemConfigFile, readConfigCache, writeConfigCache } from './configCache';
import { branchRefsFromFiles, countRefs, parseRefSources, parseUpstreamConfig, readRefFiles, readRefSources, tagRowsOf, type RefFiles } from './refFiles';
import { gitEnvironment } from './environment';
import { isReadOnlyCall } from './readOnlyCall';
import { queueFor } from './repositoryQueue';
import { gitTraceSink } from './trace';
import { cachesUsable, cachedTagsFor, openGraphCache, prepareGraph, readCountsMemo, removeCountsMemo, startGraphCache, tagCacheOf, tagListFromCache, writeCountsMemo, writeGraphCache, writeTagCache, type CachedTags, type Counts, type CountsMemo, type GraphCache, type PreparedGraph } from './snapshotCaches';
import {
  BRANCH_REFS_FORMAT,
  type BranchRefs,
  LOG_FORMAT,
  TAG_FORMAT,
  compareNames,
  parseBranchRefs,
  parseLog,
  parseRemoteConfig,
  REMOTE_CONFIG_ARGS,
  SNAPSHOT_CONFIG_ARGS,
  parseStatusV2,
  parseTags,
  type RemoteRow,
  shortenRefName,
} from './snapshotParsers';

export interface CreateGitOptions {
  logger?: Logger;
  /** git executable; `git` on the PATH by default. Comes from user settings, never from a workspace. */
  gitPath?: string;
  /** GitHub Enterprise hosts whose remotes count as GitHub (`remotes[].github`). */
  enterpriseHosts?: string[];
  /**
   * What discovery just read (discoverRepository; `root` is the toplevel it gave): the git dir for the
   * adapter's life, and both for the first snapshot, which then runs one git process less.
   * Or discovery still under way (`discoverRepository(root)`, started to confirm a guessed root): the
   * first snapshot takes its answer, root included, instead of running its own rev-parse.
   */
  discovered?: RepositoryFacts | Promise<RepositoryFacts & { root: string }>;
}

interface ExecOptions extends RunOptions {
  /** Exit codes that are answers, not failures (e.g. 1 of `merge-base --is-ancestor`). */
  okExitCodes?: readonly number[];
}

interface ExecResult {
  stdout: string;
  exitCode: number;
}

/** What a snapshot (and its glance) takes from rev-parse's answer, the status and the remotes' configuration. */
function statusFields(revParse: string, status: ReturnType<typeof parseStatusV2>, remoteRows: RemoteRow[], root: string, enterpriseHosts: readonly string[]): Omit<RepoGlance, 'counts'> {
  const [gitDir, shallow, toplevel] = revParse.split('\n').map((line) => line.trim());
  return {
    root: toplevel || root,
    head: { branch: status.detached ? null : status.branch, sha: status.oid, detached: status.detached },
    upstream: status.upstream,
    ahead: status.ahead ?? 0,
    behind: status.behind ?? 0,
    remotes: remoteRows.map((r) => {
      const url = stripCredentials(r.fetchUrl ?? r.pushUrl ?? '');
      const pushUrl = r.pushUrl !== null ? stripCredentials(r.pushUrl) : undefined;
      return { name: r.name, url, ...(pushUrl !== undefined && pushUrl !== url ? { pushUrl } : {}), github: parseGitHubRemote(url, { enterpriseHosts }) };
    }),
    changes: status.changes,
    files: status.files,
    empty: status.oid === null && !status.detached,
    shallow: shallow === 'true',
    operation: detectOperation(gitDir),
  };
}

/** The commit of a branch's upstream when it exists and is another than the branch's (something to count). */
function upstreamSha(b: { sha: string; upstreamRef: string | null }, refSha: ReadonlyMap<string, string>): string | undefined {
  const upstream = b.upstreamRef ? refSha.get(b.upstreamRef) : undefined;
  return upstream !== b.sha ? upstream : undefined;
}

let simpleGitModule: typeof import('simple-git') | undefined;

/**
 * A simple-git instance; the library is loaded by the first call. The snapshot's reads go through
 * bulkRead, so `sdlc repo` never loads it, and no activation pays for its modules (debug,
 * supports-color, …) before the first command that writes or reads through it.
 */
function simpleGitOf(options: Partial<SimpleGitOptions>): SimpleGit {
  // A lazy require: esbuild bundles simple-git and evaluates it here, on first use.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  simpleGitModule ??= require('simple-git') as typeof import('simple-git');
  return simpleGitModule.simpleGit(options);
}

/** Creates the Git of the repository whose work tree is at `root`. */
export function createGit(root: string, options: CreateGitOptions = {}): Git {
  return new SimpleGitRepository(path.resolve(root), options);
}

class SimpleGitRepository implements Git {
  private readonly logger: Logger;
  private gitDirPromise: Promise<string> | undefined;
  /**
   * The first page of HEAD's log, read alongside a snapshot('current') (the first screen needs both);
   * `log()` takes it only when it is the very next task on the repository (nothing can have moved HEAD).
   */
  private firstPage: { turn: number; page: Promise<CommitInfo[]> } | undefined;
  /** `options.discovered`, until the first snapshot takes it. */
  private discovered: CreateGitOptions['discovered'];
  /** The git dir once known (the snapshot reads the refs' files there). */
  private gitDirKnown: string | undefined;

  constructor(
    readonly root: string,
    private readonly options: CreateGitOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.discovered = options.discovered;
    if (options.discovered && !(options.discovered instanceof Promise)) {
      this.gitDirPromise = Promise.resolve(options.discovered.gitDir);
      this.gitDirKnown = options.discovered.gitDir;
    }
  }

  /* ------------------------------------------------------------------ running git */

  private get gitPath(): string {
    return this.options.gitPath ?? 'git';
  }

  /** Spawns one git process (not queued). Every failure leaves as a classified GitError. */
  private exec(args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const sink = gitTraceSink();
    if (!sink) return this.spawnGit(args, options);
    const startedAt = performance.now();
    const what = `git ${redactArgs(args).join(' ')}`;
    const done = (failed: boolean) => sink.push({ what, root: this.root, askedAt: startedAt, startedAt, endedAt: performance.now(), ...(failed ? { failed } : {}) });
    return this.spawnGit(args, options).then(
      (r) => (done(false), r),
      (e: unknown) => {
        done(true);
        throw e;
      },
    );
  }

  private async spawnGit(args: readonly string[], options: ExecOptions): Promise<ExecResult> {
    if (options.signal?.aborted) throw classifyGitFailure(args, null, '', { aborted: true, cwd: this.root });
    const started = Date.now();
    let captured: { exitCode: number | null; stderr: string; error?: unknown } | undefined;
    // Paths are always literal: a name from configuration (`:(top)*`, `*`) must never act as a pathspec.
    const { env, allow } = gitEnvironment({ GIT_LITERAL_PATHSPECS: '1', ...options.env });
    const sgOptions: Partial<SimpleGitOptions> = {
      baseDir: this.root,
      binary: this.gitPath,
      maxConcurrentProcesses: 1,
      trimmed: false,
      allowEnvironment: allow,
      // gitPath is a user setting (a path that may hold spaces, e.g. on Windows), not workspace data.
      unsafe: { allowUnsafeCustomBinary: true },
      errors: (error, result) => {
        captured = { exitCode: result.exitCode, stderr: Buffer.concat(result.stdErr).toString('utf8'), error };
        if (result.exitCode !== 0) return error ?? Buffer.from(captured.stderr || `exit code ${result.exitCode}`);
        return error;
      },
    };
    if (options.signal) sgOptions.abort = options.signal;
    if (options.input !== undefined) {
      const input = options.input;
      sgOptions.input = () => input;
    }
    const line = () => `> git ${redactArgs(args).join(' ')} [${Date.now() - started}ms]`;
    try {
      let stdout: string;
      if (options.bulk && options.input === undefined) {
        const r = await bulkRead(this.gitPath, args, this.root, env, options.signal);
        if (r.exitCode !== 0) {
          captured = { exitCode: r.exitCode, stderr: r.stderr, error: r.error };
          throw r.error ?? new Error(r.stderr || `exit code ${r.exitCode}`);
        }
        stdout = r.stdout;
      } else {
        const sg = simpleGitOf(sgOptions);
        sg.env(env);
        stdout = await sg.raw([...args]);
      }
      this.logger.info(line());
      return { stdout, exitCode: 0 };
    } catch (e) {
      const exitCode = captured?.exitCode ?? null;
      const stderr = captured?.stderr ?? '';
      if (exitCode !== null && exitCode > 0 && options.okExitCodes?.includes(exitCode)) {
        this.logger.info(line());
        return { stdout: '', exitCode };
      }
      this.logger.info(`${line()} (exit code ${exitCode ?? 'none'})`);
      const aborted = options.signal?.aborted === true || (e as { plugin?: string } | null)?.plugin === 'abort';
      const error = classifyGitFailure(args, exitCode, stderr, {
        cause: captured?.error ?? e,
        aborted,
        gitPath: this.options.gitPath,
        cwd: this.root,
      });
      if (stderr) this.logger.info(redactGitText(stderr.trim()));
      else if (error.gitCode === 'Unknown' && e instanceof Error) this.logger.info(redactGitText(e.message));
      throw error;
    }
  }

  /** Runs `task` in this repository's turn; an abort while waiting rejects at once. */
  private exclusive<T>(task: () => Promise<T>, signal?: AbortSignal, args: readonly string[] = [], shared = false, label?: string): Promise<T> {
    if (signal?.aborted) return Promise.reject(classifyGitFailure(args, null, '', { aborted: true }));
    const sink = gitTraceSink();
    const askedAt = sink ? performance.now() : 0;
    const queued = queueFor(this.root).run(
      async () => {
        if (signal?.aborted) throw classifyGitFailure(args, null, '', { aborted: true });
        if (!sink) return task();
        // The repository's turn: asked for → started (what waited) → ended.
        const startedAt = performance.now();
        const what = `turn${shared ? ' (shared)' : ''}: ${label ?? `git ${redactArgs(args).join(' ')}`}`;
        const done = (failed: boolean) => sink.push({ what, root: this.root, askedAt, startedAt, endedAt: performance.now(), ...(failed ? { failed } : {}) });
        return task().then(
          (r) => (done(false), r),
          (e: unknown) => {
            done(true);
            throw e;
          },
        );
      },
      { shared },
    );
    if (!signal) return queued;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(classifyGitFailure(args, null, '', { aborted: true }));
      signal.addEventListener('abort', onAbort, { once: true });
      queued.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  private async stdout(args: readonly string[], options: ExecOptions = {}): Promise<string> {
    const shared = options.readOnly ?? isReadOnlyCall(args);
    return (await this.exclusive(() => this.exec(args, options), options.signal, args, shared)).stdout;
  }

  run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return this.stdout(args, options);
  }

  /* ------------------------------------------------------------------ reads */

  /**
   * Not queued: `rev-parse --absolute-git-dir` only reads, and no call of this adapter moves the git
   * dir, so it runs alongside anything (a first snapshot asked for just after it no longer waits for it).
   */
  gitDir(): Promise<string> {
    return this.resolveGitDir();
  }

  /** The git dir, asked once (not queued). */
  private resolveGitDir(): Promise<string> {
    return this.gitDirPromise ?? this.seedGitDir(this.exec(['rev-parse', '--absolute-git-dir']).then((r) => r.stdout.trim()));
  }

  /** Keeps `p` as the git dir's answer; a failure is forgotten, so the next ask tries again. */
  private seedGitDir(p: Promise<string>): Promise<string> {
    this.gitDirPromise = p;
    p.then(
      (dir) => {
        if (this.gitDirPromise === p) this.gitDirKnown = dir;
      },
      () => {
        if (this.gitDirPromise === p) this.gitDirPromise = undefined;
      },
    );
    return p;
  }

  /**
   * Refuses a write that moves HEAD or the work tree while another git process holds the index lock.
   * git itself skips the lock on some fast paths (`checkout -b` at the same commit), which would
   * switch branches under the other process.
   */
  private async assertIndexNotLocked(args: readonly string[]): Promise<void> {
    const lock = path.join(await this.resolveGitDir(), 'index.lock');
    const locked = await fs.access(lock).then(
      () => true,
      () => false,
    );
    if (locked) throw classifyGitFailure(args, null, `fatal: Unable to create '${lock}': File exists.`, { cwd: this.root });
  }

  snapshot(options: SnapshotOptions = {}): Promise<RepoSnapshot> {
    const mode = options.aheadBehind ?? 'all';
    let countingAnnounced = false;
    const beforeCounting = () => {
      if (countingAnnounced) return;
      countingAnnounced = true;
      options.beforeCounting?.();
    };
    // gitDir() asked from now on shares the snapshot's rev-parse (it does not start one of its own).
    let answerGitDir: ((dir: Promise<string>) => void) | undefined;
    if (!this.gitDirPromise) void this.seedGitDir(new Promise<string>((resolve, reject) => (answerGitDir = (dir) => void dir.then(resolve, reject))));
    // The snapshot holds the repository's turn for its whole duration, so no write can interleave;
    // inside it the reads are independent and run side by side (they only read refs and objects;
    // status runs with --no-optional-locks so it never takes the index lock).
    const result = this.exclusive(async () => {
      this.firstPage = undefined;
      // In 'all' mode the commit graph of every branch and remote-tracking branch is read alongside
      // the refs (rather than after them, with the exact tips): on a large repository this read is the
      // longest, and upstreams are always local or remote-tracking branches. With a graph cache from an
      // earlier snapshot (see openGraphCache) the cache is read, parsed and prepared for counting while
      // git reads the refs; only commits of new tips are read from git, after the refs.
      // Starting a process is the main fixed cost (10–40 ms each on a loaded machine, and it holds this
      // thread until the child has exec'd), so the reads are few: local and remote-tracking branches
      // and tag names come in one for-each-ref; tags are sorted here (parseTags), not by git. The
      // caches' files are read first (on libuv's threads, meanwhile), then the git reads start, the
      // longest first.
      // When the git dir is known (gitDirNow), the refs come from its files (see refFiles): read first
      // (packed-refs is checked for replace refs from these bytes too), parsed once the git processes run.
      const discovered = this.discovered;
      this.discovered = undefined;
      const knownGitDir = this.gitDirNow(discovered);
      const refSources = knownGitDir ? readRefSources(knownGitDir) : null;
      const atRootGitDir = knownGitDir === path.join(this.root, '.git'); // (where the caches live)
      const usable = cachesUsable(this.root, refSources && atRootGitDir ? refSources.packed : undefined);
      // With every pair's count kept by an earlier snapshot (readCountsMemo) the graph is opened only
      // when a pair is new; else at once.
      const memo = mode === 'all' && usable ? readCountsMemo(this.root) : null;
      if (mode === 'all' && !memo) beforeCounting();
      const opening = mode === 'all' && !memo ? openGraphCache(this.root, usable) : null;
      const tagCache = tagCacheOf(this.root);
      // With the refs' files, the branches' upstreams come from the configuration, read with the
      // remotes': the status and that read start first, then the files are parsed meanwhile. Else (or
      // when the files or the configuration hold something only git knows) git lists the refs.
      const statusRead = this.exec(['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'], { bulk: true });
      // HEAD's first log page, for the Commits node, when asked for (logPage).
      if (mode === 'current' && options.logPage) {
        const page = this.exec(['log', `--format=${LOG_FORMAT}`, `--max-count=${FIRST_PAGE}`], { bulk: true }).then(
          (r) => parseLog(r.stdout),
          () => null, // an empty repository, …: log() reads (and reports) on its own
        );
        this.firstPage = { turn: queueFor(this.root).started, page: page.then((p) => p ?? Promise.reject(new Error('no first page'))) };
        this.firstPage.page.catch(() => undefined);
      }
      // The configuration as kept by an earlier snapshot while none of its files changed (configCache; its
      // files are read once the other processes have started), else read.
      const configCache = atRootGitDir ? readConfigCache(this.root, this.gitPath) : null;
      const remotesRead =
        configCache?.output !== undefined
          ? Promise.resolve({ stdout: configCache.output, exitCode: 0 })
          : this.exec(knownGitDir ? SNAPSHOT_CONFIG_ARGS : REMOTE_CONFIG_ARGS, { okExitCodes: [1], bulk: true });
      // The first screen's glance (options.glance): the counts of the refs' files, the status; the
      // lists are made once `listsAfter` settles (when the glance was shown).
      const counts = mode === 'current' && options.glance && refSources ? countRefs(refSources) : null;
      const glance = counts && options.glance;
      const listsAfter = glance ? glance.listsAfter.then(() => undefined, () => undefined) : null;
      const refFilesParsed = listsAfter ? listsAfter.then(() => refSources && parseRefSources(refSources)) : Promise.resolve(refSources && parseRefSources(refSources));
      const forEachRef = () => this.exec(['for-each-ref', `--format=${BRANCH_REFS_FORMAT}`, 'refs/heads', 'refs/remotes', 'refs/tags'], { bulk: true });

      // The tags' objects are read (TAG_FORMAT) only without tags cached from an earlier read (see
      // snapshotCaches): at once when there are none, else when the refs show they changed.
      const fullTagRead = () => this.exec(['for-each-ref', `--format=${TAG_FORMAT}`, 'refs/tags'], { bulk: true }).then((r) => parseTags(r.stdout));
      const tagsRead = tagCache ? null : fullTagRead();
      tagsRead?.catch(() => undefined); // awaited below; a failure surfaces there
      const revParseRead = discovered
        ? Promise.resolve(discovered).then((d) => ({ stdout: `${d.gitDir}\n${d.shallow}\n${'root' in d ? d.root : this.root}\n`, exitCode: 0 }))
        : this.exec(['rev-parse', '--absolute-git-dir', '--is-shallow-repository', '--show-toplevel'], { bulk: true });
      // The cached tags are read and parsed once the git processes have been started, while they run
      // (setImmediate: after the turn that starts them); with a glance, with the other lists.
      const tagCacheRead = !(tagCache && usable) ? null : listsAfter ? listsAfter.then(() => tagCache.read()) : new Promise<CachedTags | null>((resolve) => setImmediate(() => resolve(tagCache.read())));
      const gitDirRead = revParseRead.then((r) => r.stdout.split('\n')[0].trim());
      answerGitDir?.(gitDirRead);
      const ownsCache = this.ownsCaches(gitDirRead);
      const configKept =
        configCache && configCache.output === undefined
          ? remotesRead
              .then(async (r) => {
                if (await ownsCache) await writeConfigCache(this.root, configCache, r.stdout, () => learnSystemConfigFile(this.gitPath, this.root));
              })
              .catch(() => undefined) // (a failed read fails the snapshot below)
          : undefined;
      const remotesParsed = remotesRead.then((r) => parseRemoteConfig(r.stdout));
      const refsRead = refSources ? null : forEachRef();
      refsRead?.catch(() => undefined); // awaited below; a failure surfaces there
      const refsParsed = remotesRead.then(async (config): Promise<BranchRefs> => {
        const remoteNames = (await remotesParsed).map((x) => x.name);
        const refFiles = await refFilesParsed;
        const upstreams = refFiles && parseUpstreamConfig(config.stdout);
        if (refFiles && upstreams) return branchRefsFromFiles(refFiles, upstreams, remoteNames);
        return parseBranchRefs((await (refsRead ?? forEachRef())).stdout, remoteNames);
      });
      // The branches as the snapshot shows them (upstreams shortened: ~20 ms for 5,000 in an extension
      // host) are made as soon as the refs are in, while git still reads the status; which one is
      // current comes from the status.
      const branchesMade = refsParsed.then(({ local, refSha, names }) =>
        local.map((b) => {
          const info: BranchInfo = { name: b.name, sha: b.sha, current: false, upstream: b.upstreamRef ? shortenRefName(b.upstreamRef, names) : null, ahead: 0, behind: 0 };
          if (b.upstreamRef && !refSha.has(b.upstreamRef)) info.upstreamGone = true;
          return info;
        }),
      );
      // What the snapshot (and its glance) takes from the status, rev-parse and the remotes: made once.
      const enterpriseHosts = this.options.enterpriseHosts ?? [];
      const statusMade = Promise.all([revParseRead, statusRead, remotesParsed]).then(([revParse, statusOut, remoteRows]) => {
        const status = parseStatusV2(statusOut.stdout);
        return { status, fields: statusFields(revParse.stdout, status, remoteRows, this.root, enterpriseHosts) };
      });
      if (glance && counts) {
        void statusMade.then(
          ({ fields }) => glance.show({ ...fields, counts }),
          () => undefined, // (the snapshot fails with it)
        );
      }
      const reads = Promise.all([statusMade, refsParsed, branchesMade]);
      reads.catch(() => undefined); // awaited below; a failure surfaces there
      const cache = await opening;
      const graphRead = mode === 'all' && !memo && !cache ? this.readWholeGraph(ownsCache, usable) : undefined;
      graphRead?.catch(() => undefined); // awaited below; a failure surfaces there
      // The graph, once a pair is not in the memo: the cache (opened then when the memo was read), else read whole.
      const graphOf = async () => {
        beforeCounting();
        const opened = cache ?? (memo ? await openGraphCache(this.root, usable) : null);
        return opened ? { cache: opened } : { graphRead: graphRead ?? this.readWholeGraph(ownsCache, usable) };
      };
      // Every branch's ahead/behind needs the refs, not the status: it is counted as soon as they are
      // in, while git may still read the status.
      const counting = mode === 'all' ? refsParsed.then((refs) => this.countBranches(refs, memo, graphOf, ownsCache, usable)) : undefined;
      counting?.catch(() => undefined); // awaited below, after the reads' failures
      // (A failed read fails the snapshot once the count, which may write the graph cache, has ended.)
      const [{ status, fields }, { local: localRows, remote: remoteBranches, refSha, tagKey }, branches] = await reads.catch(async (e: unknown) => {
        await Promise.all([counting?.catch(() => undefined), configKept]);
        throw e;
      });
      let tags = cachedTagsFor(await tagCacheRead, tagKey);
      if (!tags) {
        const read = await (tagsRead ?? fullTagRead());
        tags = read.tags;
        if (await ownsCache) await writeTagCache(this.root, read.key, read.tags, usable);
      }
      await configKept;
      const { empty } = fields;
      const currentName = status.detached ? null : status.branch;
      if (!empty) for (const b of branches) if (b.name === currentName) b.current = true;
      let aheadBehindComplete = true;
      if (counting) {
        const counts = await counting; // (in localRows' order, as the branches are before sorting)
        for (let i = 0; i < branches.length; i++) {
          const c = counts[i];
          if (c) {
            branches[i].ahead = c.ahead;
            branches[i].behind = c.behind;
          }
        }
      } else {
        // Only the current branch's (from the status): complete when no other branch has one to count.
        aheadBehindComplete = !localRows.some((b) => b.name !== currentName && upstreamSha(b, refSha) !== undefined);
      }
      branches.sort((a, b) => (a.current !== b.current ? (a.current ? -1 : 1) : compareNames(a.name, b.name)));
      const current = branches.find((b) => b.current);
      if (current && mode === 'current' && status.ahead !== null && status.behind !== null) {
        current.ahead = status.ahead;
        current.behind = status.behind;
      }

      const snapshot: RepoSnapshot = {
        root: fields.root,
        head: fields.head,
        upstream: fields.upstream,
        ahead: fields.ahead,
        behind: fields.behind,
        branches,
        tags,
        remotes: fields.remotes,
        changes: fields.changes,
        remoteBranches,
        files: fields.files,
        empty,
        shallow: fields.shallow,
        operation: fields.operation,
        aheadBehindComplete,
      };
      return snapshot;
    }, undefined, [], false, `snapshot(${mode})`);
    // (A snapshot that failed before its rev-parse leaves the git dir unanswered: answer with the failure.)
    result.catch((e: unknown) => answerGitDir?.(Promise.reject(e instanceof Error ? e : new Error(String(e)))));
    return result;
  }

  /**
   * The git dir when known without asking git: discovery's facts, an earlier answer, or the root's
   * `.git` when it is one git takes as it is (an editor's first snapshot starts before discovery answers).
   */
  private gitDirNow(discovered: CreateGitOptions['discovered'] = undefined): string | undefined {
    return (discovered && !(discovered instanceof Promise) ? discovered.gitDir : this.gitDirKnown) ?? localRepositoryFacts(this.root)?.gitDir;
  }

  /** The refs from the git dir's files (see refFiles), or null when git must list them. */
  private refFiles(gitDir = this.gitDirNow()): RefFiles | null {
    return gitDir ? readRefFiles(gitDir) : null;
  }

  /**
   * Whether the caches in `<root>/.git` may be written: git's git dir (by default the adapter's) is
   * that folder. (A caller may guess the root before discovery confirms it, as the CLI does for a
   * folder holding .git; worktrees and submodules have their git dir elsewhere.)
   */
  private ownsCaches(gitDir: Promise<string> = this.resolveGitDir()): Promise<boolean> {
    return gitDir.then(
      (dir) => dir === path.join(this.root, '.git'),
      () => false,
    );
  }

  /** The graph cache, opened (read and prepared on libuv's threads meanwhile) for a read outside a snapshot. */
  private openCachedGraph(): { usable: boolean; opening: Promise<GraphCache | null> } {
    const usable = cachesUsable(this.root);
    const opening = openGraphCache(this.root, usable);
    opening.catch(() => undefined); // awaited by the caller; a failure surfaces there
    return { usable, opening };
  }

  /** The graph of every branch and remote-tracking branch, read whole; the cache is started with it (when `owns`). */
  private readWholeGraph(owns: Promise<boolean>, usable: boolean): Promise<PreparedGraph> {
    return this.exec(['rev-list', '--parents', '--branches', '--remotes'], { bulk: true }).then(async (r) => {
      const graph = prepareGraph(parseCommitGraph(r.stdout));
      if (await owns) await startGraphCache(this.root, r.stdout, graph, usable);
      return graph;
    });
  }

  /**
   * The graph from the cache, with the commits of tips it lacks read from git (only those: the graph's
   * heads are excluded, and the cache holds every ancestor of each of them) and appended to it.
   */
  private async updateGraphCache(cache: GraphCache, tips: readonly string[], writable: boolean): Promise<PreparedGraph> {
    const { graph } = cache.prepared;
    const missing = tips.filter((t) => !graph.index.has(t));
    if (missing.length === 0) return cache.prepared;
    // Everything cached is excluded through the graph's heads (not only through the tips given, which
    // may not reach all of it: the walk would list cached commits again).
    const [out, cached] = await Promise.all([
      this.exec(['rev-list', '--parents', '--stdin'], { input: `${[...missing, ...graphHeads(graph).map((t) => `^${t}`)].join('\n')}\n` }),
      cache.text(),
    ]);
    // (Should another process have appended to the text since the graph was read, commits may be listed
    // twice: the first occurrence counts, and every commit's ancestors are still all in the text.)
    const text = cached + out.stdout;
    const prepared = prepareGraph(parseCommitGraph(text));
    if (writable) await writeGraphCache(cache.file, text, prepared);
    return prepared;
  }

  /**
   * Every local branch's ahead/behind against its upstream, in the order of `refs.local` (undefined for
   * one without an upstream that was read) — the snapshot's 'all' mode: from the memo of the last
   * snapshot's pairs, else from the cached graph brought up to date with the refs' tips, else from the
   * graph read whole.
   */
  private async countBranches(
    refs: Pick<BranchRefs, 'local' | 'refSha'>,
    memo: CountsMemo | null,
    graphOf: () => Promise<{ cache?: GraphCache | null; graphRead?: Promise<PreparedGraph> }>,
    ownsCache: Promise<boolean>,
    usable: boolean,
  ): Promise<Array<Counts | undefined>> {
    const counts: Array<Counts | undefined> = new Array<Counts | undefined>(refs.local.length);
    const pairs: Array<{ key: string; left: string; right: string; at: number }> = [];
    const missing: typeof pairs = [];
    refs.local.forEach((b, at) => {
      const right = upstreamSha(b, refs.refSha);
      if (right === undefined) return;
      const pair = { key: b.name, left: b.sha, right, at };
      pairs.push(pair);
      const known = memo?.get(b.sha, right);
      if (known) counts[at] = known;
      else missing.push(pair);
    });
    // The memo, written again in the refs' order: when a pair was counted now, or found only out of place.
    const keep = async () => {
      if (!(await ownsCache)) return;
      if (!usable) await removeCountsMemo(this.root);
      else
        await writeCountsMemo(
          this.root,
          pairs.flatMap((p) => {
            const c = counts[p.at];
            return c ? [{ left: p.left, right: p.right, ...c }] : [];
          }),
        );
    };
    if (memo && missing.length === 0) {
      if (memo.outOfPlace) await keep();
      return counts;
    }
    const { cache, graphRead } = await graphOf();
    if (pairs.length === 0) {
      // Nothing to count, but the graph read (and its cache write) has started: the snapshot does not
      // return while it still writes into the git directory.
      await graphRead?.catch(() => undefined);
      return counts;
    }
    const tips = [...new Set(refs.refSha.values())];
    const graph = cache ? await this.updateGraphCache(cache, tips, await ownsCache) : await graphRead;
    const counted = await this.countPairs(missing, graph);
    for (const p of missing) counts[p.at] = counted.get(p.key);
    await keep();
    return counts;
  }

  /**
   * Counts every pair over one read of the graph: `read` when already read, else
   * `rev-list --parents` of exactly the tips (on stdin).
   */
  private async countPairs(pairs: ReadonlyArray<{ key: string; left: string; right: string }>, read?: PreparedGraph) {
    if (read) {
      const counted = countAheadBehind(read.graph, pairs, read.counter);
      if (counted.size === new Set(pairs.map((p) => p.key)).size) return counted; // else a tip is not in the graph read
    }
    const tips = new Set<string>();
    for (const p of pairs) {
      tips.add(p.left);
      tips.add(p.right);
    }
    const out = await this.exec(['rev-list', '--parents', '--stdin'], { input: `${[...tips].join('\n')}\n` });
    return countAheadBehind(parseCommitGraph(out.stdout), pairs);
  }

  aheadBehind(pairs: ReadonlyArray<{ branch: string; upstream: string }>): Promise<Map<string, { ahead: number; behind: number }>> {
    return this.exclusive(async () => {
      const result = new Map<string, { ahead: number; behind: number }>();
      if (pairs.length === 0) return result;
      // The graph as the snapshot reads it: from the cache when there is one (read meanwhile).
      const { usable, opening } = this.openCachedGraph();
      const refs = await this.exec(['for-each-ref', '--format=%(refname)%00%(objectname)', 'refs/heads', 'refs/remotes'], { bulk: true });
      const sha = new Map<string, string>();
      for (const line of refs.stdout.split('\n')) {
        const [ref, oid] = line.split('\0');
        if (ref && oid) sha.set(ref, oid);
      }
      // Same lookup order as git for a branch-like name: full ref, local branch, remote-tracking branch.
      const lookup = (name: string) =>
        /^[0-9a-f]{40}$/.test(name) ? name : (sha.get(name) ?? sha.get(`refs/heads/${name}`) ?? sha.get(`refs/remotes/${name}`));
      const todo: Array<{ key: string; left: string; right: string }> = [];
      for (const p of pairs) {
        const left = lookup(p.branch);
        const right = lookup(p.upstream);
        if (!left || !right) continue;
        if (left === right) result.set(p.branch, { ahead: 0, behind: 0 });
        else todo.push({ key: p.branch, left, right });
      }
      if (todo.length > 0) {
        const owns = this.ownsCaches();
        const tips = [...sha.values()];
        const cache = await opening;
        const graph = cache ? await this.updateGraphCache(cache, tips, await owns) : await this.readWholeGraph(owns, usable);
        for (const [k, v] of await this.countPairs(todo, graph)) result.set(k, v);
      }
      return result;
    }, undefined, [], false, `aheadBehind(${pairs.length} pairs)`);
  }

  tagLists(options: { signal?: AbortSignal } = {}): { all: Promise<string>; merged: Promise<string> } {
    const { signal } = options;
    const format = `--format=${TAG_LIST_FORMAT}`;
    const args = ['tag', '--merged', 'HEAD', '--list', format];
    let answerAll: (p: Promise<string>) => void = () => undefined;
    const all = new Promise<string>((resolve, reject) => (answerAll = (p) => void p.then(resolve, reject)));
    const merged = this.exclusive(
      async () => {
        // One read of every tag (with the type each peels to); the tags HEAD contains from it and the
        // cached graph: HEAD's ancestors are marked there (after HEAD's new commits are added), and a
        // tag is merged when the commit it peels to is marked. Without a graph cache (or for a tag of
        // a tag) git answers: it walks HEAD's history (360 ms on 50,000 commits, over a second in a
        // busy editor).
        // With the snapshot's tag cache (see snapshotCaches) the tags come from it while their refs are
        // unchanged: reading the refs opens no tag object (5,000 annotated tags: ~15 ms of git instead
        // of ~110 ms, and several times that in a busy editor).
        const { usable, opening } = this.openCachedGraph();
        const tagCache = usable ? tagCacheOf(this.root) : null;
        const fullRead = () => this.exec(['for-each-ref', `${format}%00%(*objecttype)`, 'refs/tags'], { bulk: true, signal }).then((r) => r.stdout);
        // (The tags' refs from the git dir's files where it can say, as the snapshot reads them.)
        const tagRows = () => {
          const files = this.refFiles();
          return files ? Promise.resolve(tagRowsOf(files)) : this.exec(['for-each-ref', `--format=${BRANCH_REFS_FORMAT}`, 'refs/tags'], { bulk: true, signal }).then((r) => r.stdout);
        };
        const refs = tagCache ? tagRows().then((rows) => tagListFromCache(tagCache.read(), rows) ?? fullRead()) : fullRead();
        answerAll(refs.then((lines) => lines.replace(/\0[^\0\n]*\n/g, '\n')));
        const [tags, head, cache] = await Promise.all([refs, this.exec(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { okExitCodes: [1], signal }), opening]);
        const headSha = head.stdout.trim();
        if (!cache || head.exitCode !== 0) return (await this.exec(args, { signal })).stdout;
        const { graph } = await this.updateGraphCache(cache, [headSha], await this.ownsCaches());
        return mergedLines(graph, headSha, await this.peeledTypes(graph, tags, signal)) ?? (await this.exec(args, { signal })).stdout;
      },
      signal,
      args,
      true,
      'tagLists',
    );
    // (A task that fails before the tags are read, e.g. cancelled while it waits, fails both.)
    merged.catch((e: unknown) => answerAll(Promise.reject(e instanceof Error ? e : new Error(String(e)))));
    all.catch(() => undefined); // a caller that only awaits `merged` still sees the failure there
    return { all, merged };
  }

  /**
   * The lines of tagLists with each type a tag peels to that is still `?` (tags from the cache, see
   * tagListFromCache) and matters — the object is no commit of the graph — asked of git in one
   * `cat-file --batch-check` (annotated tags on commits no branch reaches; else git would walk
   * HEAD's history to list the merged tags: 500 ms on renovate's 12,000 tags).
   */
  private async peeledTypes(graph: CommitGraph, lines: string, signal?: AbortSignal): Promise<string> {
    const unknown = new Set<string>();
    for (const line of lines.split('\n')) {
      if (!line.endsWith('\0?')) continue;
      const peeled = line.split('\0')[2];
      if (!graph.index.has(peeled)) unknown.add(peeled);
    }
    if (unknown.size === 0) return lines;
    const out = await this.exec(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: `${[...unknown].join('\n')}\n`, signal });
    const types = new Map(out.stdout.split('\n').map((l) => l.split(' ') as [string, string]));
    return lines.replace(/\0([0-9a-f]+)\0\?\n/g, (all, peeled: string) => (unknown.has(peeled) ? `\0${peeled}\0${types.get(peeled) ?? '?'}\n` : all));
  }

  async log(options: { ref?: string; skip?: number; limit?: number } = {}): Promise<CommitInfo[]> {
    const ref = options.ref && options.ref !== 'HEAD' ? options.ref : undefined;
    if (ref) assertRevision(ref);
    const args = ['log', `--format=${LOG_FORMAT}`];
    if (options.skip) args.push(`--skip=${Math.max(0, Math.floor(options.skip))}`);
    args.push(`--max-count=${Math.max(0, Math.floor(options.limit ?? 50))}`);
    if (ref) args.push(ref, '--');
    const limit = Math.max(0, Math.floor(options.limit ?? 50));
    const prefetched = this.firstPage;
    if (!ref && !options.skip && limit <= FIRST_PAGE && prefetched) {
      this.firstPage = undefined;
      const page = await this.exclusive(async () => (queueFor(this.root).started === prefetched.turn + 1 ? prefetched.page.catch(() => null) : null), undefined, [], false, 'log (the first page read with the snapshot)');
      if (page) return page.slice(0, limit).map((r) => ({ ...r }));
    }
    try {
      return parseLog(await this.stdout(args)).map((r) => ({ ...r }));
    } catch (e) {
      // HEAD of an empty repository has no history: an empty page, not an error.
      if (!ref && e instanceof GitError && e.gitCode === 'EmptyRepository') return [];
      throw e;
    }
  }

  async isMerged(branch: string, into = 'HEAD'): Promise<boolean> {
    assertRevision(branch, 'branch');
    assertRevision(into, 'revision');
    const r = await this.exclusive(() => this.exec(['merge-base', '--is-ancestor', branch, into], { okExitCodes: [1] }));
    return r.exitCode === 0;
  }

  async user(): Promise<{ name: string | null; email: string | null }> {
    const r = await this.exclusive(() => this.exec(['config', '--get-regexp', '^user\\.(name|email)$'], { okExitCodes: [1] }));
    const out = { name: null as string | null, email: null as string | null };
    for (const line of r.stdout.split('\n')) {
      const m = /^user\.(name|email) (.*)$/.exec(line);
      if (m) out[m[1] as 'name' | 'email'] = m[2];
    }
    return out;
  }

  async resolve(ref: string): Promise<string | null> {
    assertRevision(ref);
    const r = await this.exclusive(() => this.exec(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { okExitCodes: [1, 128] }));
    const sha = r.stdout.trim();
    return r.exitCode === 0 && sha ? sha : null;
  }

  /* ------------------------------------------------------------------ writes */

  async fetch(options: { remote?: string; prune?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const args = ['fetch'];
    if (options.prune) args.push('--prune');
    if (options.remote) {
      assertRevision(options.remote, 'remote name');
      args.push(options.remote);
    }
    await this.stdout(args, { signal: options.signal });
  }

  async pull(options: { signal?: AbortSignal } = {}): Promise<void> {
    const args = ['pull', '--ff-only', '--no-rebase'];
    await this.exclusive(async () => {
      await this.assertIndexNotLocked(args);
      await this.exec(args, { signal: options.signal });
    }, options.signal, args);
  }

  async push(options: PushOptions): Promise<void> {
    assertRevision(options.remote, 'remote name');
    assertRevision(options.ref, 'ref');
    if (options.remoteRef !== undefined) assertRevision(options.remoteRef, 'remote ref');
    const args = ['push'];
    if (options.setUpstream) args.push('--set-upstream');
    if (options.followTags) args.push('--follow-tags');
    args.push(options.remote, options.remoteRef ? `${options.ref}:${options.remoteRef}` : options.ref);
    await this.stdout(args, { signal: options.signal });
  }

  async checkout(ref: string, options: { createBranch?: boolean; track?: string } = {}): Promise<void> {
    if (options.createBranch) {
      assertRefName(ref, 'branch');
      if (options.track !== undefined) assertRevision(options.track, 'start point');
      const args = ['checkout', ...(options.track ? ['--track'] : []), '-b', ref, ...(options.track ? [options.track] : [])];
      await this.exclusive(async () => {
        await this.assertIndexNotLocked(args);
        await this.exec(args);
      });
      return;
    }
    assertRevision(ref);
    await this.exclusive(async () => {
      await this.assertIndexNotLocked(['checkout', ref]);
      try {
        // "--" makes git read `ref` as a revision, never as a file to restore.
        await this.exec(['checkout', ref, '--']);
      } catch (e) {
        if (!(e instanceof GitError) || e.gitCode !== 'RefNotFound') throw e;
        // No such local ref: let git create a tracking branch from a unique remote branch of that name.
        await this.exec(['switch', '--guess', ref]).catch((e2: unknown) => {
          throw e2 instanceof GitError && e2.gitCode !== 'Unknown' ? e2 : e;
        });
      }
    });
  }

  async createBranch(name: string, startPoint?: string, options: { checkout?: boolean } = {}): Promise<void> {
    assertRefName(name, 'branch');
    if (startPoint !== undefined) assertRevision(startPoint, 'start point');
    const start = startPoint !== undefined ? [startPoint] : [];
    const args = options.checkout ? ['checkout', '-b', name, ...start] : ['branch', '--no-track', name, ...start];
    await this.exclusive(async () => {
      if (options.checkout) await this.assertIndexNotLocked(args);
      try {
        await this.exec(args);
      } catch (e) {
        // From HEAD of an empty repository git says "not a valid object name: 'main'": say why.
        if (startPoint === undefined && e instanceof GitError && e.gitCode === 'RefNotFound') await this.assertNotEmpty(args, e);
        throw e;
      }
    });
  }

  /** Throws EmptyRepository when HEAD has no commit (one extra process, only after a failure). */
  private async assertNotEmpty(args: readonly string[], cause: GitError): Promise<void> {
    const head = await this.exec(['rev-parse', '--verify', '--quiet', 'HEAD'], { okExitCodes: [1] });
    if (head.exitCode !== 0) throw classifyGitFailure(args, cause.exitCode ?? null, "fatal: your current branch does not have any commits yet", { cause });
  }

  async deleteBranch(name: string, options: { force?: boolean } = {}): Promise<void> {
    assertRefName(name, 'branch');
    await this.stdout(['branch', options.force ? '-D' : '-d', name]);
  }

  async createTag(name: string, message: string, ref?: string): Promise<void> {
    assertRefName(name, 'tag');
    if (ref !== undefined) assertRevision(ref);
    await this.stdout(['tag', '-a', '-m', message, name, ...(ref !== undefined ? [ref] : [])]);
  }

  async deleteTag(name: string): Promise<void> {
    assertRefName(name, 'tag');
    await this.stdout(['tag', '-d', name]);
  }
}

const OPERATION_MARKERS: ReadonlyArray<[string, Exclude<RepoOperation, null>]> = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['BISECT_LOG', 'bisect'],
];

/**
 * Which operation is in progress, from the marker files git leaves in the git dir. Asked
 * synchronously (six checks, microseconds): asynchronous ones each waited for a turn of a busy
 * extension host (7–88 ms after the snapshot's reads in the editor bench).
 */
function detectOperation(gitDir: string): RepoOperation {
  if (!gitDir) return null;
  return OPERATION_MARKERS.find(([file]) => existsSync(path.join(gitDir, file)))?.[1] ?? null;
}

/** Commits of HEAD read alongside snapshot('current'): a page of 50 and the one that tells whether there are more. */
const FIRST_PAGE = 101;
