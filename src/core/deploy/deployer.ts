/**
 * Deploying a ref to an environment, safely:
 *  - checks first: the environment exists, the ref resolves to a commit, a protected environment
 *    was confirmed, no freeze window is active (or it is overridden with a reason), no deployment
 *    of the environment is in progress (unless forced);
 *  - the method: dispatch the environment's workflow (typed inputs from its YAML at the ref; find
 *    the run it started; follow it to the end) or create a GitHub deployment and follow its statuses
 *    as the pipeline listening to deployment events reports them;
 *  - the strategy: big bang (every target at once) or phased (waves; after each a gate: deployment
 *    succeeded, health green for a time, optional approval; a failed gate halts the rollout and,
 *    when configured, rolls the waves done back to the ref deployed before);
 *  - rollback (redeploy the last good ref) and promotion (the ref deployed in the previous
 *    environment of the promotion order);
 *  - every deploy, override, rollback, promotion, approval and rejection goes to the audit log with
 *    its reason. Time (freeze windows, gate durations, polling) comes from injectable functions.
 */
import type { AuditActor, AuditLog } from '../audit/auditLog';
import type { SdlcConfig } from '../config/config';
import { SdlcError, errorMessage } from '../errors';
import type { Git } from '../git/git';
import { parseDispatchInputs, validateInputs } from './dispatchForm';
import {
  currentDeployment,
  findEnvironment,
  mergeEnvironments,
  previousInPromotion,
  rollbackTarget,
  summarize,
  type DeployEnvironment,
  type DeploymentSummary,
} from './environments';
import { activeFreeze } from './freeze';
import { acquireChangeLock, changeSiteOf } from '../transaction';
import type { GitHubDeployments } from './githubDeploy';
import type { HealthState } from './health';

export type DeployKind = 'deploy' | 'rollback' | 'promote';

export interface DeployRequest {
  environment: string;
  ref: string;
  strategy?: 'big-bang' | 'phased';
  /** Confirms a protected environment (the CLI's --yes, the editor's modal). */
  confirmed?: boolean;
  /** Deploy even though a deployment of the environment is in progress. */
  force?: boolean;
  /** Why: recorded in the audit log; required to override a freeze window. */
  reason?: string;
  /** Workflow inputs from the typed form (merged over `deploy.inputs` of the config). */
  inputs?: Record<string, unknown>;
  kind?: DeployKind;
}

export type DeployEvent =
  | { type: 'wave-start'; wave: string | null; index: number; of: number }
  | { type: 'dispatched'; wave: string | null; runId: number | null; url: string | null }
  | { type: 'deployment-created'; wave: string | null; deploymentId: number }
  | { type: 'waiting'; wave: string | null; what: string }
  | { type: 'gate'; wave: string; passed: boolean; reason: string }
  | { type: 'rollback-wave'; wave: string | null; ref: string };

