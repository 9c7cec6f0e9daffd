/**
 * Applying a release plan: ONE change of the transaction core (src/core/transaction) that writes the
 * planned files, commits them, tags the commit (annotated, the changelog section as its message)
 * and optionally pushes commit and tag.
 *
 * The repository's change lock is held throughout and a journal is written before the first write,
 * so a failure, a cancel (the `signal`: Ctrl-C / SIGTERM in the CLI) or a crash is undone — or, once
 * the tags exist, finished — and recorded. The commit is made with a temporary index (a copy of the
 * real one with the release files staged as exact blobs), so the real index is only touched once
 * the commit and the tags exist. A rejected push is the one failure that keeps the local commit and
 * tag: they are correct, only the remote moved on.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AuditActor, AuditLog } from '../audit/auditLog';
import { SdlcError, errorMessage } from '../errors';
import type { Git } from '../git/git';
import { GitError } from '../git/gitError';
import { validateRefName } from '../git/refName';
import { Change, prepareChange, type PreparedChange, type Recovery } from '../transaction/change';
import { journalPath } from '../transaction/journal';
import { assertInside } from '../transaction/containment';
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
  /**
   * The change lock taken (and any interrupted change recovered) by the caller, e.g. before it
   * planned, so nothing can change between plan and release. Without it, applyRelease takes it.
   */
  prepared?: PreparedChange;
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
  /** An interrupted change this run finished or undid before the release (when it took the lock itself). */
  recovered: Recovery | null;
  /** What went wrong after the release was made and recorded (its journal could not be removed), to show. */
  warnings: string[];
}

type ReleaseGit = Pick<Git, 'root' | 'run'>;

/** How far the push got, so a failure says what is where. */
interface Progress {
  branchPushed: boolean;
}

/** Applies one plan, or several (a monorepo: one commit, one tag per package). */
export async function applyRelease(git: ReleaseGit, planOrPlans: ReleasePlan | ReleasePlan[], options: ApplyReleaseOptions = {}): Promise<AppliedRelease> {
  const plans = Array.isArray(planOrPlans) ? planOrPlans : [planOrPlans];
  const outcome = { commit: null as string | null, rolledBack: false };
  let pushed = false;
  const prepared =
    options.prepared ??
    (await prepareChange(git, { kind: 'version.bump', label: 'release', audit: options.audit, target: { tag: plans.map((p) => p.tag).join(', ') } }));
  try {
    const result = await transaction(git, prepared, plans, options, outcome);
    pushed = result.pushed;
    return { ...result, recovered: prepared.recovered };
  } catch (e) {
    if (!(e instanceof AuditWriteError)) await record(git, plans, options, { commit: outcome.commit, pushed, error: e, rolledBack: outcome.rolledBack }).catch(() => undefined);
    throw e instanceof AuditWriteError ? e.error : e;
  } finally {
    if (!options.prepared) await prepared.lock.release();
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
  outcome: { commit: string | null; pushed: boolean; error: unknown; rolledBack: boolean },
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
      // A rolled-back release says so; a rejected push leaves a correct local commit and tag: the entry says where they are.
      const failedAfter = outcome.rolledBack ? { after: { rolledBack: true } } : outcome.commit ? { after } : {};
      await log.append({ ...base, ...failedAfter, result: 'failure', error: { code, message: errorMessage(outcome.error) } });
    }
  }
}

