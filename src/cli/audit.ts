/** `sdlc audit verify` and `sdlc audit record`: the audit trail from the command line. */
import * as path from 'node:path';
import { AuditLog, resolveAuditPath, type AuditExpectations, type AuditVerification } from '../core/audit/auditLog';
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

/**
 * `sdlc audit verify [--expect-head HASH] [--min-entries N]`: the chain alone cannot tell a cut-off
 * tail or an emptied/deleted log from a young one, so the head is printed for CI to keep, and what was
 * kept can be pinned next time.
 */
export async function auditVerifyCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const expect = expectations(args.values);
  const { file } = await auditFile(context, args.values);
  const verification = await new AuditLog(file, { logger: context.logger }).verify(expect);
  return {
    json: { ok: verification.ok, file, entries: verification.entries, head: verification.head, problems: verification.problems },
    text: formatVerification(file, verification),
    exitCode: verification.ok ? 0 : 1,
  };
}

function expectations(values: OptionValues): AuditExpectations {
  const out: AuditExpectations = {};
  if (values['expect-head'] !== undefined) {
    const head = String(values['expect-head']).trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(head)) {
      throw new SdlcError('BadUsage', `--expect-head takes the 64-hex-digit head hash printed by a previous "sdlc audit verify" (got ${JSON.stringify(values['expect-head'])})`, { usage: true });
    }
    out.expectHead = head;
  }
  if (values['min-entries'] !== undefined) {
    const raw = String(values['min-entries']).trim();
    if (!/^\d{1,15}$/.test(raw)) throw new SdlcError('BadUsage', `--min-entries takes a whole number ≥ 0 (got ${JSON.stringify(values['min-entries'])})`, { usage: true });
    out.minEntries = Number(raw);
  }
  return out;
}

export function formatVerification(file: string, v: AuditVerification): string {
  const count = `${v.entries} entr${v.entries === 1 ? 'y' : 'ies'}`;
  if (v.ok && v.entries === 0 && v.problems.length === 0) {
    return `Audit log OK but empty: no entries (${file} is missing or empty). If it should hold entries, it was emptied or deleted — pin it with --min-entries N or --expect-head HASH.`;
  }
  if (v.ok) return `Audit log OK: ${count}, chain intact, head ${v.head ?? '(none)'} (${file})`;
  const lines = v.problems.map((p) => `  line ${p.line}${p.seq !== undefined ? ` (entry ${p.seq})` : ''}: ${p.kind}: ${p.message}`);
  return [
    `Audit log FAILED verification: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} in ${count}, head ${v.head ?? '(none)'} (${file})`,
    ...lines,
  ].join('\n');
}

const ACTION = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** Records an action done outside the tool (e.g. a manual change in CI) in the same trail. */
export async function auditRecordCommand(context: CliContext, args: { values: OptionValues }): Promise<CommandOutput> {
  const action = args.values.action;
  if (typeof action !== 'string' || !ACTION.test(action)) {
    throw new SdlcError('BadUsage', `--action must name what was done as area.verb, e.g. deploy.manual (got ${JSON.stringify(action ?? '')})`, { usage: true });
  }
  // Null prototype: a key like __proto__ is stored as given, not swallowed by Object.prototype.
  const target = Object.create(null) as Record<string, string>;
  for (const pair of (args.values.subject as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SdlcError('BadUsage', `--subject takes key=value, got ${JSON.stringify(pair)}`, { usage: true });
    const key = pair.slice(0, eq);
    if (Object.hasOwn(target, key)) throw new SdlcError('BadUsage', `--subject ${JSON.stringify(key)} is given twice; give each key once`, { usage: true });
    target[key] = pair.slice(eq + 1);
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
