import * as os from 'node:os';
import type { Git } from '../git/git';
import type { AuditActor } from './auditLog';

/**
 * Who is acting: the git identity of the repository, the host, and — in GitHub Actions — the
 * login that triggered the run (`GITHUB_ACTOR`). A missing identity is left out, never guessed.
 */
export async function resolveActor(
  tool: AuditActor['tool'],
  git: Pick<Git, 'user'> | null,
  extra: { githubLogin?: string | null; env?: NodeJS.ProcessEnv } = {},
): Promise<AuditActor> {
  const user = git ? await git.user().catch(() => ({ name: null, email: null })) : { name: null, email: null };
  const githubLogin = extra.githubLogin ?? extra.env?.GITHUB_ACTOR ?? undefined;
  const actor: AuditActor = { tool, host: os.hostname() };
  if (user.name) actor.gitName = user.name;
  if (user.email) actor.gitEmail = user.email;
  if (githubLogin) actor.githubLogin = githubLogin;
  return actor;
}
