import * as path from 'node:path';
import type { ReleasePlan } from '../../core/versioning/plan';
import type { MemberPackage } from '../../core/versioning/service';
import type { ErrorInfo } from '../repositories/repositoryModel';
import type { RepositoryModel } from '../repositories/repositoryModel';

export type PackageState =
  | { status: 'loading' }
  /** Commits since the last release: the recommended release, planned (nothing written). */
  | { status: 'ready'; plan: ReleasePlan }
  /** No commits since the last release tag. */
  | { status: 'nothing'; current: string; lastTag: string | null; message: string }
  | { status: 'error'; error: ErrorInfo };

/** One releasable package of a repository: the root, or a folder of a monorepo. */
export class PackageModel {
  state: PackageState = { status: 'loading' };
  /** The ecosystem holding the version (npm, lerna, cargo, python, maven, gradle, go, helm, dotnet); null: tags only. */
  ecosystem: string | null = null;
  /** Where the version lives, in one line (the ecosystem adapter's description). */
  where: string | null = null;
  /** The packages that move with this unit (lerna fixed mode, Cargo members inheriting the workspace version). */
  members: MemberPackage[] = [];

  constructor(
    readonly repo: RepositoryModel,
    /** Relative to the repository root, `/`-separated; `.` for the root. */
    readonly dir: string,
    public name: string,
  ) {}

  /** Stable across refreshes: tree item ids and the status bar key on it. */
  get key(): string {
    return `${this.repo.root}::${this.dir}`;
  }

  get absoluteDir(): string {
    return this.dir === '.' ? this.repo.root : path.join(this.repo.root, ...this.dir.split('/'));
  }

  /** The version in the manifest (or of the last tag), when known. */
  get current(): string | undefined {
    return this.state.status === 'ready' ? this.state.plan.current : this.state.status === 'nothing' ? this.state.current : undefined;
  }
}
