/**
 * CI state of a commit from its commit statuses (the "combined status" API) and its check runs
 * (GitHub Actions and other apps). A failing context makes the commit fail, then anything still
 * running makes it pending; skipped / cancelled / neutral contexts count as neither.
 */
import type { CiState, CiStatus } from './github';

/** Fields of a commit status as GitHub returns it (combined status API). */
export interface CommitStatusLike {
  state: string;
  context: string;
  target_url?: string | null;
}

/** Fields of a check run as GitHub returns it (check runs API). */
export interface CheckRunLike {
  name: string;
  status: string;
  conclusion?: string | null;
  html_url?: string | null;
  details_url?: string | null;
}

export function commitStatusState(state: string): CiState {
  switch (state) {
    case 'success':
      return 'success';
    case 'failure':
    case 'error':
      return 'failure';
    case 'pending':
      return 'pending';
    default:
      return 'neutral';
  }
}

export function checkRunState(run: Pick<CheckRunLike, 'status' | 'conclusion'>): CiState {
  // queued, in_progress, waiting, requested, pending: not finished yet.
  if (run.status !== 'completed') return 'pending';
  switch (run.conclusion) {
    case 'success':
      return 'success';
    case 'failure':
    case 'timed_out':
    case 'action_required': // blocked until someone acts: the commit is not green
    case 'startup_failure':
      return 'failure';
    default:
      // neutral, skipped, cancelled, stale, or no conclusion
      return 'neutral';
  }
}

/** failure > pending > success > neutral; `none` when there is nothing. */
export function aggregateCiState(states: Iterable<CiState>): CiState {
  let seen = false;
  let pending = false;
  let success = false;
  for (const s of states) {
    if (s === 'none') continue;
    seen = true;
    if (s === 'failure') return 'failure';
    if (s === 'pending') pending = true;
    else if (s === 'success') success = true;
  }
  if (!seen) return 'none';
  return pending ? 'pending' : success ? 'success' : 'neutral';
}

/**
 * The CI status of a commit. GitHub's own combined `state` is ignored: it says `pending` when there
 * are no statuses at all, and it does not know check runs.
 */
export function ciStatusFrom(statuses: readonly CommitStatusLike[], checkRuns: readonly CheckRunLike[]): CiStatus {
  const checks: CiStatus['checks'] = [
    ...statuses.map((s) => ({ name: s.context, state: commitStatusState(s.state), url: s.target_url || null, kind: 'status' as const })),
    ...checkRuns.map((r) => ({ name: r.name, state: checkRunState(r), url: r.html_url || r.details_url || null, kind: 'check' as const })),
  ];
  return { state: aggregateCiState(checks.map((c) => c.state)), checks };
}
