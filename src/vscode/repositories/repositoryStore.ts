import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Git, RepoGlance, RepoSnapshot } from '../../core/git/git';
import { traceMark } from '../../core/git/trace';
import { discoverRepository, findRepositories, isGitInstalled, likelyRoot, localRepositoryFacts, type RepositoryFacts } from '../../core/git/discovery';
import { GitHubError, type CiStatus, type GitHub, type RateLimitInfo } from '../../core/github/github';
import { Poller } from '../../core/github/poller';
import { SdlcError, errorMessage } from '../../core/errors';
import { GitError } from '../../core/git/gitError';
import { scoped, type Logger } from '../../core/log';
import type { GitHubAuth } from '../auth';
import { ContextKeys } from '../ids';
import { RepositoryModel, type ErrorInfo } from './repositoryModel';

export type RepositoriesState = 'loading' | 'noFolder' | 'noRepositories' | 'gitMissing' | 'ready';

export interface StoreOptions {
  log: Logger;
  auth: GitHubAuth;
  /** `discovered`: what discovery read about the repository (its first snapshot runs one git process less). */
  createGit: (root: string, discovered?: RepositoryFacts | Promise<RepositoryFacts & { root: string }>) => Git;
}

/** How many branch heads get their CI state fetched (current branch first): keeps polling cheap. */
const CI_BRANCH_LIMIT = 20;

function config() {
  const c = vscode.workspace.getConfiguration('sdlc');
  return {
    scanDepth: c.get<number>('repositories.scanDepth', 3),
    commitPageSize: c.get<number>('repositories.commitPageSize', 50),
    pollSeconds: c.get<number>('github.pollInterval', 60),
  };
}

export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof GitHubError) return { code: e.code, message: e.message, resetAt: e.details.resetAt };
  if (e instanceof SdlcError) return { code: e.code, message: e.message };
  return { code: 'Unknown', message: errorMessage(e) };
}

/**
 * The Repositories view's data: discovers repositories in the workspace, keeps a snapshot, the
 * first pages of commits and the GitHub data of each, refreshes on `.git` changes (debounced) and
 * polls GitHub with ETags and backoff (paused while the window is unfocused). Fires `onDidChange`
 * with the repository that changed (undefined = the list itself).
 */