export interface DeployServices {
  github: GitHubDeployments;
  git: Pick<Git, 'run' | 'root'>;
  config: SdlcConfig;
  audit: { log: AuditLog; actor: AuditActor } | null;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Waits (polling, gate durations); tests inject one that advances a fake clock. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Health of an environment or one of its targets (null: the environment's own checks). */
  health?: (environment: string, target: string | null) => Promise<HealthState | 'unknown'>;
  /** Manual approval gate after a wave; absent → the gate fails asking for approval. */
  approveWave?: (environment: string, wave: string, ref: string) => Promise<boolean>;
  onEvent?: (e: DeployEvent) => void;
  signal?: AbortSignal;
  /**
   * Longest poll interval of runs / statuses (default 5000 ms; polls start at 1 s and grow by half
   * each time up to it, so a quick pipeline is seen quickly) and how long to follow one (default 1 h).
   */
  pollMs?: number;
  followTimeoutMs?: number;
  /** Interval between health probes of a gate (default 10000 ms). */
  gateProbeMs?: number;
  /** Hold the repository's change lock (src/core/transaction) while deploying (default true). */
  lock?: boolean;
}

export interface WaveResult {
  wave: string | null;
  status: 'success' | 'failure' | 'rolled-back' | 'created';
  runId: number | null;
  runUrl: string | null;
  deploymentId: number | null;
  gate: { passed: boolean; reason: string } | null;
  message: string;
}

export interface DeployResult {
  environment: string;
  ref: string;
  sha: string;
  kind: DeployKind;
  strategy: 'big-bang' | 'phased';
  method: 'workflow' | 'deployment';
  status: 'success' | 'failure' | 'rolled-back' | 'created';
  waves: WaveResult[];
  /** Health of the environment right after a successful deploy (null: not checked / no checks). */
  verified: HealthState | 'unknown' | null;
  /** The freeze window overridden (with the reason), else null. */
  freezeOverride: { window: string; reason: string } | null;
  previousRef: string | null;
  message: string;
}

const FINAL_RUN = new Set(['completed']);

export class Deployer {
  private readonly now: () => number;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly s: DeployServices) {
    this.now = s.now ?? Date.now;
    this.wait = s.wait ?? ((ms, signal) => new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new SdlcError('Cancelled', 'Cancelled.'));
      }, { once: true });
    }));
  }

  async environments(): Promise<DeployEnvironment[]> {
    return mergeEnvironments(this.s.config, await this.s.github.environments());
  }

  /** Newest first, with statuses. */
  async history(environment: string, perPage = 30, page = 1): Promise<DeploymentSummary[]> {
    const list = await this.s.github.deployments({ environment, perPage, page });
    return (await this.s.github.withStatuses(list)).map(summarize);
  }

  async deploy(request: DeployRequest): Promise<DeployResult> {
    const kind = request.kind ?? 'deploy';
    const env = findEnvironment(await this.environments(), request.environment);
    const sha = await this.resolveRef(request.ref);
    if (env.protected && !request.confirmed) {
      throw new SdlcError('ConfirmationRequired', `${env.name} is a protected environment${env.reviewers.length ? ` (reviewers: ${env.reviewers.join(', ')})` : ''}: confirm deploying ${request.ref} to it (--yes on the command line).`, { usage: true });
    }
    const freeze = activeFreeze(this.s.config.freezeWindows, env.name, this.now());
    let freezeOverride: DeployResult['freezeOverride'] = null;
    if (freeze) {
      if (!request.reason?.trim()) {
        await this.record(`${kind}.refused`, env.name, request.ref, { reason: `freeze ${freeze.name}` }, 'failure', { code: 'Frozen', message: `freeze window ${freeze.name}` });
        throw new SdlcError('Frozen', `${env.name} is frozen by the window "${freeze.name}" (${freeze.description}) until ${freeze.endsAt}. Deploy after it, or override with a reason (--reason "…"); the override is recorded in the audit log.`, { usage: true });
      }
      freezeOverride = { window: freeze.name, reason: request.reason.trim() };
      await this.record('deploy.freeze-override', env.name, request.ref, { window: freeze.name, reason: freezeOverride.reason }, 'success');
    }
    const history = await this.history(env.name, 30);
    const running = history.find((d) => d.status === 'in-progress');
    if (running && !request.force) {
      throw new SdlcError('DeployInProgress', `A deployment of ${running.ref} to ${env.name} (#${running.id}, ${running.statusState}) is still in progress. Wait for it to finish, or force a second one.`);
    }
    const previous = currentDeployment(history);
    const lock = this.s.lock === false ? null : await acquireChangeLock((await changeSiteOf(this.s.git)).stateDir, { kind: `deploy.${kind}`, label: `${kind} of ${request.ref} to ${env.name}` });
    try {
      return await this.rollout(env, request, kind, sha, previous, freezeOverride);
    } finally {
      await lock?.release();
    }
  }

  private async rollout(env: DeployEnvironment, request: DeployRequest, kind: DeployKind, sha: string, previous: DeploymentSummary | null, freezeOverride: DeployResult['freezeOverride']): Promise<DeployResult> {
    const strategy = request.strategy ?? (env.strategy.type === 'phased' ? 'phased' : 'big-bang');
    const waves: Array<string | null> = strategy === 'phased' ? (env.strategy.waves?.length ? env.strategy.waves : env.targets) : [null];
    if (strategy === 'phased' && waves.length === 0) {
      throw new SdlcError('NoWaves', `A phased deploy of ${env.name} needs waves: set strategy.waves (or targets) of it in .sdlc.json.`, { usage: true });
    }
    const method = env.deploy?.workflow ? 'workflow' : 'deployment';
    const auditTarget = { reason: request.reason?.trim() ?? '', strategy, method, ...(previous ? { previousRef: previous.ref } : {}) };

    const results: WaveResult[] = [];
    let status: DeployResult['status'] = 'success';
    let message = '';
    try {
      for (const [index, wave] of waves.entries()) {
        this.s.onEvent?.({ type: 'wave-start', wave, index, of: waves.length });
        const result = await this.deployUnit(env, request, wave, strategy);
        results.push(result);
        if (result.status === 'created') status = 'created';
        if (result.status === 'failure') {
          status = 'failure';
          message = `${wave ? `wave ${wave}: ` : ''}${result.message}`;
          break;
        }
        if (strategy === 'phased' && wave !== null) {
          const gate = await this.gate(env, wave, request.ref);
          result.gate = gate;
          this.s.onEvent?.({ type: 'gate', wave, ...gate });
          if (!gate.passed) {
            status = 'failure';
            message = `the gate after wave ${wave} failed: ${gate.reason}`;
            break;
          }
        }
      }
      if (status === 'failure' && strategy === 'phased' && env.strategy.gate?.rollback && previous) {
        for (const done of [...results].reverse()) {
          this.s.onEvent?.({ type: 'rollback-wave', wave: done.wave, ref: previous.ref });
          const back = await this.deployUnit(env, { ...request, ref: previous.ref, inputs: request.inputs }, done.wave, strategy);
          done.status = back.status === 'success' || back.status === 'created' ? 'rolled-back' : done.status;
          await this.record('deploy.rollback', env.name, previous.ref, { wave: done.wave ?? '', reason: `gate failed: ${message}`, from: request.ref }, back.status === 'failure' ? 'failure' : 'success');
        }
        status = 'rolled-back';
        message = `${message}; rolled back ${results.map((r) => r.wave).join(', ')} to ${previous.ref}`;
      } else if (status === 'failure' && strategy === 'phased') {
        message = `${message}; halted${previous ? ` (waves done stay on ${request.ref}; set strategy.gate.rollback to roll them back to ${previous.ref})` : ''}`;
      }
    } catch (e) {
      await this.record(`${kind === 'deploy' ? 'deploy' : kind}.run`, env.name, request.ref, auditTarget, 'failure', { code: e instanceof SdlcError ? e.code : 'Error', message: errorMessage(e) });
      throw e;
    }
    let verified: DeployResult['verified'] = null;
    if (status === 'success' && strategy === 'big-bang' && this.s.health) {
      verified = await this.s.health(env.name, null).catch(() => 'unknown' as const);
      if (verified === 'unhealthy') message = `deployed ${request.ref} to ${env.name}, but its health checks are failing now`;
    }
    if (!message) message = status === 'created' ? `created the deployment of ${request.ref} to ${env.name}; the pipeline listening to deployment events does the rest` : `deployed ${request.ref} to ${env.name}`;
    await this.record(kind === 'deploy' ? 'deploy.run' : `deploy.${kind}`, env.name, request.ref, auditTarget, status === 'success' || status === 'created' ? 'success' : 'failure', status === 'success' || status === 'created' ? undefined : { code: 'DeployFailed', message });
    return { environment: env.name, ref: request.ref, sha, kind, strategy, method, status, waves: results, verified, freezeOverride, previousRef: previous?.ref ?? null, message };
  }

  /** Redeploys the last good ref of an environment (shown to the person before it runs). */
  async rollbackPlan(environment: string): Promise<{ from: DeploymentSummary | null; to: DeploymentSummary }> {
    const history = await this.history(environment, 50);
    const to = rollbackTarget(history);
    if (!to) throw new SdlcError('NothingToRollBack', `${environment} has no earlier successful deployment of another commit to roll back to.`, { usage: true });
    return { from: history[0] ?? null, to };
  }

  async rollback(environment: string, options: Omit<DeployRequest, 'environment' | 'ref' | 'kind'> = {}): Promise<DeployResult> {
    const plan = await this.rollbackPlan(environment);
    return this.deploy({ ...options, environment, ref: plan.to.ref, kind: 'rollback', strategy: options.strategy ?? 'big-bang' });
  }

  /** The ref promotion offers: what is deployed now in the environment before this one. */
  async promotionCandidate(environment: string): Promise<{ from: string; ref: string; sha: string }> {
    const from = previousInPromotion(this.s.config, environment);
    if (!from) throw new SdlcError('NoPromotionSource', `${environment} has no environment before it in the promotion order ("promotion" in .sdlc.json: ${JSON.stringify(this.s.config.promotion ?? [])}).`, { usage: true });
    const current = currentDeployment(await this.history(from, 30));
    if (!current) throw new SdlcError('NothingToPromote', `Nothing is deployed successfully in ${from}, so there is nothing to promote to ${environment}.`, { usage: true });
    return { from, ref: current.ref, sha: current.sha };
  }

  async promote(environment: string, options: Omit<DeployRequest, 'environment' | 'ref' | 'kind'> = {}): Promise<DeployResult> {
    const candidate = await this.promotionCandidate(environment);
    return this.deploy({ ...options, environment, ref: candidate.ref, kind: 'promote', reason: options.reason ?? `promote from ${candidate.from}` });
  }

  /** Approves or rejects the deployments of a run waiting for a review; recorded in the audit log. */
  async review(runId: number, environments: readonly string[], state: 'approved' | 'rejected', comment: string): Promise<void> {
    const action = state === 'approved' ? 'deploy.approve' : 'deploy.reject';
    try {
      await this.s.github.review(runId, environments, state, comment);
      await this.record(action, environments.join(',') || '*', String(runId), { runId: String(runId), reason: comment }, 'success');
    } catch (e) {
      await this.record(action, environments.join(',') || '*', String(runId), { runId: String(runId), reason: comment }, 'failure', { code: e instanceof SdlcError ? e.code : 'Error', message: errorMessage(e) });
      throw e;
    }
  }

  private async resolveRef(ref: string): Promise<string> {
    if (!ref.trim() || ref.startsWith('-')) throw new SdlcError('RefNotFound', `"${ref}" is not a ref: give a tag, a branch or a commit SHA.`, { usage: true });
    const sha = (await this.s.git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).catch(() => '')).trim();
    if (!sha) throw new SdlcError('RefNotFound', `The ref "${ref}" does not resolve to a commit in ${this.s.git.root}. Fetch it (git fetch --tags) or check the name.`, { usage: true });
    return sha;
  }

  private async deployUnit(env: DeployEnvironment, request: DeployRequest, wave: string | null, strategy: string): Promise<WaveResult> {
    return env.deploy?.workflow ? this.viaWorkflow(env, request, wave) : this.viaDeployment(env, request, wave, strategy);
  }

  private async viaWorkflow(env: DeployEnvironment, request: DeployRequest, wave: string | null): Promise<WaveResult> {
    const workflow = env.deploy!.workflow;
    const file = workflow.includes('/') ? workflow : `.github/workflows/${workflow}`;
    const runRef = env.deploy!.ref ?? (await this.dispatchableRef(request.ref));
    const yamlText = await this.s.git.run(['show', `${runRef}:${file}`]).catch(() => null);
    if (yamlText === null) throw new SdlcError('WorkflowNotFound', `${file} does not exist at ${runRef}. Add it, or fix deploy.workflow / deploy.ref of ${env.name} in .sdlc.json.`, { usage: true });
    const form = parseDispatchInputs(yamlText, file);
    const values: Record<string, unknown> = { ...(env.deploy!.inputs ?? {}), ...(request.inputs ?? {}) };
    const has = (n: string) => form.some((i) => i.name === n);
    if (has('environment') && values.environment === undefined) values.environment = env.name;
    if (has('ref') && values.ref === undefined) values.ref = request.ref;
    if (has('version') && values.version === undefined) values.version = request.ref.replace(/^v(?=\d)/, '');
    if (wave !== null && has('target') && values.target === undefined) values.target = wave;
    const environments = (await this.environments()).map((e) => e.name);
    const inputs = validateInputs(form, values, { environments, file });
    const since = new Date(this.now() - 5000).toISOString();
    const dispatched = await this.s.github.dispatch(workflow.replace(/^.*\//, ''), runRef, inputs);
    let runId = dispatched.runId;
    let runUrl = dispatched.htmlUrl;
    const deadline = this.now() + (this.s.followTimeoutMs ?? 3_600_000);
    for (let attempt = 0; runId === null; attempt++) {
      const found = await this.s.github.findDispatchedRun(workflow, runRef, since);
      if (found) ({ runId, htmlUrl: runUrl } = found);
      else if (this.now() > deadline) throw new SdlcError('RunNotFound', `Dispatched ${workflow} on ${runRef}, but no run appeared. Look at the Actions tab of the repository.`);
      else await this.wait(this.pollDelay(attempt), this.s.signal);
    }
    this.s.onEvent?.({ type: 'dispatched', wave, runId, url: runUrl });
    for (let attempt = 0; ; attempt++) {
      const run = await this.s.github.run(runId);
      runUrl = run.htmlUrl;
      if (FINAL_RUN.has(run.status)) {
        const ok = run.conclusion === 'success';
        return { wave, status: ok ? 'success' : 'failure', runId, runUrl, deploymentId: null, gate: null, message: ok ? `run ${runId} succeeded` : `run ${runId} ended ${run.conclusion ?? 'without a conclusion'}: ${runUrl}` };
      }
      if (run.status === 'waiting') this.s.onEvent?.({ type: 'waiting', wave, what: `run ${runId} waits for a review of its deployment` });
      if (this.now() > deadline) return { wave, status: 'failure', runId, runUrl, deploymentId: null, gate: null, message: `run ${runId} did not finish in time (${run.status}): ${runUrl}` };
      await this.wait(this.pollDelay(attempt), this.s.signal);
    }
  }

  private async viaDeployment(env: DeployEnvironment, request: DeployRequest, wave: string | null, strategy: string): Promise<WaveResult> {
    const d = await this.s.github.createDeployment({
      ref: request.ref,
      environment: env.name,
      description: `${request.kind ?? 'deploy'} ${request.ref}${wave ? ` (${wave})` : ''}${request.reason ? `: ${request.reason}` : ''}`.slice(0, 140),
      payload: { tool: 'sdlc-workbench', strategy, ...(wave ? { target: wave } : {}), ...(request.kind && request.kind !== 'deploy' ? { kind: request.kind } : {}) },
    });
    this.s.onEvent?.({ type: 'deployment-created', wave, deploymentId: d.id });
    if (strategy !== 'phased') {
      // Big bang: the pipeline listening to deployment events takes over; report what it said so far.
      const statuses = await this.s.github.statuses(d.id);
      const latest = statuses[0]?.state;
      if (latest === 'failure' || latest === 'error') return { wave, status: 'failure', runId: null, runUrl: null, deploymentId: d.id, gate: null, message: `deployment #${d.id} reported ${latest}` };
      return { wave, status: latest === 'success' ? 'success' : 'created', runId: null, runUrl: statuses.find((s) => s.logUrl)?.logUrl ?? null, deploymentId: d.id, gate: null, message: `deployment #${d.id} ${latest ?? 'created'}` };
    }
    // Phased: the gate needs the wave done, so follow the statuses the pipeline reports.
    const deadline = this.now() + (this.s.followTimeoutMs ?? 3_600_000);
    for (let attempt = 0; ; attempt++) {
      const statuses = await this.s.github.statuses(d.id);
      const latest = statuses[0]?.state;
      if (latest === 'success') return { wave, status: 'success', runId: null, runUrl: statuses[0].logUrl, deploymentId: d.id, gate: null, message: `deployment #${d.id} succeeded` };
      if (latest === 'failure' || latest === 'error' || latest === 'inactive') return { wave, status: 'failure', runId: null, runUrl: statuses[0].logUrl, deploymentId: d.id, gate: null, message: `deployment #${d.id} reported ${latest}` };
      if (this.now() > deadline) return { wave, status: 'failure', runId: null, runUrl: null, deploymentId: d.id, gate: null, message: `deployment #${d.id} reported no final status in time` };
      this.s.onEvent?.({ type: 'waiting', wave, what: `deployment #${d.id}: ${latest ?? 'no status yet'}` });
      await this.wait(this.pollDelay(attempt), this.s.signal);
    }
  }

  /** The wait before poll `attempt + 1`: 1 s, 1.5 s, 2.25 s, … up to pollMs (GitHub answers unchanged polls with a free 304). */
  private pollDelay(attempt: number): number {
    return pollDelay(attempt, this.s.pollMs ?? 5000);
  }

  /** After a wave: health green (continuously for healthSeconds) and, when configured, an approval. */
  private async gate(env: DeployEnvironment, wave: string, ref: string): Promise<{ passed: boolean; reason: string }> {
    const gate = env.strategy.gate ?? {};
    if (gate.health && this.s.health) {
      const holdMs = (gate.healthSeconds ?? 0) * 1000;
      const start = this.now();
      for (;;) {
        const state = await this.s.health(env.name, wave);
        if (state === 'unhealthy') return { passed: false, reason: `health of ${wave} is unhealthy` };
        if (this.now() - start >= holdMs) break;
        await this.wait(Math.min(this.s.gateProbeMs ?? 10_000, Math.max(1, holdMs - (this.now() - start))), this.s.signal);
      }
    }
    if (gate.approval) {
      const approved = this.s.approveWave ? await this.s.approveWave(env.name, wave, ref) : false;
      await this.record(approved ? 'deploy.approve' : 'deploy.reject', env.name, ref, { wave, reason: approved ? 'wave gate approved' : 'wave gate not approved' }, 'success');
      if (!approved) return { passed: false, reason: `wave ${wave} was not approved` };
    }
    return { passed: true, reason: gate.health ? `health green${gate.healthSeconds ? ` for ${gate.healthSeconds} s` : ''}` : 'deployment succeeded' };
  }

  /** Workflows are dispatched on a branch or tag: a SHA is refused with what to do. */
  private async dispatchableRef(ref: string): Promise<string> {
    const kind = (await this.s.git.run(['for-each-ref', '--format=%(refname)', `refs/tags/${ref}`, `refs/heads/${ref}`, `refs/remotes/origin/${ref}`]).catch(() => '')).trim();
    if (!kind) throw new SdlcError('RefNotDispatchable', `A workflow runs on a branch or a tag; "${ref}" is neither here. Tag the commit (e.g. sdlc bump) and push the tag, then deploy the tag.`, { usage: true });
    return ref;
  }

  private async record(action: string, environment: string, ref: string, extra: Record<string, string>, result: 'success' | 'failure', error?: { code: string; message: string }): Promise<void> {
    if (!this.s.audit) return;
    await this.s.audit.log.append({
      actor: this.s.audit.actor,
      action,
      repository: this.s.git.root,
      target: { environment, ref, ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== '')) },
      result,
      ...(error ? { error } : {}),
    });
  }
}

/** Poll back-off: 1 s growing by half each attempt, never above `maxMs`. */
export function pollDelay(attempt: number, maxMs: number): number {
  return Math.min(maxMs, Math.round(1000 * 1.5 ** Math.min(attempt, 30)));
}
