import { SdlcError } from '../errors';

/** Classified git failures. Classification reads exit code and stderr of the git process. */
export type GitErrorCode =
  | 'GitNotFound'
  | 'NotARepository'
  | 'EmptyRepository'
  | 'RepositoryLocked'
  | 'PushRejected'
  | 'NoUpstream'
  | 'RefExists'
  | 'RefNotFound'
  | 'InvalidRefName'
  | 'Conflict'
  | 'DirtyWorkTree'
  | 'BranchNotMerged'
  | 'AuthFailed'
  | 'Network'
  | 'RemoteNotFound'
  | 'ShallowRepository'
  | 'DetachedHead'
  | 'Cancelled'
  | 'Unknown';

export class GitError extends SdlcError {
  constructor(
    readonly gitCode: GitErrorCode,
    message: string,
    readonly details: { args?: readonly string[]; exitCode?: number | null; stderr?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(gitCode, message, { cause: details.cause, hint: details.hint, usage: gitCode === 'InvalidRefName' });
    this.name = 'GitError';
  }
  get exitCode(): number | null | undefined {
    return this.details.exitCode;
  }
  get stderr(): string | undefined {
    return this.details.stderr;
  }
}
