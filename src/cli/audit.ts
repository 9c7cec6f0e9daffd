/** `sdlc audit verify` and `sdlc audit record`: the audit trail from the command line. */
import * as path from 'node:path';
import { AuditLog, resolveAuditPath, type AuditVerification } from '../core/audit/auditLog';
import { resolveActor } from '../core/audit/actor';
import { assertValidConfig, formatProblem, loadConfig } from '../core/config/config';
import { SdlcError } from '../core/errors';
import type { Git } from '../core/git/git';
import type { CommandOutput, OptionValues } from './args';
import type { CliContext } from './context';

/** The audit file of the repository at cwd (`--file` wins), honouring `audit.path` of .sdlc.json. */
async function auditFile(context: CliContext, values: OptionValues): Promise<{ file: string; git: Git | null }> {
  if (typeof values.file === 'string') return { file: path.resolve(context.cwd, values.file), git: null };
  const git = await context.openRepository();
  const loaded = await loadConfig(git.root);
  for (const p of loaded.problems) if (p.severity === 'warning' && loaded.file) context.logger.warn(formatProblem(loaded.file, p));
  const config = assertValidConfig(loaded);
  return { file: resolveAuditPath(git.root, await git.gitDir(), config.audit?.path), git };
}

export async function auditVerifyCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const { file } = await auditFile(context, args.values);
  const verification = await new AuditLog(file, { logger: context.logger }).verify();
  return { json: { ok: verification.ok, file, entries: verification.entries, problems: verification.problems }, text: formatVerification(file, verification), exitCode: verification.ok ? 0 : 1 };
}

export function formatVerification(file: string, v: AuditVerification): string {
  const count = `${v.entries} entr${v.entries === 1 ? 'y' : 'ies'}`;
  if (v.ok) return `Audit log OK: ${count}, chain intact (${file})`;
  const lines = v.problems.map((p) => `  line ${p.line}${p.seq !== undefined ? ` (entry ${p.seq})` : ''}: ${p.kind}: ${p.message}`);
  return [`Audit log FAILED verification: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} in ${count} (${file})`, ...lines].join('\n');
}

const ACTION = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** Records an action done outside the tool (e.g. a manual change in CI) in the same trail. */
export async function auditRecordCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const action = args.values.action;
  if (typeof action !== 'string' || !ACTION.test(action)) {
    throw new SdlcError('BadUsage', `--action must name what was done as area.verb, e.g. deploy.manual (got ${JSON.stringify(action ?? '')})`, { usage: true });
  }
  const target: Record<string, string> = {};
  for (const pair of (args.values.subject as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SdlcError('BadUsage', `--subject takes key=value, got ${JSON.stringify(pair)}`, { usage: true });
    target[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const result = args.values.result ?? 'success';
  if (result !== 'success' && result !== 'failure') throw new SdlcError('BadUsage', `--result is success or failure, got ${JSON.stringify(result)}`, { usage: true });
  const message = typeof args.values.message === 'string' ? args.values.message : undefined;

  const { file, git } = await auditFile(context, args.values);
  const repository = git?.root ?? context.cwd;
  const actor = await resolveActor('cli', git, { env: context.env });
  const entry = await new AuditLog(file, { logger: context.logger }).append({
    actor,
    action,
    repository,
    ...(Object.keys(target).length ? { target } : {}),
    result,
    ...(result === 'failure' ? { error: { code: 'Recorded', message: message ?? 'recorded as failed' } } : message ? { after: { message } } : {}),
  });
  return { json: entry, text: `Recorded #${entry.seq} ${entry.action} (${entry.result}) in ${file}` };
}
