/**
 * `sdlc deploy --env NAME --ref REF [--strategy big-bang|phased] [--yes] [--reason TEXT] [--force]
 *  [--input KEY=VALUE…] [--rollback | --promote]`: deploys through the environment's workflow or a
 * GitHub deployment, with the checks of src/core/deploy/deployer.ts. A protected environment needs
 * --yes (which also approves the approval gates of a phased rollout); a freeze window needs
 * --reason; a deploy while another is in progress needs --force. Exit 1 when the deploy failed or
 * was rolled back.
 *
 * GitHub: GITHUB_TOKEN / GH_TOKEN and GITHUB_API_URL. Tuning for CI and tests:
 * SDLC_DEPLOY_POLL_MS (poll interval of runs / statuses, default 5000),
 * SDLC_GITHUB_WRITE_SPACING_MS (minimum time between two writes, default 1000).
 */
import { resolveActor } from '../core/audit/actor';
import { AuditLog, resolveAuditPath } from '../core/audit/auditLog';
import { assertValidConfig, formatProblem, loadConfig, type SdlcConfig } from '../core/config/config';
import { Deployer, type DeployRequest, type DeployResult } from '../core/deploy/deployer';
import { GitHubDeployments } from '../core/deploy/githubDeploy';
import { probeAll, worstState, type HealthState } from '../core/deploy/health';
import { environmentChecks } from '../core/deploy/healthConfig';
import { SdlcError } from '../core/errors';
import type { Git } from '../core/git/git';
import { createGitHub } from '../core/github/octokitAdapter';
import type { CommandOutput, OptionValues } from './args';
import { githubOf } from './bump';
import type { CliContext } from './context';
import { githubOptionsFromEnv } from './env';

export interface DeploySession {
  git: Git;
  config: SdlcConfig;
  deployer: Deployer;
}

/** Repository, config, GitHub client, audit log and the deployer, as every deploy command needs them. */
export async function openDeploySession(context: CliContext, options: { approveWaves?: boolean; onEvent?: (line: string) => void; writes?: boolean } = {}): Promise<DeploySession> {
  // Reading environments of a public repository works without a token; changing anything does not:
  // say so before any request instead of failing at the dispatch after reading the history.
  if (options.writes && !githubOptionsFromEnv(context.env).token) {
    throw new SdlcError('Unauthorized', 'Deploying needs a GitHub token. Set GITHUB_TOKEN (or GH_TOKEN) to one that may create deployments and run workflows of the repository.', { usage: true });
  }
  const git = await context.openRepository();
  const loaded = await loadConfig(git.root);
  for (const p of loaded.problems) if (p.severity === 'warning' && loaded.file) context.logger.warn(formatProblem(loaded.file, p));
  const config = assertValidConfig(loaded);
  const repo = await githubOf(git, context.env);
  if (!repo) throw new SdlcError('NoGitHubRemote', `The repository ${git.root} has no GitHub remote (origin or the upstream of the branch): deployments live on GitHub. Add one with git remote add origin URL.`, { usage: true });
  const spacing = Number(context.env.SDLC_GITHUB_WRITE_SPACING_MS ?? '');
  const github = await createGitHub({
    ...githubOptionsFromEnv(context.env, 'sdlc-workbench-cli'),
    logger: context.logger,
    ...(Number.isFinite(spacing) && context.env.SDLC_GITHUB_WRITE_SPACING_MS ? { throttle: { writeSpacingMs: spacing } } : {}),
  });
  const gitDir = await git.gitDir();
  const log = new AuditLog(resolveAuditPath(git.root, gitDir, config.audit?.path), { logger: context.logger });
  const actor = await resolveActor('cli', git, { env: context.env });
  const pollMs = Number(context.env.SDLC_DEPLOY_POLL_MS ?? '') || 5000;
  const health = async (environment: string, target: string | null): Promise<HealthState | 'unknown'> => {
    const env = config.environments?.find((e) => e.name === environment);
    if (!env) return 'unknown';
    const all = await environmentChecks(env, git.root);
    const mine = all.filter((c) => c.target === target);
    const checks = mine.length > 0 ? mine : all.filter((c) => c.target === null);
    if (checks.length === 0) return 'unknown';
    return worstState((await probeAll(checks.map((c) => c.spec))).map((r) => r.state));
  };
  const deployer = new Deployer({
    github: new GitHubDeployments(github, repo),
    git,
    config,
    audit: { log, actor },
    health,
    pollMs,
    gateProbeMs: pollMs,
    approveWave: async () => options.approveWaves === true,
    onEvent: (e) => {
      const line =
        e.type === 'wave-start' ? (e.wave ? `wave ${e.index + 1}/${e.of}: ${e.wave}` : 'deploying')
        : e.type === 'dispatched' ? `dispatched${e.runId ? ` run ${e.runId}` : ''}${e.url ? ` ${e.url}` : ''}`
        : e.type === 'deployment-created' ? `created deployment #${e.deploymentId}`
        : e.type === 'waiting' ? `waiting: ${e.what}`
        : e.type === 'gate' ? `gate after ${e.wave}: ${e.passed ? 'passed' : 'FAILED'} (${e.reason})`
        : `rolling back ${e.wave ?? 'all'} to ${e.ref}`;
      context.logger.info(`[Deploy] ${line}`);
      options.onEvent?.(line);
    },
  });
  return { git, config, deployer };
}

