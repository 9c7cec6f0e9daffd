/**
 * Environments as the tool sees them: GitHub's (with protection rules) merged with `.sdlc.json`
 * `environments` (deploy method, strategy, targets, health, protected), and what is deployed in
 * each now (the newest deployment whose newest status is success) with its history.
 */
import type { EnvironmentConfig, SdlcConfig, StrategyType } from '../config/config';
import { SdlcError } from '../errors';
import type { Deployment, DeploymentStatusState, GitHubEnvironment } from './githubDeploy';

export interface DeployEnvironment {
  name: string;
  source: 'config' | 'github' | 'both';
  /** Needs an explicit confirmation: `protected` in config, or required reviewers / a wait timer on GitHub. */
  protected: boolean;
  reviewers: string[];
  waitTimerMinutes: number;
  githubId: number | null;
  htmlUrl: string | null;
  deploy: EnvironmentConfig['deploy'] | null;
  strategy: NonNullable<EnvironmentConfig['strategy']> & { type: StrategyType };
  targets: string[];
  config: EnvironmentConfig | null;
}

export function mergeEnvironments(config: SdlcConfig, github: readonly GitHubEnvironment[]): DeployEnvironment[] {
  const out: DeployEnvironment[] = [];
  const byName = new Map(github.map((g) => [g.name.toLowerCase(), g]));
  const seen = new Set<string>();
  for (const c of config.environments ?? []) {
    const g = byName.get(c.name.toLowerCase()) ?? null;
    seen.add(c.name.toLowerCase());
    out.push(build(c.name, c, g));
  }
  for (const g of github) if (!seen.has(g.name.toLowerCase())) out.push(build(g.name, null, g));
  // promotion order first, then the rest as listed
  const order = config.promotion ?? [];
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  return out.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e.name) - rank(b.e.name) || a.i - b.i).map((x) => x.e);
}

function build(name: string, c: EnvironmentConfig | null, g: GitHubEnvironment | null): DeployEnvironment {
  const targets = (c?.targets ?? []).map((t) => (typeof t === 'string' ? t : t.name));
  return {
    name,
    source: c && g ? 'both' : c ? 'config' : 'github',
    protected: c?.protected === true || (g ? g.reviewers.length > 0 || g.waitTimerMinutes > 0 : false),
    reviewers: g?.reviewers ?? [],
    waitTimerMinutes: g?.waitTimerMinutes ?? 0,
    githubId: g?.id ?? null,
    htmlUrl: g?.htmlUrl ?? null,
    deploy: c?.deploy ?? null,
    strategy: c?.strategy ?? { type: 'big-bang' },
    targets,
    config: c,
  };
}

export function findEnvironment(environments: readonly DeployEnvironment[], name: string): DeployEnvironment {
  const env = environments.find((e) => e.name === name) ?? environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
  if (!env) {
    throw new SdlcError('UnknownEnvironment', `No environment "${name}" on GitHub or in .sdlc.json (known: ${environments.map((e) => e.name).join(', ') || 'none'}). Check the name, or add it to "environments" in .sdlc.json.`, { usage: true });
  }
  return env;
}

/** The previous environment in the promotion order (`promotion` in .sdlc.json), or null. */
export function previousInPromotion(config: SdlcConfig, environment: string): string | null {
  const order = config.promotion ?? [];
  const i = order.indexOf(environment);
  return i > 0 ? order[i - 1] : null;
}

export type DeploymentOutcome = 'success' | 'failure' | 'in-progress' | 'inactive' | 'unknown';

export function outcomeOf(state: DeploymentStatusState | undefined): DeploymentOutcome {
  switch (state) {
    case 'success':
      return 'success';
    case 'failure':
    case 'error':
      return 'failure';
    case 'pending':
    case 'queued':
    case 'in_progress':
      return 'in-progress';
    case 'inactive':
      return 'inactive';
    default:
      return 'unknown';
  }
}

export interface DeploymentSummary {
  id: number;
  ref: string;
  sha: string;
  environment: string;
  /** Version from a release tag ref (v1.2.3 → 1.2.3), else null. */
  version: string | null;
  creator: string | null;
  createdAt: string;
  status: DeploymentOutcome;
  statusState: DeploymentStatusState | null;
  description: string | null;
  /** The workflow run / log of the deployment, when a status links one. */
  logUrl: string | null;
  environmentUrl: string | null;
  /** Target / wave from the payload (phased rollouts), else null. */
  target: string | null;
  statuses: Array<{ state: DeploymentStatusState; createdAt: string; description: string; creator: string | null }>;
}

export function summarize(d: Deployment): DeploymentSummary {
  const latest = d.statuses[0];
  const payload = (typeof d.payload === 'object' && d.payload !== null ? d.payload : {}) as Record<string, unknown>;
  return {
    id: d.id,
    ref: d.ref,
    sha: d.sha,
    environment: d.environment,
    version: /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(d.ref.replace(/^refs\/tags\//, ''))?.[1] ?? null,
    creator: d.creator,
    createdAt: d.createdAt,
    status: outcomeOf(latest?.state),
    statusState: latest?.state ?? null,
    description: d.description,
    logUrl: d.statuses.find((s) => s.logUrl)?.logUrl ?? null,
    environmentUrl: d.statuses.find((s) => s.environmentUrl)?.environmentUrl ?? null,
    target: typeof payload.target === 'string' ? payload.target : null,
    statuses: d.statuses.map((s) => ({ state: s.state, createdAt: s.createdAt, description: s.description, creator: s.creator })),
  };
}

/** What is deployed now: the newest successful deployment (newest-first history), else null. */
export function currentDeployment(history: readonly DeploymentSummary[]): DeploymentSummary | null {
  return history.find((d) => d.status === 'success') ?? null;
}

/**
 * The deployment a rollback redeploys: when the newest deployment failed, the last successful one;
 * otherwise the newest successful deployment before the current one with another commit.
 */
export function rollbackTarget(history: readonly DeploymentSummary[]): DeploymentSummary | null {
  const current = currentDeployment(history);
  if (!current) return null;
  if (history[0] && history[0].status === 'failure' && history[0].sha !== current.sha) return current;
  const after = history.slice(history.indexOf(current) + 1);
  return after.find((d) => d.status === 'success' && d.sha !== current.sha) ?? null;
}