export class RepositoryStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RepositoryModel | undefined>();
  readonly onDidChange = this.changed.event;
  state: RepositoriesState = 'loading';
  /** GitHub's rate limit as of the last response, shown in the Pull Requests tooltip. */
  rateLimit: RateLimitInfo | null = null;
  repositories: RepositoryModel[] = [];
  private readonly log: Logger;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly perRepo = new Map<string, { watchers: vscode.Disposable[]; timer?: NodeJS.Timeout; running?: Promise<void>; next?: Promise<void> }>();
  private readonly poller: Poller;
  private scanning?: Promise<void>;
  private rescanTimer?: NodeJS.Timeout;
  /** What a load's GitHub refresh and a repository's first read of commits wait for (see holdUntilFirstScreen). */
  private firstScreen: Promise<void> = Promise.resolve();

  constructor(private readonly options: StoreOptions) {
    this.log = scoped(options.log, 'Repositories');
    this.poller = new Poller({
      tick: () => this.pollGitHub(),
      baseIntervalMs: Math.max(10, config().pollSeconds) * 1000,
      maxIntervalMs: 10 * 60 * 1000,
      logger: this.log,
    });
    const newRepoWatcher = vscode.workspace.createFileSystemWatcher('**/.git/HEAD', false, true, false);
    this.disposables.push(
      newRepoWatcher,
      newRepoWatcher.onDidCreate(() => this.scheduleRescan()),
      newRepoWatcher.onDidDelete(() => this.scheduleRescan()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRescan()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('sdlc.repositories') && this.scheduleRescan()),
      vscode.window.onDidChangeWindowState((s) => (s.focused ? this.poller.resume() : this.poller.pause())),
      options.auth.onDidChange(() => void this.refreshAllGitHub()),
      { dispose: () => this.poller.dispose() },
    );
  }

  /**
   * Work that the Repositories view's first screen does not show waits for `gate` (that screen drawn):
   * - the GitHub refreshes that follow loads: asking for the sign-in starts VS Code's GitHub
   *   authentication extension in this extension host, and the answer changes the view again (its Pull
   *   Requests node) while VS Code may still be drawing the first snapshot; each change makes VS Code
   *   fetch the view again;
   * - a repository's first page of commits (its Commits node is collapsed): see load.
   */
  holdUntilFirstScreen(gate: Promise<void>): void {
    this.firstScreen = gate;
  }

  /** Finds the repositories (again) and refreshes the new ones. */
  rescan(): Promise<void> {
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private scheduleRescan(): void {
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => void this.rescan(), 500);
  }

  private async scan(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) return this.setState('noFolder', []);
    const { scanDepth } = config();
    // Every folder's scan runs side by side. The repository a folder is in is shown (and read) as soon
    // as git names it, while the walk for nested repositories goes on. Git is asked for its version
    // only when a scan could not start it (one process less on the first screen).
    const nameOf = (folder: vscode.WorkspaceFolder, root: string) => {
      const rel = path.relative(folder.uri.fsPath, root);
      return rel === '' || rel.startsWith('..') ? path.basename(root) : folders.length > 1 ? `${folder.name}/${rel}` : rel;
    };
    const facts = new Map<string, RepositoryFacts>();
    const early: Array<Promise<void>> = [];
    const { byRoot: probes, discoveries } = this.probe(folders);
    const adopt = (folder: vscode.WorkspaceFolder, { root, ...known }: RepositoryFacts & { root: string }) => {
      facts.set(root, known);
      if (this.repositories.some((r) => r.root === root)) return;
      const probe = probes.get(root);
      probes.delete(root);
      const repo = new RepositoryModel(root, nameOf(folder, root), probe?.git ?? this.options.createGit(root, known));
      this.setState('ready', [...this.repositories, repo]);
      this.watch(repo);
      early.push(this.refresh(repo, probe?.snapshot));
    };
    const scans = await Promise.all(
      folders.map((folder) =>
        findRepositories(folder.uri.fsPath, { maxDepth: scanDepth, onDiscovered: (d) => adopt(folder, d), discovery: discoveries.get(folder) }).then(
          (roots) => ({ roots, error: null as unknown }),
          (e: unknown) => ({ roots: [] as string[], error: e }),
        ),
      ),
    );
    if (scans.some((s) => s.error instanceof GitError && s.error.gitCode === 'GitNotFound') && !(await isGitInstalled())) {
      return this.setState('gitMissing', []);
    }
    const found: Array<{ root: string; name: string }> = [];
    folders.forEach((folder, i) => {
      const { roots, error } = scans[i];
      if (error) this.log.error(`scanning ${folder.uri.fsPath} failed: ${errorMessage(error)}`);
      for (const root of roots) if (!found.some((f) => f.root === root)) found.push({ root, name: nameOf(folder, root) });
    });
    const keep = new Map(this.repositories.map((r) => [r.root, r]));
    const next = found.map((f) => keep.get(f.root) ?? new RepositoryModel(f.root, f.name, this.options.createGit(f.root, facts.get(f.root))));
    for (const gone of this.repositories.filter((r) => !next.includes(r))) this.forget(gone);
    const added = next.filter((r) => !keep.has(r.root));
    this.setState(next.length ? 'ready' : 'noRepositories', next);
    this.log.info(`${next.length} repositories (${added.length} new)`);
    await Promise.all([...early, ...added.map((r) => (this.watch(r), this.refresh(r)))]);
    if (next.length) this.poller.start();
  }

  /**
   * A folder holding `.git` is most often the root of its repository: its snapshot starts at once,
   * beside discovery, and is kept when discovery names the folder itself as the root (else it is
   * dropped unseen). The snapshot takes discovery's answer instead of asking git the same (one git
   * process less on the first screen), and so does the folder's scan. The check is synchronous on
   * purpose: right after activation the event loop is busy, and git should be running by then.
   * Folders of known repositories are not probed.
   */
  private probe(folders: readonly vscode.WorkspaceFolder[]): {
    byRoot: Map<string, { git: Git; snapshot: Promise<RepoSnapshot> }>;
    discoveries: Map<vscode.WorkspaceFolder, Promise<RepositoryFacts & { root: string }>>;
  } {
    const byRoot = new Map<string, { git: Git; snapshot: Promise<RepoSnapshot> }>();
    const discoveries = new Map<vscode.WorkspaceFolder, Promise<RepositoryFacts & { root: string }>>();
    for (const folder of folders) {
      const dir = likelyRoot(folder.uri.fsPath);
      if (!dir || byRoot.has(dir) || this.repositories.some((r) => r.root === dir)) continue;
      const facts = localRepositoryFacts(dir);
      const discovery = facts ? Promise.resolve(facts) : discoverRepository(folder.uri.fsPath);
      discovery.catch(() => undefined); // the folder's scan reports it
      discoveries.set(folder, discovery);
      // (The facts themselves when known: the snapshot then takes its git dir from them, not from a second read of the config.)
      const git = this.options.createGit(dir, facts ?? discovery);
      // The first screen shows the snapshot's glance (the status and the refs' counts); its branch
      // and tag lists are made once that screen is drawn (see SnapshotOptions.glance).
      const glance = { show: (g: RepoGlance) => this.glanced(dir, g), listsAfter: this.firstScreen };
      const snapshot = git.snapshot({ aheadBehind: 'current', glance });
      snapshot.catch(() => undefined); // a folder that is not a repository root: never used
      byRoot.set(dir, { git, snapshot });
    }
    return { byRoot, discoveries };
  }

  /** A first snapshot's glance: shown until the snapshot is in. */
  private glanced(root: string, glance: RepoGlance): void {
    const repo = this.find(root);
    if (!repo || repo.snapshot || repo.error) return;
    repo.glance = glance;
    traceMark('view: the glance is in (status and counts)', root);
    this.changed.fire(repo);
  }

  /** Publishes the state and the list; nothing when neither changed (a rescan that found the same repositories). */
  private setState(state: RepositoriesState, repositories: RepositoryModel[]): void {
    if (state === this.state && repositories.length === this.repositories.length && repositories.every((r, i) => r === this.repositories[i])) return;
    this.state = state;
    this.repositories = repositories;
    void vscode.commands.executeCommand('setContext', ContextKeys.repositoriesState, state);
    // (The view shows a single repository's sections at its top level: its actions move to the view's title.)
    void vscode.commands.executeCommand('setContext', ContextKeys.repositoriesSingle, this.onlyRepository !== undefined);
    this.changed.fire(undefined);
  }

  /** The workspace's only repository, when it has exactly one (the state is then 'ready'). */
  get onlyRepository(): RepositoryModel | undefined {
    return this.repositories.length === 1 ? this.repositories[0] : undefined;
  }

  find(root: string): RepositoryModel | undefined {
    const normal = path.resolve(root);
    return this.repositories.find((r) => r.root === normal);
  }

  /**
   * Re-reads one repository. Coalesced: calls made while a read runs share exactly one more read,
   * which starts after it, so every caller gets data at least as new as its call.
   */
  refresh(repo: RepositoryModel, started?: Promise<RepoSnapshot>): Promise<void> {
    const entry = this.entry(repo);
    if (entry.running) {
      entry.next ??= entry.running.then(() => {
        entry.next = undefined;
        return this.refresh(repo);
      });
      return entry.next;
    }
    entry.running = this.load(repo, started).finally(() => (entry.running = undefined));
    return entry.running;
  }

  async refreshAll(): Promise<void> {
    await this.rescan();
    await Promise.all(this.repositories.map((r) => this.refresh(r)));
  }

  /** `started`: a snapshot of this repository already under way (the scan's probe), taken instead of a new one. */
  private async load(repo: RepositoryModel, started?: Promise<RepoSnapshot>): Promise<void> {
    repo.loading = true;
    this.changed.fire(repo);
    try {
      // (The first page of commits read alongside only when it is taken at once: see below.)
      const snapshot = await (started ?? repo.git.snapshot({ aheadBehind: 'current', logPage: repo.commitsRead }));
      if (repo.wantsAllAheadBehind) await this.fillAheadBehind(repo, snapshot);
      if (!repo.commitsRead) {
        // The first snapshot shows at once (its commits read after the first screen, with nothing
        // else of git's competing for the machine while VS Code draws it); a later one with its commits.
        repo.snapshot = snapshot;
        repo.glance = undefined;
        repo.error = undefined;
        this.changed.fire(repo);
        if (!snapshot.empty) await this.firstScreen;
      }
      const pageSize = config().commitPageSize;
      const wanted = Math.max(pageSize, repo.commits.length);
      repo.commits = snapshot.empty ? [] : await repo.git.log({ limit: wanted + 1 });
      repo.commitsComplete = repo.commits.length <= wanted;
      repo.commits = repo.commits.slice(0, wanted);
      repo.commitsRead = true;
      repo.snapshot = snapshot;
      repo.error = undefined;
    } catch (e) {
      repo.error = toErrorInfo(e);
      repo.glance = undefined;
      repo.commitsRead = true; // (what there is, with "Load more commits…" to try again)
      this.log.warn(`${repo.root}: ${repo.error.message}`);
    } finally {
      repo.loading = false;
      this.changed.fire(repo);
    }
    // In the background: git data shows without waiting for the network (or the first screen).
    void this.firstScreen.then(() => this.refreshGitHub(repo));
  }

  /** The Branches node was expanded: compute every branch's ahead/behind (one read of the graph). */
  async ensureAheadBehind(repo: RepositoryModel): Promise<void> {
    if (repo.wantsAllAheadBehind || !repo.snapshot) return;
    repo.wantsAllAheadBehind = true;
    try {
      await this.fillAheadBehind(repo, repo.snapshot);
      this.changed.fire(repo);
    } catch (e) {
      this.log.warn(`ahead/behind for ${repo.root}: ${errorMessage(e)}`);
    }
  }

  private async fillAheadBehind(repo: RepositoryModel, snapshot: RepoSnapshot): Promise<void> {
    if (snapshot.aheadBehindComplete) return;
    const pairs = snapshot.branches.filter((b) => b.upstream && !b.upstreamGone).map((b) => ({ branch: b.name, upstream: b.upstream! }));
    const counts = await repo.git.aheadBehind(pairs);
    for (const b of snapshot.branches) {
      const c = counts.get(b.name);
      if (c) Object.assign(b, c);
    }
    snapshot.aheadBehindComplete = true;
  }

  async loadMoreCommits(repo: RepositoryModel): Promise<void> {
    if (repo.commitsComplete) return;
    const pageSize = config().commitPageSize;
    const page = await repo.git.log({ skip: repo.commits.length, limit: pageSize + 1 });
    repo.commitsComplete = page.length <= pageSize;
    repo.commits = repo.commits.concat(page.slice(0, pageSize));
    this.changed.fire(repo);
  }

  private async refreshAllGitHub(): Promise<void> {
    await Promise.all(this.repositories.map((r) => this.refreshGitHub(r)));
  }

  /** Reloads pull requests and CI states; says whether anything changed, and the failure if any. */
  async refreshGitHub(repo: RepositoryModel): Promise<{ changed: boolean; error?: unknown }> {
    const remote = repo.githubRemote();
    if (!remote) {
      const changed = repo.github.status !== 'unavailable';
      repo.github = { status: 'unavailable' };
      if (changed) this.changed.fire(repo);
      return { changed };
    }
    const github = await this.options.auth.github().catch((e: unknown) => {
      this.log.warn(`GitHub client: ${errorMessage(e)}`);
      return undefined;
    });
    if (!github) {
      const changed = repo.github.status !== 'signedOut';
      repo.github = { status: 'signedOut', repo: remote.github };
      if (changed) this.changed.fire(repo);
      return { changed };
    }
    if (repo.github.status !== 'ready' && repo.github.status !== 'error') {
      repo.github = { status: 'loading', repo: remote.github };
      this.changed.fire(repo);
    }
    let error: unknown;
    const before = fingerprint(repo.github);
    try {
      const pulls = await github.listOpenPullRequests(remote.github);
      const ci = await this.loadCi(github, repo);
      repo.github = { status: 'ready', repo: remote.github, pulls, ci };
    } catch (e) {
      error = e;
      const previous = repo.github.status === 'ready' || repo.github.status === 'error' ? repo.github : undefined;
      repo.github = { status: 'error', repo: remote.github, error: toErrorInfo(e), pulls: previous?.pulls, ci: previous?.ci };
      this.log.warn(`GitHub ${remote.github.owner}/${remote.github.repo}: ${repo.github.error.message}`);
    }
    this.rateLimit = github.rateLimit ?? this.rateLimit;
    const changed = fingerprint(repo.github) !== before;
    if (changed) this.changed.fire(repo);
    return { changed, error };
  }

  /** CI state of the branch heads that are on GitHub (current branch first, at most CI_BRANCH_LIMIT). */
  private async loadCi(github: GitHub, repo: RepositoryModel): Promise<Map<string, CiStatus>> {
    const ci = new Map<string, CiStatus>();
    const remote = repo.githubRemote();
    if (!repo.snapshot || !remote) return ci;
    const shas = [...new Set(repo.snapshot.branches.map((b) => repo.githubHeadSha(b)).filter((sha): sha is string => Boolean(sha)))].slice(0, CI_BRANCH_LIMIT);
    for (const sha of shas) ci.set(sha, await github.ciStatus(remote.github, sha));
    return ci;
  }

  /** One poll: 'changed' resets the backoff; a failure is rethrown so the poller backs off (or waits for the rate-limit reset). */
  private async pollGitHub(): Promise<'changed' | 'unchanged'> {
    let changed = false;
    let error: unknown;
    for (const repo of this.repositories) {
      const r = await this.refreshGitHub(repo);
      changed ||= r.changed;
      error ??= r.error;
    }
    if (error) throw error;
    return changed ? 'changed' : 'unchanged';
  }

  private entry(repo: RepositoryModel) {
    let e = this.perRepo.get(repo.root);
    if (!e) this.perRepo.set(repo.root, (e = { watchers: [] }));
    return e;
  }

  /** Watches HEAD, refs, packed-refs and the index, and the work tree; refreshes debounced. */
  private watch(repo: RepositoryModel): void {
    const entry = this.entry(repo);
    const schedule = (delay: number) => {
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => void this.refresh(repo), delay);
    };
    void repo.git.gitDir().then(
      (gitDir) => {
        const gitWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(gitDir), '{HEAD,index,packed-refs,FETCH_HEAD,MERGE_HEAD,refs/**}'));
        const treeWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(repo.root), '**'));
        const onTree = (uri: vscode.Uri) => !uri.fsPath.includes(`${path.sep}.git${path.sep}`) && schedule(1000);
        entry.watchers.push(
          gitWatcher,
          gitWatcher.onDidChange(() => schedule(300)),
          gitWatcher.onDidCreate(() => schedule(300)),
          gitWatcher.onDidDelete(() => schedule(300)),
          treeWatcher,
          treeWatcher.onDidChange(onTree),
          treeWatcher.onDidCreate(onTree),
          treeWatcher.onDidDelete(onTree),
        );
      },
      (e: unknown) => this.log.warn(`cannot watch ${repo.root}: ${errorMessage(e)}`),
    );
  }

  private forget(repo: RepositoryModel): void {
    const entry = this.perRepo.get(repo.root);
    if (!entry) return;
    clearTimeout(entry.timer);
    vscode.Disposable.from(...entry.watchers).dispose();
    this.perRepo.delete(repo.root);
  }

  /** Polls GitHub now and resets the backoff (after a push, a sign-in, or "Retry"). */
  pollNow(): void {
    void this.poller.trigger();
  }

  dispose(): void {
    clearTimeout(this.rescanTimer);
    for (const repo of this.repositories) this.forget(repo);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/** A comparable text of GitHub data (Maps included), to tell whether a poll changed anything. */
function fingerprint(github: RepositoryModel['github']): string {
  return JSON.stringify(github, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
}
