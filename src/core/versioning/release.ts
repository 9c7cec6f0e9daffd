/**
 * Applying a release plan: ONE transaction that writes the planned files, commits them, tags the
 * commit (annotated, the changelog section as its message) and optionally pushes commit and tag.
 *
 * The commit is made with a temporary index (a copy of the real one plus the release files), so the
 * real index is only touched once the commit and the tags exist. Until then a failure is undone
 * without needing the index lock: files restored byte for byte, the branch moved back with a
 * compare-and-swap `update-ref`, tags deleted. A rejected push is the one failure that keeps the
 * local commit and tag: they are correct, only the remote moved on.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AuditActor, AuditLog } from '../audit/auditLog';
import { SdlcError, errorMessage } from '../errors';
import type { Git } from '../git/git';
import { GitError } from '../git/gitError';
import type { ReleasePlan } from './plan';

export const DEFAULT_COMMIT_MESSAGE = 'chore(release): ${tag}';

/** The steps of a release, in order; tests inject failures between them. */
export type ReleaseStep = 'write' | 'commit' | 'tag' | 'index' | 'push';

export interface ApplyReleaseOptions {
  push?: boolean;
  /** Remote to push to; default the upstream remote of the branch, else `origin`. */
  remote?: string;
  /** `${tag}` (every tag, comma-separated) and `${version}` are replaced; default `chore(release): ${tag}`. */
  commitMessage?: string;
  audit?: { log: AuditLog; actor: AuditActor };
  signal?: AbortSignal;
  /** Called before each step (tests: make a step fail a real way, e.g. lock the index). */
  beforeStep?: (step: ReleaseStep) => Promise<void> | void;
}

export interface AppliedRelease {
  /** The plan (the first one when several were applied together). */
  plan: ReleasePlan;
  plans: ReleasePlan[];
  /** sha of the release commit. */
  commit: string;
  /** The tag (the first one when several were applied together). */
  tag: string;
  tags: string[];
  pushed: boolean;
  /** The remote pushed to, null when not pushed. */
  remote: string | null;
}

type ReleaseGit = Pick<Git, 'root' | 'run'>;

interface Backup {
  path: string;
  absolute: string;
  /** The original bytes, null when the file did not exist. */
  bytes: Buffer | null;
}

/** What has been done so far, so a failure undoes exactly that. */
interface Progress {
  written: Backup[];
  committed: string | null;
  tagged: string[];
  indexSynced: boolean;
  branchPushed: boolean;
}

/** Applies one plan, or several (a monorepo: one commit, one tag per package). */
export async function applyRelease(git: ReleaseGit, planOrPlans: ReleasePlan | ReleasePlan[], options: ApplyReleaseOptions = {}): Promise<AppliedRelease> {
  const plans = Array.isArray(planOrPlans) ? planOrPlans : [planOrPlans];
  let commit: string | null = null;
  let pushed = false;
  try {
    const result = await transaction(git, plans, options, (c) => (commit = c));
    pushed = result.pushed;
    await record(git, plans, options, { commit: result.commit, pushed, error: null });
    return result;
  } catch (e) {
    if (!(e instanceof AuditWriteError)) await record(git, plans, options, { commit, pushed, error: e }).catch(() => undefined);
    throw e instanceof AuditWriteError ? e.error : e;
  }
}

class AuditWriteError extends Error {
  constructor(readonly error: SdlcError) {
    super(error.message);
  }
}

async function record(
  git: ReleaseGit,
  plans: ReleasePlan[],
  options: ApplyReleaseOptions,
  outcome: { commit: string | null; pushed: boolean; error: unknown },
): Promise<void> {
  if (!options.audit) return;
  const { log, actor } = options.audit;
  for (const plan of plans) {
    const after = { version: plan.next, commit: outcome.commit, tag: plan.tag, pushed: outcome.pushed };
    const base = { actor, action: 'version.bump', repository: git.root, target: { package: plan.package, tag: plan.tag }, before: { version: plan.current } };
    if (outcome.error === null) {
      try {
        await log.append({ ...base, after, result: 'success' });
      } catch (e) {
        throw new AuditWriteError(
          new SdlcError('AuditWriteFailed', `The release ${plan.tag} was made but could not be recorded in the audit log: ${errorMessage(e)}`, { cause: e }),
        );
      }
    } else {
      const code = outcome.error instanceof SdlcError ? outcome.error.code : 'Error';
      // A rejected push leaves a correct local commit and tag: the entry says where they are.
      await log.append({ ...base, ...(outcome.commit ? { after } : {}), result: 'failure', error: { code, message: errorMessage(outcome.error) } });
    }
  }
}

