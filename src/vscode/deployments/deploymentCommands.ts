/**
 * Deployments commands. Every one takes a tree node or an arguments object, e.g.
 *   executeCommand('sdlc.deployments.deploy', { repository: '/path', environment: 'staging', ref: 'v1.2.0',
 *     strategy: 'phased', inputs: { replicas: '3' }, reason: 'release', confirm: true })
 *   executeCommand('sdlc.deployments.approve', { repository, runId, environment, comment })
 *   executeCommand('sdlc.deployments.rollback' | 'promote' | 'toggleContinuous', { repository, environment, confirm? })
 *   executeCommand('sdlc.deployments.compare', { repository, from: 'staging', to: 'production' })
 * and prompts (QuickPick / InputBox, a modal naming a protected environment and the ref) for what is
 * missing. Changing commands need a trusted workspace (the command table checks it).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeployEvent, DeployRequest, DeployResult } from '../../core/deploy/deployer';
import { parseDispatchInputs, type DispatchInput } from '../../core/deploy/dispatchForm';
import { activeFreeze } from '../../core/deploy/freeze';
import { SdlcError } from '../../core/errors';
import { Cancelled, type CommandSpec } from '../commandTable';
import { CommandIds, InternalCommandIds, ViewIds } from '../ids';
import type { RepositoryStore } from '../repositories/repositoryStore';
import type { DeploymentsStore } from './deploymentsStore';
import { describeTargets, targetStates, type DeploymentsNode, type DeploymentsTree } from './deploymentsTree';

interface Args {
  repository?: string;
  environment?: string;
  ref?: string;
  strategy?: 'big-bang' | 'phased';
  inputs?: Record<string, string>;
  reason?: string;
  /** Skip the modal confirmation (tests, automation). */
  confirm?: boolean;
  force?: boolean;
  runId?: number;
  comment?: string;
  from?: string;
  to?: string;
  on?: boolean;
}

