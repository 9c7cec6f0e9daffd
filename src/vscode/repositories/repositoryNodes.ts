import type { BranchInfo, CommitInfo, FileChange, RemoteBranchInfo, RemoteInfo, TagInfo } from '../../core/git/git';
import type { PullRequestInfo } from '../../core/github/github';
import type { RepositoryModel } from './repositoryModel';

export type ChangeGroup = 'staged' | 'unstaged' | 'untracked' | 'conflicted';

/**
 * The nodes of the Repositories tree. Commands receive them as their first argument (from menus);
 * programmatic callers pass a plain `{ repository: '/path', ... }` object instead (see repositoryArgs.ts).
 */
export type RepoNode =
  | { kind: 'repository'; repo: RepositoryModel }
  | { kind: 'workingTree'; repo: RepositoryModel }
  | { kind: 'changeGroup'; repo: RepositoryModel; group: ChangeGroup; files: FileChange[] }
  | { kind: 'file'; repo: RepositoryModel; group: ChangeGroup; file: FileChange }
  | { kind: 'branches'; repo: RepositoryModel }
  | { kind: 'branch'; repo: RepositoryModel; branch: BranchInfo }
  | { kind: 'remoteBranches'; repo: RepositoryModel }
  | { kind: 'remoteBranch'; repo: RepositoryModel; branch: RemoteBranchInfo }
  | { kind: 'tags'; repo: RepositoryModel }
  | { kind: 'tag'; repo: RepositoryModel; tag: TagInfo }
  | { kind: 'remotes'; repo: RepositoryModel }
  | { kind: 'remote'; repo: RepositoryModel; remote: RemoteInfo }
  | { kind: 'commits'; repo: RepositoryModel }
  | { kind: 'commit'; repo: RepositoryModel; commit: CommitInfo }
  | { kind: 'loadMore'; repo: RepositoryModel }
  | { kind: 'pulls'; repo: RepositoryModel }
  | { kind: 'pull'; repo: RepositoryModel; pull: PullRequestInfo }
  | { kind: 'message'; repo?: RepositoryModel; id: string; label: string; icon: string; tooltip?: string; command?: { command: string; title: string; arguments?: unknown[] }; contextValue?: string };

export function isRepoNode(x: unknown): x is RepoNode {
  return typeof x === 'object' && x !== null && 'kind' in x && typeof (x as { kind: unknown }).kind === 'string' && ('repo' in x || (x as { kind: string }).kind === 'message');
}