async function transaction(git: ReleaseGit, plans: ReleasePlan[], options: ApplyReleaseOptions, onCommit: (sha: string) => void): Promise<AppliedRelease> {
  if (plans.length === 0) throw new SdlcError('NothingToRelease', 'No release plan given: nothing to release.', { usage: true });
  const signal = options.signal;
  const run = (args: string[], extra: { input?: string; env?: Record<string, string> } = {}) => git.run(args, { ...extra, signal });
  const tags = plans.map((p) => p.tag);
  const files = checkPlans(git.root, plans);

  // ---- checks: nothing is changed before all of them passed ----
  const branchRef = await run(['symbolic-ref', '-q', 'HEAD']).then(
    (out) => out.trim(),
    () => '',
  );
  if (!branchRef.startsWith('refs/heads/')) {
    throw new SdlcError('DetachedHead', 'HEAD is detached (not on a branch), so a release commit would belong to no branch. Check out a branch and try again.', { usage: true });
  }
  const branch = branchRef.slice('refs/heads/'.length);
  const original = (await run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '')).trim();
  if (!original) throw new SdlcError('EmptyRepository', 'The repository has no commits yet, so there is nothing to release.', { usage: true });

  const dirty = parseDirty(await run(['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=no']));
  if (dirty.length) {
    const list = dirty.slice(0, 10).join(', ') + (dirty.length > 10 ? ` and ${dirty.length - 10} more` : '');
    throw new SdlcError('DirtyWorkTree', `The working tree has uncommitted changes (${list}). Commit or stash them first, so the release commit holds only the release.`, { usage: true });
  }
  const existing = (await run(['tag', '--list', ...tags])).split('\n').map((t) => t.trim()).filter(Boolean);
  if (existing.length) {
    throw new SdlcError('TagExists', `The tag ${existing.join(', ')} already exists locally; delete it or choose another version.`, { usage: true });
  }
  const push = options.push ? await pushTarget(git, branch, options.remote, signal) : null;
  if (push) {
    const remoteTags = await run(['ls-remote', '--tags', push.remote, ...tags.map((t) => `refs/tags/${t}`)]);
    const taken = tags.filter((t) => remoteTags.split('\n').some((l) => l.split('\t')[1]?.trim() === `refs/tags/${t}`));
    if (taken.length) {
      throw new SdlcError('TagExists', `The tag ${taken.join(', ')} already exists on the remote ${push.remote}; fetch the tags and choose another version.`, { usage: true });
    }
  }
  const backups = await readBackups(git.root, files);

  // ---- the transaction ----
  const progress: Progress = { written: [], committed: null, tagged: [], indexSynced: false, branchPushed: false };
  const step = async (name: ReleaseStep) => {
    if (signal?.aborted) throw new SdlcError('Cancelled', `The release was cancelled before the ${name} step.`);
    await options.beforeStep?.(name);
  };
  const gitDir = path.resolve(git.root, (await run(['rev-parse', '--git-dir'])).trim());
  const tempIndex = path.join(gitDir, `sdlc-release-index-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await step('write');
    for (const [i, file] of files.entries()) {
      progress.written.push(backups[i]);
      await fs.mkdir(path.dirname(backups[i].absolute), { recursive: true });
      await fs.writeFile(backups[i].absolute, file.after);
    }

    await step('commit');
    // The commit is built in a copy of the index: the real one stays as it was until the end.
    const realIndex = path.resolve(git.root, (await run(['rev-parse', '--git-path', 'index'])).trim());
    const haveIndex = await fs.copyFile(realIndex, tempIndex).then(
      () => true,
      () => false,
    );
    const env = { GIT_INDEX_FILE: tempIndex };
    if (!haveIndex) await run(['read-tree', original], { env });
    await run(['add', '--', ...files.map((f) => f.path)], { env });
    const message = commitMessage(options.commitMessage, plans);
    await run(['commit', '-q', '--cleanup=verbatim', '-F', '-'], { env, input: message });
    const commit = (await run(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
    const parent = (await run(['rev-parse', '--verify', `${commit}^`])).trim();
    progress.committed = commit;
    onCommit(commit);
    if (parent !== original) throw new SdlcError('ConcurrentChange', `The branch ${branch} moved while the release was being made.`);

    await step('tag');
    for (const plan of plans) {
      await run(['tag', '-a', '--cleanup=verbatim', '-F', '-', plan.tag, commit], { input: plan.changelog });
      progress.tagged.push(plan.tag);
    }

    await step('index');
    // The real index catches up with the commit (only the release files change in it).
    await run(['reset', '-q', commit, '--', ...files.map((f) => f.path)]);
    progress.indexSynced = true;

    let pushed = false;
    if (push) {
      await step('push');
      await pushRelease(git, push, branch, tags, progress, signal);
      pushed = true;
    }
    return { plan: plans[0], plans, commit, tag: tags[0], tags, pushed, remote: push?.remote ?? null };
  } catch (e) {
    if (progress.committed && progress.tagged.length === tags.length && isPushFailure(e)) {
      throw pushFailure(e, tags, push?.remote ?? 'origin', branch, progress.branchPushed);
    }
    if (progress.branchPushed) {
      // The branch is on the remote already: undoing it locally would only make things worse.
      throw pushFailure(e, tags, push?.remote ?? 'origin', branch, true);
    }
    const problems = await rollback(git, branchRef, original, progress);
    const what = describeFailure(e);
    if (problems.length) {
      throw new SdlcError('RollbackIncomplete', `The release failed (${what}) and could not be fully undone: ${problems.join('; ')}.`, { cause: e });
    }
    const code = e instanceof SdlcError ? e.code : 'ReleaseFailed';
    throw new SdlcError(code, `The release failed (${what}). Everything was restored: files, commit and tags are as they were before.`, { cause: e, usage: e instanceof SdlcError && e.usage });
  } finally {
    await fs.rm(tempIndex, { force: true }).catch(() => undefined);
    await fs.rm(`${tempIndex}.lock`, { force: true }).catch(() => undefined);
  }
}

/** Every file of every plan once, inside the work tree. */
function checkPlans(root: string, plans: ReleasePlan[]): Array<{ path: string; before: string | null; after: string }> {
  const seenTags = new Set<string>();
  const byPath = new Map<string, { path: string; before: string | null; after: string }>();
  for (const plan of plans) {
    if (seenTags.has(plan.tag)) throw new SdlcError('InvalidPlan', `Two plans create the tag ${plan.tag}.`, { usage: true });
    seenTags.add(plan.tag);
    for (const file of plan.files) {
      const p = file.path.replace(/\\/g, '/');
      const normal = path.posix.normalize(p);
      if (p === '' || path.posix.isAbsolute(p) || normal.startsWith('../') || normal === '..' || normal.split('/')[0] === '.git') {
        throw new SdlcError('InvalidPlan', `The release file "${file.path}" is not inside the work tree of ${root}.`, { usage: true });
      }
      const previous = byPath.get(normal);
      if (previous && (previous.before !== file.before || previous.after !== file.after)) {
        throw new SdlcError('InvalidPlan', `Two plans change ${normal} differently; plan the packages together (planReleases) so each file is written once.`, { usage: true });
      }
      byPath.set(normal, { path: normal, before: file.before, after: file.after });
    }
  }
  return [...byPath.values()];
}

async function readBackups(root: string, files: Array<{ path: string; before: string | null }>): Promise<Backup[]> {
  const backups: Backup[] = [];
  const changed: string[] = [];
  for (const file of files) {
    const absolute = path.join(root, ...file.path.split('/'));
    const bytes = await fs.readFile(absolute).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    const now = bytes === null ? null : bytes.toString('utf8');
    if (now !== file.before) changed.push(file.path);
    backups.push({ path: file.path, absolute, bytes });
  }
  if (changed.length) {
    throw new SdlcError('ConcurrentChange', `${changed.join(', ')} changed since the release was planned; plan it again.`, { usage: true });
  }
  return backups;
}

/** Paths of tracked changes from `status --porcelain=v1 -z` (a rename carries its source after it). */
function parseDirty(out: string): string[] {
  const paths: string[] = [];
  const records = out.split('\0');
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.length < 4) continue;
    paths.push(r.slice(3));
    if (r[0] === 'R' || r[0] === 'C') i++;
  }
  return paths;
}

function commitMessage(template: string | undefined, plans: ReleasePlan[]): string {
  const t = template ?? DEFAULT_COMMIT_MESSAGE;
  const message = t.split('${tag}').join(plans.map((p) => p.tag).join(', ')).split('${version}').join(plans[0].next);
  return message.endsWith('\n') ? message : `${message}\n`;
}

interface PushTarget {
  remote: string;
  /** Full name of the branch on the remote. */
  remoteBranch: string;
}

async function pushTarget(git: ReleaseGit, branch: string, remote: string | undefined, signal?: AbortSignal): Promise<PushTarget> {
  const [upstreamRemote, upstreamRef] = (await git.run(['for-each-ref', '--format=%(upstream:remotename)%00%(upstream:remoteref)', `refs/heads/${branch}`], { signal }))
    .trim()
    .split('\0');
  const chosen = remote ?? (upstreamRemote || 'origin');
  if (chosen.startsWith('-')) throw new SdlcError('InvalidRemote', `"${chosen}" is not a remote name.`, { usage: true });
  const remotes = (await git.run(['remote'], { signal })).split('\n').map((r) => r.trim());
  if (!remotes.includes(chosen)) {
    throw new SdlcError('RemoteNotFound', `There is no remote named "${chosen}" to push the release to; add one or choose another.`, { usage: true });
  }
  return { remote: chosen, remoteBranch: chosen === upstreamRemote && upstreamRef ? upstreamRef : `refs/heads/${branch}` };
}

async function pushRelease(git: ReleaseGit, target: PushTarget, branch: string, tags: string[], progress: Progress, signal?: AbortSignal): Promise<void> {
  const branchSpec = `refs/heads/${branch}:${target.remoteBranch}`;
  const tagSpecs = tags.map((t) => `refs/tags/${t}:refs/tags/${t}`);
  try {
    await git.run(['push', '--atomic', '--porcelain', target.remote, branchSpec, ...tagSpecs], { signal });
    progress.branchPushed = true;
    return;
  } catch (e) {
    // Older servers do not support atomic pushes: branch first, then the tags.
    if (!(e instanceof GitError && /does not support --atomic/i.test(e.stderr ?? ''))) throw e;
  }
  await git.run(['push', '--porcelain', target.remote, branchSpec], { signal });
  progress.branchPushed = true;
  await git.run(['push', '--porcelain', target.remote, ...tagSpecs], { signal });
}

function isPushFailure(e: unknown): boolean {
  return e instanceof GitError && e.gitCode === 'PushRejected';
}

function pushFailure(e: unknown, tags: string[], remote: string, branch: string, branchPushed: boolean): SdlcError {
  const what = `The release commit and tag${tags.length > 1 ? 's' : ''} ${tags.join(', ')} were created locally`;
  if (isPushFailure(e) && !branchPushed) {
    return new SdlcError(
      'PushRejected',
      `${what} but the push was rejected: pull, then push the branch and the tag${tags.length > 1 ? 's' : ''} (${errorMessage(e)})`,
      { cause: e },
    );
  }
  return new SdlcError(
    'PushIncomplete',
    `${what} and the branch ${branch} was pushed to ${remote}, but pushing the tag${tags.length > 1 ? 's' : ''} failed: push ${tags.length > 1 ? 'them' : 'it'} again (git push ${remote} ${tags.join(' ')}). (${errorMessage(e)})`,
    { cause: e },
  );
}

function describeFailure(e: unknown): string {
  return errorMessage(e).replace(/\.$/, '');
}

/** Undoes the steps done, newest first; never takes the signal (a cancel must still be undone). */
async function rollback(git: ReleaseGit, branchRef: string, original: string, progress: Progress): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${what}: ${errorMessage(e)}`);
    }
  };
  for (const tag of [...progress.tagged].reverse()) await attempt(`deleting the tag ${tag}`, () => git.run(['tag', '-d', tag]));
  if (progress.committed) {
    await attempt(`moving ${branchRef} back to ${original.slice(0, 7)}`, () => git.run(['update-ref', '-m', 'sdlc: release rolled back', branchRef, original, progress.committed!]));
  }
  if (progress.indexSynced) {
    await attempt('restoring the index', () => git.run(['reset', '-q', original, '--', ...progress.written.map((b) => b.path)]));
  }
  for (const b of [...progress.written].reverse()) {
    await attempt(`restoring ${b.path}`, () => (b.bytes === null ? fs.rm(b.absolute, { force: true }) : fs.writeFile(b.absolute, b.bytes)));
  }
  return problems;
}