async function transaction(
  git: ReleaseGit,
  prepared: PreparedChange,
  plans: ReleasePlan[],
  options: ApplyReleaseOptions,
  outcome: { commit: string | null; rolledBack: boolean },
): Promise<Omit<AppliedRelease, 'recovered'>> {
  if (plans.length === 0) throw new SdlcError('NothingToRelease', 'No release plan given: nothing to release.', { usage: true });
  const signal = options.signal;
  const run = (args: string[], extra: { input?: string; env?: Record<string, string> } = {}) => git.run(args, { ...extra, signal });
  const tags = plans.map((p) => p.tag);

  // ---- checks: nothing is changed before all of them passed ----
  const files = await checkReleasePlans(git, plans, { shallow: 'refuse', signal });
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
  await checkUnchanged(git.root, files);

  // ---- the transaction: journal first, then each step ----
  const message = commitMessage(options.commitMessage, plans);
  const tempIndex = path.join(prepared.site.stateDir, `release-index-${process.pid}-${randomBytes(4).toString('hex')}`);
  const paths = files.map((f) => f.path);
  const change = await Change.begin(prepared, {
    kind: 'version.bump',
    label: 'release',
    summary: { tags, versions: plans.map((p) => ({ package: p.package, from: p.current, to: p.next })) },
    files: files.map((f) => ({ path: f.path, bytes: f.after })),
    refs: [{ ref: branchRef, old: original, new: null, subject: message.split('\n')[0] }],
    tags,
    index: { paths, original },
    temp: [tempIndex],
    // Once the tags exist the release is made: an interruption after that is finished, not undone.
    commitPoint: 'tag',
    what: 'The release file',
  });
  const progress = { committed: false, tagged: 0, branchPushed: false };
  const step = async (name: ReleaseStep) => {
    if (signal?.aborted) throw new SdlcError('Cancelled', `The release was cancelled before the ${name} step.`);
    await options.beforeStep?.(name);
  };
  try {
    await step('write');
    await change.writeFiles();
    await change.step('write');

    await step('commit');
    // The commit is built in a copy of the index (its timestamps kept); the release files are staged
    // as exact blobs, so git never decides from stat data whether a file changed (racy git).
    const realIndex = path.resolve(git.root, (await run(['rev-parse', '--git-path', 'index'])).trim());
    const env = { GIT_INDEX_FILE: tempIndex };
    const copied = await fs.copyFile(realIndex, tempIndex).then(
      async () => {
        const stat = await fs.stat(realIndex);
        await fs.utimes(tempIndex, stat.atime, stat.mtime);
        return true;
      },
      () => false,
    );
    if (!copied) await run(['read-tree', original], { env });
    const blobs = (await run(['hash-object', '-w', '--', ...paths])).split('\n').filter(Boolean);
    const modes = indexModes(await run(['ls-files', '-s', '-z', '--', ...paths]));
    const info = paths.map((p, i) => `${modes.get(p) ?? '100644'} ${blobs[i]}\t${p}\n`).join('');
    await run(['update-index', '--add', '--index-info'], { env, input: info });
    await run(['commit', '-q', '--cleanup=verbatim', '-F', '-'], { env, input: message });
    const [commit, parent] = (await run(['rev-parse', 'HEAD^{commit}', 'HEAD^1'])).split('\n').map((l) => l.trim());
    progress.committed = true;
    outcome.commit = commit;
    await change.update((j) => {
      // Rolled back to the commit's parent: if someone committed meanwhile, their commit stays.
      j.refs[0] = { ...j.refs[0], old: parent, new: commit };
      for (const t of j.tags) t.target = commit;
      j.index!.commit = commit;
      j.steps.push('commit');
    });
    if (parent !== original) throw new SdlcError('ConcurrentChange', `The branch ${branch} moved while the release was being made.`);

    await step('tag');
    for (const plan of plans) {
      await run(['tag', '-a', '--cleanup=verbatim', '-F', '-', '--', plan.tag, commit], { input: plan.changelog });
      progress.tagged++;
    }
    await change.step('tag');

    await step('index');
    // The real index catches up with the commit (only the release files change in it).
    await change.update((j) => (j.index!.state = 'syncing'));
    await run(['reset', '-q', commit, '--', ...paths]).catch(async (e: unknown) => {
      // A reset that failed by itself wrote nothing (git writes the index by renaming its lock file
      // at the end); one killed by a cancel may have, and resetting back is harmless either way.
      if (!signal?.aborted) await change.update((j) => (j.index!.state = 'untouched'));
      throw e;
    });
    await change.update((j) => {
      j.index!.state = 'synced';
      j.steps.push('index');
    });

    let pushed = false;
    if (push) {
      await step('push');
      await pushRelease(git, push, branch, tags, progress, signal);
      pushed = true;
      await change.step('push');
    }
    // The release is recorded before its journal goes: killed in between, the next run finds the
    // journal, finishes the change and records that too (never a release without an entry). An entry
    // that cannot be written does not undo the release: that error is raised once it is finished.
    const auditFailure = await record(git, plans, options, { commit, pushed, error: null, rolledBack: false }).then(
      () => null,
      (e: unknown) => e,
    );
    // Removing the journal is the last step: the release is made and recorded whether it works or not
    // (a failure here must not reach the rollback below, which would say all was restored). A journal
    // left behind is finished by the next change in this repository, which records that too.
    const unfinished = await change.finish().then(
      () => null,
      (e: unknown) => e,
    );
    if (auditFailure) throw auditFailure;
    const warnings = unfinished
      ? [
          `The release ${tags.join(', ')} is made, but its journal (${journalPath(prepared.site.stateDir)}) could not be removed: ${errorMessage(unfinished)}. ` +
            'The next change in this repository finishes it (sdlc bump --recover does only that).',
        ]
      : [];
    return { plan: plans[0], plans, commit, tag: tags[0], tags, pushed, remote: push?.remote ?? null, warnings };
  } catch (e) {
    if (e instanceof AuditWriteError) throw e; // (the release is made and finished: nothing to undo)
    if (progress.committed && progress.tagged === tags.length && isPushFailure(e)) {
      // The local release is right; only the remote moved on.
      await change.finish().catch(() => undefined);
      throw pushFailure(e, tags, push?.remote ?? 'origin', branch, progress.branchPushed);
    }
    if (progress.branchPushed) {
      // The branch is on the remote already: undoing it locally would only make things worse.
      await change.finish().catch(() => undefined);
      throw pushFailure(e, tags, push?.remote ?? 'origin', branch, true);
    }
    const problems = await change.rollback(git);
    outcome.rolledBack = true;
    const what = describeFailure(e);
    if (problems.length) {
      throw new SdlcError('RollbackIncomplete', `The release failed (${what}) and could not be fully undone: ${problems.join('; ')}.`, { cause: e });
    }
    const code = e instanceof SdlcError ? (e.code === 'Cancelled' || (e instanceof GitError && e.gitCode === 'Cancelled') ? 'Cancelled' : e.code) : 'ReleaseFailed';
    const cancelled = signal?.aborted === true;
    throw new SdlcError(cancelled ? 'Cancelled' : code, `The release ${cancelled ? 'was cancelled' : `failed (${what})`}. Everything was restored: files, commit and tags are as they were before.`, {
      cause: e,
      usage: !cancelled && e instanceof SdlcError && e.usage,
    });
  }
}

