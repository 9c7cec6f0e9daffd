/**
 * `sdlc deployments [--env NAME]`: the environments (GitHub's merged with .sdlc.json) with what is
 * deployed in each now, its status, and the recent history (newest first).
 *   --json → { environments: [{ name, source, protected, reviewers, method, strategy, targets,
 *              current: DeploymentSummary|null, history: DeploymentSummary[] }] }
 */
import type { DeploymentSummary } from '../core/deploy/environments';
import { currentDeployment, findEnvironment } from '../core/deploy/environments';
import type { CommandOutput, OptionValues } from './args';
import type { CliContext } from './context';
import { openDeploySession } from './deploy';

export interface EnvironmentDocument {
  name: string;
  source: 'config' | 'github' | 'both';
  protected: boolean;
  reviewers: string[];
  method: 'workflow' | 'deployment';
  strategy: string;
  targets: string[];
  current: DeploymentSummary | null;
  history: DeploymentSummary[];
}

export async function deploymentsCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const { deployer } = await openDeploySession(context);
  let environments = await deployer.environments();
  if (typeof args.values.env === 'string') environments = [findEnvironment(environments, args.values.env)];
  const docs: EnvironmentDocument[] = await Promise.all(
    environments.map(async (e) => {
      const history = await deployer.history(e.name, 10);
      return {
        name: e.name,
        source: e.source,
        protected: e.protected,
        reviewers: e.reviewers,
        method: e.deploy?.workflow ? 'workflow' : 'deployment',
        strategy: e.strategy.type,
        targets: e.targets,
        current: currentDeployment(history),
        history,
      } satisfies EnvironmentDocument;
    }),
  );
  return { json: { environments: docs }, text: format(docs) };
}

function format(docs: EnvironmentDocument[]): string {
  if (docs.length === 0) return 'No environments on GitHub or in .sdlc.json.';
  const lines: string[] = [];
  for (const d of docs) {
    const now = d.current ? `${d.current.ref} (${d.current.sha.slice(0, 7)}) by ${d.current.creator ?? '?'} at ${d.current.createdAt}` : 'nothing deployed';
    lines.push(`${d.name}${d.protected ? ' [protected]' : ''}: ${now}`);
    for (const h of d.history.slice(0, 5)) lines.push(`    #${h.id} ${h.ref} ${h.status}${h.target ? ` (${h.target})` : ''} ${h.createdAt}`);
  }
  return lines.join('\n');
}
