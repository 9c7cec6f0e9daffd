/**
 * `sdlc health [--env NAME]`: probes the health checks of the configured environments once (all
 * concurrently) and exits 1 when any environment is unhealthy. A degraded environment (e.g. a
 * certificate expiring soon) is reported but does not fail the command.
 *   --json → { healthy, environments: [{ name, state, checks: [{ name, type, state, latencyMs, message, status?, certificate?, error?, target }] }] }
 */
import { assertValidConfig, formatProblem, loadConfig, type SdlcConfig } from '../core/config/config';
import { environmentChecks, probeEnvironments, type EnvironmentHealth } from '../core/deploy/healthConfig';
import { SdlcError } from '../core/errors';
import type { CommandOutput, OptionValues } from './args';
import type { CliContext } from './context';

export interface HealthDocument {
  healthy: boolean;
  environments: EnvironmentHealth[];
}

export async function healthCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const git = await context.openRepository();
  const config = await readConfig(context, git.root);
  const all = config.environments ?? [];
  const only = typeof args.values.env === 'string' ? args.values.env : undefined;
  const chosen = only === undefined ? all : all.filter((e) => e.name === only);
  if (only !== undefined && chosen.length === 0) {
    const names = all.map((e) => e.name);
    throw new SdlcError('UnknownEnvironment', `No environment "${only}" in .sdlc.json${names.length ? ` (known: ${names.join(', ')})` : ''}. Check the name or add it to "environments".`, { usage: true });
  }
  const checks = (await Promise.all(chosen.map((e) => environmentChecks(e, git.root)))).flat();
  if (only !== undefined && checks.length === 0) {
    throw new SdlcError('NoHealthChecks', `The environment "${only}" has no health checks. Add "health" (a URL or checks) to it in .sdlc.json.`, { usage: true });
  }
  const environments = await probeEnvironments(
    checks,
    chosen.map((e) => e.name),
  );
  const healthy = environments.every((e) => e.state !== 'unhealthy');
  const doc: HealthDocument = { healthy, environments };
  return { json: doc, text: formatHealth(doc), exitCode: healthy ? 0 : 1 };
}

async function readConfig(context: CliContext, root: string): Promise<SdlcConfig> {
  const loaded = await loadConfig(root);
  for (const p of loaded.problems) if (p.severity === 'warning' && loaded.file) context.logger.warn(formatProblem(loaded.file, p));
  return assertValidConfig(loaded);
}

const ICON: Record<string, string> = { healthy: '✓', degraded: '!', unhealthy: '✗', unknown: '?' };

function formatHealth(doc: HealthDocument): string {
  if (doc.environments.length === 0) return 'No environments in .sdlc.json: nothing to check.';
  const lines: string[] = [];
  for (const env of doc.environments) {
    lines.push(`${ICON[env.state]} ${env.name}: ${env.state === 'unknown' ? 'no health checks' : env.state}`);
    for (const c of env.checks) {
      lines.push(`    ${ICON[c.state]} ${c.target ? `[${c.target}] ` : ''}${c.name} — ${c.message} (${Math.round(c.latencyMs)} ms)`);
    }
  }
  lines.push(doc.healthy ? 'healthy' : 'UNHEALTHY');
  return lines.join('\n');
}