/** `mode sha stage\tpath` records of `ls-files -s -z` → path → mode. */
function indexModes(out: string): Map<string, string> {
  const modes = new Map<string, string>();
  for (const record of out.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab > 0) modes.set(record.slice(tab + 1), record.split(' ')[0]);
  }
  return modes;
}

export interface CheckedFile {
  path: string;
  before: string | null;
  after: string;
}

/**
 * Every check of a release that reads only, shared by the real run and `--dry-run` (which must
 * refuse what the real run refuses): plans consistent, tags valid ref names, every file contained
 * in the work tree (no `..`, no symlink), tracked or new (an untracked draft is never published),
 * not ignored; a shallow clone only when the history since the last release is all there
 * (`shallow: 'warn'` returns that as a warning instead). Returns warnings.
 */
export async function checkReleasePlans(
  git: ReleaseGit,
  plans: ReleasePlan[],
  options: { shallow: 'refuse' | 'warn'; signal?: AbortSignal; warnings?: string[]; pendingFiles?: ReadonlySet<string>; isShallow?: Promise<boolean> },
): Promise<CheckedFile[]> {
  const signal = options.signal;
  const files = checkPlans(git.root, plans);
  for (const f of files) await assertInside(git.root, f.path, { what: 'The release file' });
  const paths = files.map((f) => f.path);
  // The three reads are independent and run side by side (read-only calls); their answers are
  // judged in the order below. check-ignore is asked about every file: it never reports a tracked
  // one (tracked files are not subject to ignore rules), so its answer restricted to the untracked
  // files is the answer about those alone.
  // Exit code 1 (nothing ignored) is a failure for the runner: read it as "none".
  // check-ignore supports no pathspec magic (so not GIT_LITERAL_PATHSPECS either); a path that
  // would read as magic (a leading ":") is left out rather than interpreted.
  const plain = paths.filter((p) => !p.startsWith(':'));
  const ignoredP = plain.length
    ? git
        .run(['check-ignore', '-z', '--stdin'], { signal, readOnly: true, input: plain.map((p) => `${p}\0`).join(''), env: { GIT_LITERAL_PATHSPECS: '0' } })
        .then((out) => new Set(out.split('\0').filter(Boolean)), () => new Set<string>())
    : Promise.resolve(new Set<string>());
  const isShallowP = options.isShallow ?? git.run(['rev-parse', '--is-shallow-repository'], { signal, readOnly: true }).then((out) => out.trim() === 'true', () => false);
  const tracked = new Set((await git.run(['ls-files', '-z', '--', ...paths], { signal, readOnly: true })).split('\0').filter(Boolean));
  // Files an interrupted change created (a dry run looks past it) are not someone's drafts.
  const untracked = files.filter((f) => !tracked.has(f.path) && !options.pendingFiles?.has(f.path));
  if (untracked.length) {
    const ignoredAll = await ignoredP;
    const ignored = untracked.map((f) => f.path).filter((p) => ignoredAll.has(p));
    if (ignored.length) {
      throw new SdlcError(
        'ReleaseFileIgnored',
        `${ignored.join(', ')} ${ignored.length > 1 ? 'are' : 'is'} ignored by git (.gitignore or info/exclude), so the release commit could not hold ${ignored.length > 1 ? 'them' : 'it'}. Stop ignoring ${ignored.length > 1 ? 'them' : 'it'}, or choose another path in .sdlc.json (versioning.changelog can also be false).`,
        { usage: true },
      );
    }
    const drafts = untracked.filter((f) => f.before !== null).map((f) => f.path);
    if (drafts.length) {
      throw new SdlcError(
        'UntrackedReleaseFile',
        `${drafts.join(', ')} ${drafts.length > 1 ? 'exist' : 'exists'} but ${drafts.length > 1 ? 'are' : 'is'} not tracked by git; the release would publish ${drafts.length > 1 ? 'them' : 'it'} as it is. Commit ${drafts.length > 1 ? 'them' : 'it'} first (or move ${drafts.length > 1 ? 'them' : 'it'} away), then release.`,
        { usage: true },
      );
    }
  }
  const shallow = (await isShallowP) ? await shallowProblem(git, plans, signal) : null;
  if (shallow) {
    if (options.shallow === 'refuse') throw new SdlcError('ShallowRepository', shallow, { usage: true });
    options.warnings?.push(shallow);
  }
  return files;
}