export async function deployCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const v = args.values;
  const env = typeof v.env === 'string' ? v.env : undefined;
  if (!env) throw new SdlcError('BadUsage', 'sdlc deploy needs --env NAME (the environment to deploy to).', { usage: true });
  const rollback = v.rollback === true;
  const promote = v.promote === true;
  const ref = typeof v.ref === 'string' ? v.ref : undefined;
  if (rollback && promote) throw new SdlcError('BadUsage', '--rollback and --promote exclude each other.', { usage: true });
  if ((rollback || promote) && ref) throw new SdlcError('BadUsage', `--${rollback ? 'rollback' : 'promote'} chooses the ref itself: leave out --ref.`, { usage: true });
  if (!rollback && !promote && !ref) throw new SdlcError('BadUsage', 'sdlc deploy needs --ref REF (a tag, branch or SHA), or --rollback / --promote.', { usage: true });
  const strategy = typeof v.strategy === 'string' ? v.strategy : undefined;
  if (strategy !== undefined && strategy !== 'big-bang' && strategy !== 'phased') {
    throw new SdlcError('BadUsage', `--strategy ${strategy}: deploy takes big-bang or phased (continuous delivery is a watch in the editor; pull deployment is sdlc release).`, { usage: true });
  }
  const inputs: Record<string, string> = {};
  for (const pair of (v.input as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SdlcError('BadUsage', `--input ${pair}: expected KEY=VALUE.`, { usage: true });
    inputs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const { deployer } = await openDeploySession(context, { approveWaves: v.yes === true, writes: true });
  const options: Omit<DeployRequest, 'environment' | 'ref' | 'kind'> = {
    confirmed: v.yes === true,
    force: v.force === true,
    ...(typeof v.reason === 'string' ? { reason: v.reason } : {}),
    ...(strategy ? { strategy: strategy as 'big-bang' | 'phased' } : {}),
    ...(Object.keys(inputs).length ? { inputs } : {}),
  };
  const result = rollback ? await deployer.rollback(env, options) : promote ? await deployer.promote(env, options) : await deployer.deploy({ ...options, environment: env, ref: ref! });
  const failed = result.status === 'failure' || result.status === 'rolled-back';
  return { json: result, text: formatDeploy(result), exitCode: failed ? 1 : 0 };
}

function formatDeploy(r: DeployResult): string {
  const lines = [`${r.status === 'success' || r.status === 'created' ? '✓' : '✗'} ${r.kind} ${r.ref} → ${r.environment} (${r.strategy}, ${r.method}): ${r.status}`];
  for (const w of r.waves) {
    lines.push(`    ${w.wave ?? 'all targets'}: ${w.status}${w.runUrl ? ` ${w.runUrl}` : ''}${w.gate ? ` — gate ${w.gate.passed ? 'passed' : 'failed'}: ${w.gate.reason}` : ''}`);
  }
  if (r.freezeOverride) lines.push(`    freeze window "${r.freezeOverride.window}" overridden: ${r.freezeOverride.reason}`);
  lines.push(r.message);
  return lines.join('\n');
}
