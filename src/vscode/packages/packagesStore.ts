import * as vscode from 'vscode';
import { errorMessage, SdlcError } from '../../core/errors';
import { Releases, type ReleaseInfo } from '../../core/github/releases';
import type { Logger } from '../../core/log';
import { defaultArtifactsDir, listBuilds, targetsOf, type BuiltPackage, type PackageTarget } from '../../core/packaging';
import type { GitHubAuth } from '../auth';
import type { RepositoryModel } from '../repositories/repositoryModel';
import type { RepositoryStore } from '../repositories/repositoryStore';

export type ReleasesState =
  | { status: 'unavailable' } // no GitHub remote
  | { status: 'signedOut' }
  | { status: 'loading' }
  | { status: 'ready'; releases: ReleaseInfo[] }
  | { status: 'error'; message: string };

/** What the Packages view knows about one repository. */
export interface PackagesModel {
  repo: RepositoryModel;
  loading: boolean;
  error?: string;
  targets: PackageTarget[];
  /** Recorded builds, per target newest version first. */
  builds: BuiltPackage[];
  artifactsDir: string;
  releases: ReleasesState;
}

export type PackagesViewState = 'loading' | 'noRepositories' | 'ready';

/**
 * The Packages view's data, on top of the repository store: targets (`.sdlc.json` or detected),
 * recorded builds (the artifacts folder) and, for GitHub remotes, the releases with their assets.
 * Reloads when the repositories change or the sign-in changes; `refresh()` on demand.
 */
export class PackagesStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  readonly models = new Map<string, PackagesModel>();
  private loading: Promise<void> = Promise.resolve();
  private generation = 0;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly repos: RepositoryStore,
    private readonly auth: GitHubAuth,
    private readonly log: Logger,
  ) {
    this.subscriptions = [this.changed, repos.onDidChange((r) => (!r || (this.models.get(r.root)?.releases.status === 'unavailable' && r.githubRemote())) && this.scheduleRefresh()), auth.onDidChange(() => this.scheduleRefresh())];
    this.scheduleRefresh();
  }

  get state(): PackagesViewState {
    if (this.repos.state === 'loading') return 'loading';
    return this.repos.repositories.length === 0 ? 'noRepositories' : 'ready';
  }

  list(): PackagesModel[] {
    return this.repos.repositories.map((r) => this.models.get(r.root)).filter((m): m is PackagesModel => m !== undefined);
  }

  find(root?: string): PackagesModel | undefined {
    if (root) return this.models.get(root);
    const all = this.list();
    return all.length === 1 ? all[0] : undefined;
  }

  /** Resolves when the current load has finished (tests, inspect). */
  async settled(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.loading;
      await seen;
    } while (seen !== this.loading);
  }

  refresh(): Promise<void> {
    this.scheduleRefresh();
    return this.settled();
  }

  /** A client for the releases of a repository, or an error saying why there is none. */
  async releasesFor(model: PackagesModel): Promise<Releases> {
    const remote = model.repo.githubRemote();
    if (!remote) throw new SdlcError('NoGitHubRemote', `${model.repo.name} has no GitHub remote: there is nowhere to publish a release.`, { usage: true });
    const github = await this.auth.github();
    if (!github) throw new SdlcError('SignedOut', 'Sign in to GitHub first (SDLC: Sign in to GitHub).', { usage: true });
    const token = (await this.auth.token())?.token;
    return new Releases(github, remote.github, { logger: this.log, token });
  }

  private scheduleRefresh(): void {
    const generation = ++this.generation;
    this.loading = this.loading.then(() => (generation === this.generation ? this.load() : undefined));
  }

  private async load(): Promise<void> {
    const repos = this.repos.repositories;
    for (const root of [...this.models.keys()]) if (!repos.some((r) => r.root === root)) this.models.delete(root);
    await Promise.all(repos.map((repo) => this.loadOne(repo)));
    this.changed.fire();
  }

  private async loadOne(repo: RepositoryModel): Promise<void> {
    const model: PackagesModel = this.models.get(repo.root) ?? { repo, loading: true, targets: [], builds: [], artifactsDir: '', releases: { status: 'loading' } };
    model.loading = true;
    this.models.set(repo.root, model);
    try {
      model.artifactsDir = await defaultArtifactsDir(repo.root);
      [model.targets, model.builds] = await Promise.all([targetsOf(repo.root).catch((e: unknown) => {
        model.error = errorMessage(e);
        return [];
      }), listBuilds(model.artifactsDir)]);
      model.error = undefined;
    } catch (e) {
      model.error = errorMessage(e);
      this.log.warn(`[Packages] ${repo.name}: ${model.error}`);
    }
    model.releases = await this.loadReleases(model);
    model.loading = false;
  }

  private async loadReleases(model: PackagesModel): Promise<ReleasesState> {
    if (!model.repo.githubRemote()) return { status: 'unavailable' };
    if (!(await this.auth.token())) return { status: 'signedOut' };
    try {
      const releases = await this.releasesFor(model);
      return { status: 'ready', releases: await releases.list({ limit: 30 }) };
    } catch (e) {
      this.log.warn(`[Packages] releases of ${model.repo.name}: ${errorMessage(e)}`);
      return { status: 'error', message: errorMessage(e) };
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