/**
 * In a shallow clone (what CI checkouts give by default) the last release tag, or commits since it,
 * may be missing, and the bump would be computed from a part of the history. null when complete.
 * Called only when the repository is shallow.
 */
async function shallowProblem(git: ReleaseGit, plans: ReleasePlan[], signal?: AbortSignal): Promise<string | null> {
  const how = 'Fetch the whole history (git fetch --unshallow --tags; in GitHub Actions, actions/checkout with fetch-depth: 0) and try again.';
  const shallowFile = path.resolve(git.root, (await git.run(['rev-parse', '--git-path', 'shallow'], { signal })).trim());
  const boundary = new Set((await fs.readFile(shallowFile, 'utf8').catch(() => '')).split('\n').map((l) => l.trim()).filter(Boolean));
  for (const plan of plans) {
    if (!plan.previousTag) {
      return `This is a shallow clone and no release tag of ${plan.package} was found in the fetched history, so the last release may lie beyond its depth and the bump cannot be trusted. ${how}`;
    }
    const since = (await git.run(['rev-list', 'HEAD', '--not', `refs/tags/${plan.previousTag}`, '--'], { signal })).split('\n').filter(Boolean);
    const cut = since.find((sha) => boundary.has(sha));
    if (cut) {
      return `This is a shallow clone and the history since ${plan.previousTag} is cut off at ${cut.slice(0, 7)}, so commits since the last release are missing and the bump cannot be trusted. ${how}`;
    }
  }
  return null;
}

