/**
 * The environment of every git process the core starts.
 * - Inherited GIT_* variables (and the other ones simple-git guards) are dropped: a stray GIT_DIR or
 *   GIT_INDEX_FILE from a hook would point git elsewhere, and simple-git refuses guarded variables
 *   passed explicitly without being allowed.
 * - Never prompt (GIT_TERMINAL_PROMPT=0, GCM_INTERACTIVE=never): a credential prompt would hang.
 * - English messages (LC_ALL=C): failures are classified from stderr.
 */
const GUARDED_ENV = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

export const FIXED_GIT_ENV: Readonly<Record<string, string>> = { GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C', LANGUAGE: 'C' };

export function isGuardedEnvKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lower.startsWith('git_') || GUARDED_ENV.has(lower);
}

/** The child environment plus the guarded keys in it that must be allowed explicitly. */
export function gitEnvironment(extra?: Record<string, string>): { env: Record<string, string>; allow: string[] } {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !isGuardedEnvKey(k)) env[k] = v;
  }
  Object.assign(env, FIXED_GIT_ENV, extra ?? {});
  return { env, allow: Object.keys(env).filter(isGuardedEnvKey) };
}
