/**
 * Continuous delivery: an opt-in watch of a branch. On every tick: read the branch head; when it is
 * new (not the last commit deployed or tried) and its CI is green, deploy it to the environment.
 * Never two at once: a tick while a deploy runs does nothing (and the deployer itself refuses a
 * deploy while one of the environment is in progress, across processes). A red or pending head is
 * skipped until it turns green; a failed deploy is not retried for the same commit.
 */
import { errorMessage } from '../errors';
import type { GitHubRepoRef } from '../git/git';
import type { CiState, GitHub } from '../github/github';

export type TickOutcome =
  | { type: 'busy' }
  | { type: 'no-head' }
  | { type: 'unchanged'; sha: string }
  | { type: 'not-green'; sha: string; ci: CiState }
  | { type: 'deployed'; sha: string; status: string }
  | { type: 'failed'; sha: string; error: string };

export interface ContinuousDeliveryOptions {
  environment: string;
  branch: string;
  /** Head commit of the branch (e.g. on GitHub), null when the branch does not exist. */
  head(): Promise<string | null>;
  /** CI state of a commit (combined statuses + check runs). */
  ci(sha: string): Promise<CiState>;
  /** Deploys the commit; resolves with the deploy's status ('success', 'failure', …). */
  deploy(sha: string): Promise<{ status: string }>;
  /** The commit deployed now (so a restart does not redeploy it), null when unknown. */
  lastDeployed?: string | null;
  onOutcome?(outcome: TickOutcome): void;
}

export class ContinuousDelivery {
  private busy = false;
  private last: string | null;

  constructor(private readonly o: ContinuousDeliveryOptions) {
    this.last = o.lastDeployed ?? null;
  }

  get running(): boolean {
    return this.busy;
  }

  /** The commit last deployed or tried. */
  get lastSha(): string | null {
    return this.last;
  }

  async tick(): Promise<TickOutcome> {
    if (this.busy) return this.emit({ type: 'busy' });
    this.busy = true;
    try {
      const sha = await this.o.head();
      if (!sha) return this.emit({ type: 'no-head' });
      if (sha === this.last) return this.emit({ type: 'unchanged', sha });
      const ci = await this.o.ci(sha);
      if (ci !== 'success') return this.emit({ type: 'not-green', sha, ci });
      this.last = sha;
      try {
        const result = await this.o.deploy(sha);
        return this.emit({ type: 'deployed', sha, status: result.status });
      } catch (e) {
        return this.emit({ type: 'failed', sha, error: errorMessage(e) });
      }
    } finally {
      this.busy = false;
    }
  }

  private emit(outcome: TickOutcome): TickOutcome {
    this.o.onOutcome?.(outcome);
    return outcome;
  }
}

/** The CI state of a commit (its statuses and check runs, conditional requests against the ETag cache). */
export async function commitCiState(github: Pick<GitHub, 'ciStatus'>, repo: GitHubRepoRef, sha: string): Promise<CiState> {
  return (await github.ciStatus(repo, sha)).state;
}
