import { AuditLog, auditAction, resolveAuditPath, type AuditInput } from '../core/audit/auditLog';
import { resolveActor } from '../core/audit/actor';
import { loadConfig } from '../core/config/config';
import type { Git } from '../core/git/git';
import type { Logger } from '../core/log';
import type { GitHubAuth } from './auth';

/**
 * Records every change made from the editor in the repository's audit log (the same file the CLI
 * writes: `<git dir>/sdlc/audit.jsonl`, or `audit.path` of `.sdlc.json`).
 */
export class AuditService {
  constructor(
    private readonly auth: GitHubAuth,
    private readonly logger: Logger,
  ) {}

  async logFor(root: string, git: Git): Promise<AuditLog> {
    const { config } = await loadConfig(root).catch(() => ({ config: {} as { audit?: { path?: string } } }));
    return new AuditLog(resolveAuditPath(root, await git.gitDir(), config.audit?.path), { logger: this.logger });
  }

  /** Runs `fn` and appends a success or failure entry (failures rethrow after being recorded). */
  async record<T>(
    repo: { root: string; git: Git },
    action: string,
    target: Record<string, string>,
    fn: () => Promise<T>,
    extra: Pick<AuditInput, 'before'> & { after?: (result: T) => unknown } = {},
  ): Promise<T> {
    const log = await this.logFor(repo.root, repo.git);
    const actor = await resolveActor('vscode', repo.git, { githubLogin: this.auth.login });
    return auditAction(log, { actor, action, repository: repo.root, target, before: extra.before }, fn, { after: extra.after });
  }
}