/** Every file of every plan once, inside the work tree. */
function checkPlans(root: string, plans: ReleasePlan[]): Array<{ path: string; before: string | null; after: string }> {
  const seenTags = new Set<string>();
  const byPath = new Map<string, { path: string; before: string | null; after: string }>();
  for (const plan of plans) {
    if (seenTags.has(plan.tag)) throw new SdlcError('InvalidPlan', `Two plans create the tag ${plan.tag}.`, { usage: true });
    const tagCheck = validateRefName(plan.tag, 'tag');
    if (!tagCheck.ok) throw new SdlcError('InvalidTagFormat', `The release tag "${plan.tag}" is not a valid git tag name: ${tagCheck.reason} Fix versioning.tagFormat in .sdlc.json.`, { usage: true });
    seenTags.add(plan.tag);
    for (const file of plan.files) {
      const p = file.path.replace(/\\/g, '/');
      const normal = path.posix.normalize(p);
      if (p === '' || path.posix.isAbsolute(p) || normal.startsWith('../') || normal === '..' || normal.split('/')[0] === '.git' || /[\x00-\x1f\x7f]/.test(p)) {
        throw new SdlcError('InvalidPlan', `The release file "${file.path}" is not inside the work tree of ${root}.`, { usage: true });
      }
      const previous = byPath.get(normal);
      if (previous && (previous.before !== file.before || previous.after !== file.after)) {
        throw new SdlcError('InvalidPlan', `Two plans change ${normal} differently; plan the packages together (one planning service call) so each file is written once.`, { usage: true });
      }
      byPath.set(normal, { path: normal, before: file.before, after: file.after });
    }
  }
  return [...byPath.values()];
}

/** The files still say what the plan read (the plan is not stale). */
async function checkUnchanged(root: string, files: CheckedFile[]): Promise<void> {
  const changed: string[] = [];
  for (const file of files) {
    const bytes = await fs.readFile(path.join(root, ...file.path.split('/'))).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if ((bytes === null ? null : bytes.toString('utf8')) !== file.before) changed.push(file.path);
  }
  if (changed.length) {
    throw new SdlcError('ConcurrentChange', `${changed.join(', ')} changed since the release was planned; plan it again.`, { usage: true });
  }
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
    await git.run(['push', '--atomic', target.remote, branchSpec, ...tagSpecs], { signal });
    progress.branchPushed = true;
    return;
  } catch (e) {
    // Older servers do not support atomic pushes: branch first, then the tags.
    if (!(e instanceof GitError && /does not support --atomic/i.test(e.stderr ?? ''))) throw e;
  }
  await git.run(['push', target.remote, branchSpec], { signal });
  progress.branchPushed = true;
  await git.run(['push', target.remote, ...tagSpecs], { signal });
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