export function deploymentCommands(deps: { repos: RepositoryStore; store: DeploymentsStore; tree: DeploymentsTree; onContinuousChange: () => void }): CommandSpec[] {
  const { repos, store, tree } = deps;

  function argsOf(arg: unknown): Args & { node?: DeploymentsNode } {
    if (arg && typeof arg === 'object' && 'kind' in arg) {
      const node = arg as DeploymentsNode;
      switch (node.kind) {
        case 'environment':
          return { node, repository: node.root, environment: node.view.env.name };
        case 'pending':
          return { node, repository: node.root, environment: node.environment, runId: node.run.runId };
        case 'deployment':
          return { node, repository: node.root, environment: node.deployment.environment, ref: node.deployment.ref };
        default:
          return { node };
      }
    }
    return (arg && typeof arg === 'object' ? arg : {}) as Args;
  }

  async function repository(args: Args): Promise<string> {
    if (args.repository) {
      if (!repos.find(args.repository)) throw new SdlcError('NotARepository', `${args.repository} is not one of the workspace's repositories.`, { usage: true });
      return args.repository;
    }
    const withGitHub = repos.repositories.filter((r) => r.githubRemote());
    if (withGitHub.length === 1) return withGitHub[0].root;
    if (withGitHub.length === 0) throw new SdlcError('NoGitHubRemote', 'No repository of the workspace has a GitHub remote: deployments live on GitHub.');
    const pick = await vscode.window.showQuickPick(withGitHub.map((r) => ({ label: r.name, description: r.root, root: r.root })), { placeHolder: 'Choose the repository' });
    if (!pick) throw new Cancelled();
    return pick.root;
  }

  async function environment(root: string, args: Args, placeHolder: string): Promise<string> {
    if (args.environment) return args.environment;
    const { deployer } = await store.deployer(root);
    const envs = await deployer.environments();
    const pick = await vscode.window.showQuickPick(envs.map((e) => ({ label: e.name, description: [e.protected ? 'protected' : '', e.deploy?.workflow ? `workflow ${e.deploy.workflow}` : 'GitHub deployment', e.strategy.type].filter(Boolean).join(' · ') })), { placeHolder });
    if (!pick) throw new Cancelled();
    return pick.label;
  }

  async function pickRef(root: string): Promise<string> {
    const repo = repos.find(root)!;
    // Release tags by version, newest first (creation times tie when tags are made in the same second), then the others.
    const all = (await repo.git.run(['tag', '--sort=-v:refname', '--list']).catch(() => '')).split('\n').filter(Boolean);
    const isRelease = (t: string) => /^(?:.*@)?v?\d+\.\d+\.\d+$/.test(t);
    const tags = [...all.filter(isRelease), ...all.filter((t) => !isRelease(t))].slice(0, 30);
    const branches = (await repo.git.run(['for-each-ref', '--format=%(refname:short)', 'refs/heads']).catch(() => '')).split('\n').filter(Boolean);
    const items: Array<vscode.QuickPickItem & { ref?: string }> = [
      ...tags.map((t, i) => ({ label: t, description: i === 0 && isRelease(t) ? 'newest release tag' : isRelease(t) ? 'release tag' : 'tag', ref: t })),
      ...branches.map((b) => ({ label: b, description: 'branch', ref: b })),
      { label: 'Another ref or a commit SHA…' },
    ];
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'What to deploy (default: the newest release tag)' });
    if (!pick) throw new Cancelled();
    if (pick.ref) return pick.ref;
    const typed = await vscode.window.showInputBox({
      prompt: 'Tag, branch or commit SHA',
      validateInput: async (v) => ((await repo.git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${v}^{commit}`]).catch(() => '')).trim() ? undefined : `"${v}" does not resolve to a commit`),
    });
    if (!typed) throw new Cancelled();
    return typed;
  }

  /** The typed form of the workflow's dispatch inputs: QuickPick for boolean / choice / environment, InputBox otherwise. */
  async function inputForm(root: string, env: string, ref: string, preset: Record<string, string>): Promise<Record<string, string> | undefined> {
    const { deployer, config, repo } = await store.deployer(root);
    const cfg = config.environments?.find((e) => e.name === env);
    if (!cfg?.deploy?.workflow) return undefined;
    const file = cfg.deploy.workflow.includes('/') ? cfg.deploy.workflow : `.github/workflows/${cfg.deploy.workflow}`;
    const text = await repo.git.run(['show', `${cfg.deploy.ref ?? ref}:${file}`]).catch(() => null);
    if (text === null) return undefined;
    const form = parseDispatchInputs(text, file);
    const environments = (await deployer.environments()).map((e) => e.name);
    const values: Record<string, string> = { ...preset };
    // ref / version / target / environment are filled in by the deployer; the rest is asked, in the workflow's order.
    const asked = form.filter((input) => values[input.name] === undefined && !(input.name === 'environment' && input.type !== 'string') && !['ref', 'version', 'target'].includes(input.name));
    for (const [index, input] of asked.entries()) {
      const fromConfig = cfg.deploy.inputs?.[input.name];
      const step = `Deploy ${ref} to ${env} · ${path.basename(file)} input ${index + 1}/${asked.length}`;
      const value = await askInput(input, fromConfig === undefined ? input.default : fromConfig, environments, step);
      if (value !== undefined && value !== '') values[input.name] = value;
    }
    return values;
  }

  async function askInput(input: DispatchInput, preset: unknown, environments: string[], step: string): Promise<string | undefined> {
    const title = `${step}: ${input.name}${input.required ? ' (required)' : ''}`;
    const about = `${input.description ? `${input.description} — ` : ''}${input.type}${preset === undefined || preset === '' ? '' : `, default ${String(preset)}`}`;
    const options = input.type === 'boolean' ? ['true', 'false'] : input.type === 'choice' ? (input.options ?? []) : input.type === 'environment' ? environments : null;
    if (options) {
      const pick = await vscode.window.showQuickPick(options.map((o) => ({ label: o, description: String(preset) === o ? 'default' : '' })), { title, placeHolder: about, ignoreFocusOut: true });
      if (!pick) throw new Cancelled();
      return pick.label;
    }
    const value = await vscode.window.showInputBox({
      title,
      prompt: about,
      value: preset === undefined ? '' : String(preset),
      ignoreFocusOut: true,
      validateInput: (v) =>
        input.type === 'number' && v.trim() !== '' && !Number.isFinite(Number(v))
          ? `${input.name} takes a number; "${v}" is not one`
          : input.required && !v.trim() && (preset === undefined || preset === '')
            ? `${input.name} is required`
            : undefined,
    });
    if (value === undefined) throw new Cancelled();
    return value;
  }

  async function run(root: string, title: string, fn: (d: Awaited<ReturnType<DeploymentsStore['deployer']>>['deployer']) => Promise<DeployResult>): Promise<DeployResult> {
    let wavePosition = '';
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      const { deployer } = await store.deployer(root, {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'wave-start' && e.wave) wavePosition = `wave ${e.index + 1}/${e.of} (${e.wave})`;
          progress.report({ message: progressMessage(e, wavePosition) });
          // The view follows the rollout: each new deployment, run and gate shows up as it happens.
          if (e.type === 'deployment-created' || e.type === 'dispatched' || e.type === 'gate' || e.type === 'rollback-wave') void store.refresh();
        },
        approveWave: async (env, wave, ref) => {
          progress.report({ message: `${wavePosition}: waiting for your approval` });
          const cfg = (await store.deployer(root)).config.environments?.find((e) => e.name === env);
          const waves = cfg?.strategy?.waves?.length ? cfg.strategy.waves : (cfg?.targets ?? []).map((t) => (typeof t === 'string' ? t : t.name));
          const index = waves.indexOf(wave);
          const next = index >= 0 ? waves[index + 1] : undefined;
          const position = index >= 0 ? ` (${index + 1}/${waves.length})` : '';
          const halt = cfg?.strategy?.gate?.rollback ? `Halt stops the rollout and rolls the waves done back to the previous ref.` : `Halt stops the rollout; the waves done keep ${ref}.`;
          const go: vscode.MessageItem = { title: next ? `Continue with ${next}` : 'Finish Rollout' };
          const answer = await vscode.window.showInformationMessage(`Wave ${wave}${position} of ${ref} to ${env} is done and healthy.`, { modal: true, detail: `${next ? `Next: ${next}.` : 'This was the last wave.'} ${halt}` }, go, { title: 'Halt', isCloseAffordance: true });
          return answer === go;
        },
      });
      return vscode.window.withProgress({ location: { viewId: ViewIds.deployments } }, () => fn(deployer));
    });
    void store.refresh();
    const url = result.waves.find((w) => w.runUrl)?.runUrl;
    const show = result.status === 'success' || result.status === 'created' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    void show(`${result.kind} ${result.ref} → ${result.environment}: ${result.message}`, ...(url ? ['Open Run'] : [])).then((a) => {
      if (a && url) void vscode.env.openExternal(vscode.Uri.parse(url));
    });
    return result;
  }

  async function confirmProtected(root: string, env: string, ref: string, args: Args, what: string): Promise<void> {
    if (args.confirm) return;
    const envs = await (await store.deployer(root)).deployer.environments();
    const e = envs.find((x) => x.name === env);
    if (!e?.protected) return;
    // What the person is about to change: what runs there now, how the rollout goes, who reviews.
    const view = store.repositories.find((r) => r.repo.root === root)?.environments.find((v) => v.env.name === env);
    const targets = view ? targetStates(view) : [];
    const now = view ? (targets.some((t) => t.current || t.running) ? describeTargets(targets).join(' · ') : (view.current?.ref ?? 'nothing deployed')) : null;
    const waves = e.strategy.waves?.length ? e.strategy.waves : e.targets;
    const gate = e.strategy.gate ?? {};
    const gates = [gate.health ? `health green${gate.healthSeconds ? ` for ${gate.healthSeconds} s` : ''}` : '', gate.approval ? 'your approval' : ''].filter(Boolean).join(' and ') || 'the wave succeeding';
    const how = e.strategy.type === 'phased' && waves.length ? `Phased: ${waves.join(' → ')}, after each wave a gate (${gates})${gate.rollback ? '; a failed gate rolls the waves done back' : ''}.` : `Big bang: ${e.targets.length ? `${e.targets.join(', ')} at once` : 'all at once'}.`;
    const detail = [now ? `Now: ${now}.` : '', how, e.reviewers.length ? `Required reviewers: ${e.reviewers.join(', ')}.` : ''].filter(Boolean).join('\n');
    const answer = await vscode.window.showWarningMessage(`${what} ${ref} to the protected environment ${env}?`, { modal: true, detail }, `Deploy to ${env}`);
    if (!answer) throw new Cancelled();
  }

  async function freezeReason(root: string, env: string, args: Args): Promise<string | undefined> {
    if (args.reason !== undefined) return args.reason;
    const { config } = await store.deployer(root);
    const freeze = activeFreeze(config.freezeWindows, env, Date.now());
    if (!freeze) return undefined;
    const reason = await vscode.window.showInputBox({ title: `${env} is frozen ("${freeze.name}", ${freeze.description})`, prompt: 'Override with a reason (recorded in the audit log)', validateInput: (v) => (v.trim() ? undefined : 'a reason is required') });
    if (!reason) throw new Cancelled();
    return reason;
  }

  return [
    { id: CommandIds.deploymentsRefresh, run: () => store.refresh().then(() => store.probeNow()) },
    { id: CommandIds.deploymentsCheckHealth, run: () => store.probeNow() },
    {
      id: CommandIds.deploymentsDeploy,
      needsTrust: true,
      run: async (arg) => {
        const args = argsOf(arg);
        const root = await repository(args);
        const env = await environment(root, args, 'Deploy to which environment?');
        const ref = args.ref ?? (await pickRef(root));
        const inputs = args.inputs ?? (args.confirm ? undefined : await inputForm(root, env, ref, {}));
        await confirmProtected(root, env, ref, args, 'Deploy');
        const reason = await freezeReason(root, env, args);
        const request: DeployRequest = { environment: env, ref, confirmed: true, ...(args.force ? { force: true } : {}), ...(args.strategy ? { strategy: args.strategy } : {}), ...(inputs ? { inputs } : {}), ...(reason !== undefined ? { reason } : {}) };
        return run(root, `Deploying ${ref} to ${env}`, (d) => d.deploy(request));
      },
    },
    {
      id: CommandIds.deploymentsRollback,
      needsTrust: true,
      run: async (arg) => {
        const args = argsOf(arg);
        const root = await repository(args);
        const env = await environment(root, args, 'Roll back which environment?');
        const { deployer } = await store.deployer(root);
        const plan = await deployer.rollbackPlan(env);
        if (!args.confirm) {
          const answer = await vscode.window.showWarningMessage(`Roll ${env} back to ${plan.to.ref}?`, { modal: true, detail: `Now: ${plan.from?.ref ?? 'nothing'} (${plan.from?.status ?? '–'}). Redeploys ${plan.to.ref} (${plan.to.sha.slice(0, 7)}), deployed ${plan.to.createdAt} by ${plan.to.creator ?? '?'}.` }, 'Roll Back');
          if (!answer) throw new Cancelled();
        }
        const reason = await freezeReason(root, env, args);
        return run(root, `Rolling ${env} back to ${plan.to.ref}`, (d) => d.rollback(env, { confirmed: true, ...(reason !== undefined ? { reason } : {}), ...(args.force ? { force: true } : {}) }));
      },
    },
    {
      id: CommandIds.deploymentsPromote,
      needsTrust: true,
      run: async (arg) => {
        const args = argsOf(arg);
        const root = await repository(args);
        const env = await environment(root, args, 'Promote to which environment?');
        const { deployer } = await store.deployer(root);
        const candidate = await deployer.promotionCandidate(env);
        await confirmProtected(root, env, candidate.ref, args, `Promote ${candidate.from}'s`);
        const reason = await freezeReason(root, env, args);
        return run(root, `Promoting ${candidate.ref} to ${env}`, (d) => d.promote(env, { confirmed: true, ...(reason !== undefined ? { reason } : {}) }));
      },
    },
    {
      id: CommandIds.deploymentsApprove,
      needsTrust: true,
      run: (arg) => review(argsOf(arg), 'approved'),
    },
    {
      id: CommandIds.deploymentsReject,
      needsTrust: true,
      run: (arg) => review(argsOf(arg), 'rejected'),
    },
    {
      id: CommandIds.deploymentsCompare,
      run: async (arg) => {
        const args = argsOf(arg);
        const root = await repository(args);
        const to = args.to ?? (await environment(root, args, 'Compare which environment?'));
        const { deployer, config } = await store.deployer(root);
        const order = config.promotion ?? [];
        const from = args.from ?? (order.indexOf(to) > 0 ? order[order.indexOf(to) - 1] : await environment(root, {}, `What does ${to} lack compared to…`));
        const [a, b] = await Promise.all([deployer.history(from, 20), deployer.history(to, 20)]);
        const ahead = a.find((d) => d.status === 'success');
        const behind = b.find((d) => d.status === 'success');
        if (!ahead) throw new SdlcError('NothingDeployed', `Nothing is deployed successfully in ${from}.`, { usage: true });
        const repo = repos.find(root)!;
        const range = behind ? `${behind.sha}..${ahead.sha}` : ahead.sha;
        const log = await repo.git.run(['log', '--format=%H%x09%s', '--end-of-options', range]).catch(() => '');
        const commits = log.split('\n').filter(Boolean).map((l) => ({ sha: l.slice(0, 40), subject: l.slice(41), pullRequest: /\(#(\d+)\)$/.exec(l)?.[1] ?? null }));
        if (!args.from || !args.to) {
          const items: vscode.QuickPickItem[] = commits.length ? commits.map((c) => ({ label: c.subject, description: c.sha.slice(0, 7) + (c.pullRequest ? ` · PR #${c.pullRequest}` : '') })) : [{ label: `${to} has everything ${from} has` }];
          await vscode.window.showQuickPick(items, { title: `${to} (${behind?.ref ?? 'nothing'}) lacks ${commits.length} commit${commits.length === 1 ? '' : 's'} of ${from} (${ahead.ref})` });
        }
        return { from, to, fromRef: ahead.ref, toRef: behind?.ref ?? null, commits };
      },
    },
    {
      id: CommandIds.deploymentsToggleContinuous,
      needsTrust: true,
      run: async (arg) => {
        const args = argsOf(arg);
        const root = await repository(args);
        const env = await environment(root, args, 'Continuous delivery to which environment?');
        const on = args.on ?? !store.isContinuous(root, env);
        await store.setContinuous(root, env, on, (o) => {
          if (o.type === 'deployed') void vscode.window.showInformationMessage(`Continuous delivery deployed ${o.sha.slice(0, 7)} to ${env}: ${o.status}`);
          if (o.type === 'failed') void vscode.window.showErrorMessage(`Continuous delivery to ${env} failed for ${o.sha.slice(0, 7)}: ${o.error}`);
        });
        deps.onContinuousChange();
        return { environment: env, on };
      },
    },
    { id: InternalCommandIds.inspectDeployments, run: () => tree.inspect() },
    {
      id: InternalCommandIds.loadMoreDeployments,
      run: async (arg) => {
        const args = argsOf(arg);
        if (!args.repository || !args.environment) throw new SdlcError('InvalidArguments', 'Expected { repository, environment }.', { usage: true });
        return { added: await store.loadMoreHistory(args.repository, args.environment) };
      },
    },
  ];

  async function review(args: Args, state: 'approved' | 'rejected'): Promise<unknown> {
    const root = await repository(args);
    if (args.runId === undefined) throw new SdlcError('InvalidArguments', 'Choose a pending deployment in the Deployments view (or pass { runId, environment }).', { usage: true });
    const comment = args.comment ?? (await vscode.window.showInputBox({ title: `${state === 'approved' ? 'Approve' : 'Reject'} ${args.environment ?? 'the deployment'} of run ${args.runId}`, prompt: 'Comment (recorded on GitHub and in the audit log)' }));
    if (comment === undefined) throw new Cancelled();
    const { deployer } = await store.deployer(root);
    await deployer.review(args.runId, args.environment ? [args.environment] : [], state, comment);
    void store.refresh();
    return { runId: args.runId, state };
  }
}

/** One line of the deploy progress notification for an event of the deployer. */
function progressMessage(e: DeployEvent, wave: string): string {
  const at = wave && e.type !== 'wave-start' && e.type !== 'rollback-wave' ? `${wave}: ` : '';
  switch (e.type) {
    case 'wave-start':
      return e.wave ? `${wave}: deploying…` : 'deploying…';
    case 'dispatched':
      return `${at}workflow run ${e.runId ?? ''} started`;
    case 'deployment-created':
      return `${at}deployment #${e.deploymentId} created`;
    case 'waiting':
      return `${at}${e.what}`;
    case 'gate':
      return `${at}gate ${e.passed ? 'passed' : 'failed'} (${e.reason})`;
    case 'rollback-wave':
      return `rolling ${e.wave ?? 'the environment'} back to ${e.ref}…`;
  }
}
