import { redact } from '../log';
import { stripCredentials } from '../github/remote';
import { GitError, type GitErrorCode } from './gitError';

/**
 * What went wrong besides exit code and stderr: the spawn error (ENOENT when git is missing),
 * whether the call was aborted, the git binary that was tried.
 */
export interface FailureContext {
  cause?: unknown;
  aborted?: boolean;
  gitPath?: string;
  cwd?: string;
}

/** Credentials never leave the adapter: URLs lose their user info, tokens are masked. */
export function redactGitText(text: string): string {
  return redact(text).replace(/\b(https?:\/\/)[^/\s@]+@/gi, '$1');
}

export function redactArgs(args: readonly string[]): string[] {
  return args.map((a) => (/[:@]/.test(a) ? stripCredentials(redactGitText(a)) : a));
}

const FATAL_LINE = /^fatal: (.*)$/m;
const ERROR_LINE = /^error: (.*)$/m;

function quoted(stderr: string, re: RegExp): string | undefined {
  return re.exec(stderr)?.[1];
}

/**
 * What git said went wrong: the reason it stopped (`fatal:`) with the first `error:` line as its
 * detail (`index file corrupt (bad signature 0x414d4144)`: the error line alone named no file), else
 * the one of them there is, else the first line.
 */
function gitReason(stderr: string): string {
  const fatal = FATAL_LINE.exec(stderr)?.[1].trim();
  const error = ERROR_LINE.exec(stderr)?.[1].trim();
  if (fatal && error && error !== fatal) return `${fatal} (${error})`;
  const reason = fatal || error;
  if (reason) return reason;
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
  return line ?? '';
}

function isSpawnEnoent(cause: unknown): boolean {
  if (!cause) return false;
  const code = (cause as { code?: unknown }).code;
  if (code === 'ENOENT') return true;
  const message = cause instanceof Error ? cause.message : String(cause);
  return /\bspawn\b.*\bENOENT\b/.test(message);
}

/**
 * The one place where a failed git call becomes a classified `GitError`. Classification reads the
 * exit code and stderr (git has no machine-readable error codes); messages say what happened and
 * what to do, and never carry credentials.
 */
export function classifyGitFailure(args: readonly string[], exitCode: number | null, stderr: string, context: FailureContext = {}): GitError {
  const safeArgs = redactArgs(args);
  const err = redactGitText(stderr ?? '').trim();
  const command = args.find((a) => !a.startsWith('-')) ?? '';
  const make = (code: GitErrorCode, message: string, hint?: string) =>
    new GitError(code, message, { args: safeArgs, exitCode, stderr: err, hint, cause: context.cause });

  if (context.aborted) return make('Cancelled', `git ${command} was cancelled.`);
  if (isSpawnEnoent(context.cause) || (exitCode === -2 && /ENOENT/.test(err))) {
    const bin = context.gitPath ?? 'git';
    return make('GitNotFound', `Git was not found (tried "${bin}"). Install git, or set the path of the git executable in the settings.`);
  }
  const causeMessage = context.cause instanceof Error ? context.cause.message : '';
  if (/directory that does not exist/.test(causeMessage)) {
    return make('NotARepository', `The folder ${context.cwd ?? ''} does not exist, so it is not a git repository. Open an existing folder.`);
  }

  // ---- repository state ----
  if (/detected dubious ownership/i.test(err)) {
    const at = quoted(err, /dubious ownership in repository at '([^']+)'/) ?? context.cwd ?? '';
    return make(
      'NotARepository',
      `Git refuses to work in ${at} because the folder belongs to another user. Run "git config --global --add safe.directory ${at}" if you trust it.`,
    );
  }
  if (/must be run in a work tree/i.test(err)) {
    return make(
      'NotARepository',
      `${context.cwd ?? 'This folder'} is a git directory or a bare repository, which has no work tree. Run in the folder of the work tree (the one holding .git), or clone the bare repository first.`,
    );
  }
  if (/not a git repository/i.test(err) && !/does not appear to be a git repository/.test(err)) {
    return make('NotARepository', `${context.cwd ?? 'This folder'} is not inside a git repository. Open a repository, or run "git init" to create one.`);
  }
  if (/does not have any commits yet|unborn branch|bad default revision 'HEAD'|Failed to resolve 'HEAD' as a valid ref/i.test(err)) {
    return make('EmptyRepository', 'The repository has no commits yet. Make a first commit, then try again.');
  }
  if (/Unable to create '([^']+\.lock)': File exists/.test(err)) {
    const lock = quoted(err, /Unable to create '([^']+\.lock)'/) ?? 'a .lock file';
    const what = /index\.lock$/.test(lock) ? 'The index is locked' : 'A ref is locked';
    return make(
      'RepositoryLocked',
      `${what} by another git process (${lock}). Wait for it to finish or delete the lock file if no git process is running.`,
    );
  }
  if (/cannot lock ref '([^']+)': '([^']+)' exists; cannot create/.test(err)) {
    const [, ref, existing] = /cannot lock ref '([^']+)': '([^']+)' exists/.exec(err) ?? [];
    return make('RefExists', `Cannot create ${ref} because ${existing} exists and a ref cannot also be a folder. Choose another name.`);
  }
  if (/is not a valid (?:branch|tag|ref) name|is not a valid branch name|not a valid ref name/i.test(err)) {
    const name = quoted(err, /'([^']*)' is not a valid/) ?? '';
    return make('InvalidRefName', `"${name}" is not a valid git ref name. Avoid spaces, "..", "~^:?*[\\", a leading "-" or ".", and a trailing ".lock" or "/".`);
  }

  // ---- pushes ----
  if (/shallow update not allowed/i.test(err)) {
    return make('ShallowRepository', 'The remote refused a push from a shallow clone. Fetch the full history ("git fetch --unshallow") and push again.');
  }
  if (/You are not currently on a branch/i.test(err)) {
    return make('DetachedHead', 'HEAD is detached (not on a branch). Check out a branch, or create one here, and try again.');
  }
  if (/\(already exists\)/.test(err) && command === 'push') {
    return make('PushRejected', 'The push was rejected: the tag already exists on the remote. Use a new tag name.');
  }
  if (/! \[(?:remote )?rejected\]|Updates were rejected|failed to push some refs/.test(err)) {
    if (/non-fast-forward|fetch first|tip of your current branch is behind|stale info/.test(err)) {
      return make('PushRejected', 'The push was rejected because the remote has commits you do not have (non-fast-forward). Pull (or fetch and merge/rebase), then push again.');
    }
    if (/src refspec (\S+) does not match any/.test(err)) {
      const ref = quoted(err, /src refspec (\S+) does not match any/);
      return make('RefNotFound', `There is no local ref "${ref}" to push. Check the branch or tag name.`);
    }
    const reason = quoted(err, /\[remote rejected\][^\n(]*\(([^)]+)\)/);
    return make('PushRejected', `The remote rejected the push${reason ? ` (${reason})` : ''}. Check the branch protection and hooks of the remote, then try again.`);
  }
  if (/src refspec (\S+) does not match any/.test(err)) {
    const ref = quoted(err, /src refspec (\S+) does not match any/);
    return make('RefNotFound', `There is no local ref "${ref}" to push. Check the branch or tag name.`);
  }
  if (/has no upstream branch|no tracking information|no upstream configured|does not track a remote|upstream branch .* not stored as a remote-tracking branch/i.test(err)) {
    return make('NoUpstream', 'The current branch has no upstream branch. Push it with "set upstream" first, or choose the remote branch to track.');
  }

  // ---- remotes and network ----
  if (/does not appear to be a git repository|No such remote|repository '[^']*' not found|returned error: 404|No remote repository specified|no such remote/i.test(err)) {
    const name = quoted(err, /'([^']+)' does not appear to be a git repository/) ?? quoted(err, /No such remote:? '?([^'\s]+)'?/i);
    return make('RemoteNotFound', `The remote${name ? ` "${name}"` : ''} was not found. Check the remote's name and URL ("git remote -v").`);
  }
  if (/Authentication failed|could not read (?:Username|Password)|terminal prompts disabled|Permission denied \(publickey|Invalid username or password|returned error: 40[13]|HTTP Basic: Access denied|403 Forbidden/i.test(err)) {
    return make('AuthFailed', 'Git could not authenticate with the remote. Sign in (or configure a credential helper / SSH key) and try again.');
  }
  if (/Could not resolve host|Could not resolve hostname|Connection refused|Couldn't connect to server|Failed to connect to|timed out|Network is unreachable|No route to host|Connection reset|remote end hung up unexpectedly|early EOF|SSL certificate problem|unable to access '/i.test(err)) {
    const host = quoted(err, /Could not resolve host(?:name)?:? '?([^'\s:]+)/) ?? quoted(err, /Failed to connect to (\S+)/);
    return make('Network', `Git could not reach the remote${host ? ` (${host})` : ''}: ${gitReason(err)}. Check the network connection and the remote URL, then try again.`);
  }
  if (/couldn't find remote ref (\S+)/i.test(err)) {
    const ref = quoted(err, /couldn't find remote ref (\S+)/i);
    return make('RefNotFound', `The remote has no ref "${ref}". It may have been deleted; fetch with prune and choose another branch.`);
  }

  // ---- work tree ----
  if (/not fully merged/.test(err)) {
    const name = quoted(err, /branch '([^']+)' is not fully merged/) ?? '';
    return make('BranchNotMerged', `The branch "${name}" has commits that are not merged. Merge it first, or delete it with force if you want to lose them.`);
  }
  if (/would be overwritten by (?:checkout|merge|switch)|commit your changes or stash them|You have unstaged changes|Your index contains uncommitted changes|untracked working tree files would be/i.test(err)) {
    return make('DirtyWorkTree', 'Local changes would be overwritten. Commit or stash them, then try again.');
  }
  if (/CONFLICT|Automatic merge failed|resolve your current index first|needs merge|unmerged files|You have not concluded your|is in the middle of|fix conflicts/i.test(err)) {
    return make('Conflict', 'There are unresolved conflicts. Resolve them and commit (or abort the merge/rebase), then try again.');
  }
  if (/Not possible to fast-forward|Diverging branches can't be fast-forwarded|have diverged/i.test(err)) {
    return make('Conflict', 'The branch and its upstream have diverged, so a fast-forward is not possible. Merge or rebase, then try again.');
  }

  // ---- refs ----
  if (/already exists/.test(err)) {
    const name = quoted(err, /(?:branch named|tag) '([^']+)' already exists/) ?? '';
    const kind = /tag '/.test(err) ? 'tag' : 'branch';
    return make('RefExists', `A ${kind} named "${name}" already exists. Choose another name, or check out the existing one.`);
  }
  if (/Cannot delete branch '([^']+)' checked out/.test(err)) {
    const name = quoted(err, /Cannot delete branch '([^']+)'/) ?? '';
    return make('Unknown', `The branch "${name}" is checked out, so it cannot be deleted. Check out another branch first.`);
  }
  if (/pathspec '([^']+)' did not match|invalid reference|not found\.|Needed a single revision|bad revision|unknown revision|not a valid object name|not a commit|bad object|no such ref|not a valid ref|ambiguous argument/i.test(err)) {
    const name =
      quoted(err, /pathspec '([^']+)'/) ??
      quoted(err, /invalid reference: (\S+)/) ??
      quoted(err, /(?:branch|tag) '([^']+)' not found/) ??
      quoted(err, /not a valid object name:? '?([^'\s]+)'?/i) ??
      quoted(err, /(?:bad revision|ambiguous argument) '([^']+)'/) ??
      '';
    return make('RefNotFound', `${name ? `"${name}" does` : 'The ref does'} not name a branch, tag or commit here. Check the name, or fetch to get it from the remote.`);
  }

  if (/Please tell me who you are|identity unknown|unable to auto-detect email/i.test(err)) {
    return make('Unknown', 'Git does not know who you are. Set user.name and user.email ("git config user.name …", "git config user.email …") and try again.');
  }

  // git's whole stderr is in the error (and in the log); the message keeps its reason.
  const detail = gitReason(err);
  return make(
    'Unknown',
    `git ${command} failed${exitCode !== null && exitCode !== undefined ? ` (exit code ${exitCode})` : ''}${detail ? `: ${detail}` : ''}.`,
  );
}
