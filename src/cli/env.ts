/**
 * What the CLI takes from the environment. GitHub: `GITHUB_TOKEN` (or `GH_TOKEN`) and the API base
 * `GITHUB_API_URL` (GitHub Enterprise, tests), default https://api.github.com. The token is only
 * ever handed to the GitHub client and to `redact`; it is never printed.
 */
import { SdlcError } from '../core/errors';
import type { GitHubClientOptions } from '../core/github/github';
import { redact, secretValuesFromEnv } from '../core/secrets';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export function githubOptionsFromEnv(env: NodeJS.ProcessEnv, userAgent?: string): GitHubClientOptions & { baseUrl: string } {
  const token = (env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim()) || undefined;
  const raw = env.GITHUB_API_URL?.trim() || DEFAULT_GITHUB_API_URL;
  if (!isHttpUrl(raw)) {
    throw new SdlcError('InvalidEnvironment', `GITHUB_API_URL is not an http(s) URL: ${redact(raw, secretsFromEnv(env))}`, { usage: true });
  }
  const options: GitHubClientOptions & { baseUrl: string } = { baseUrl: raw.replace(/\/+$/, '') };
  if (token) options.token = token;
  if (userAgent) options.userAgent = userAgent;
  return options;
}

/**
 * Web hosts of GitHub Enterprise (remotes on them are GitHub remotes): the host of
 * `GITHUB_SERVER_URL` (set in GitHub Actions) and of a non-default `GITHUB_API_URL`.
 */
export function enterpriseHostsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const hosts = new Set<string>();
  for (const value of [env.GITHUB_SERVER_URL, env.GITHUB_API_URL]) {
    if (!value || !isHttpUrl(value.trim())) continue;
    const host = new URL(value.trim()).hostname.toLowerCase();
    if (host !== 'github.com' && host !== 'api.github.com') hosts.add(host);
  }
  return [...hosts];
}

/**
 * Values that must never appear in output (redacted wherever the CLI prints): the GitHub token even
 * when short, and every secret-named variable's value (see src/core/secrets.ts).
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const github = [env.GITHUB_TOKEN, env.GH_TOKEN].filter((s): s is string => !!s && s.trim().length >= 4).map((s) => s.trim());
  return [...new Set([...github, ...secretValuesFromEnv(env)])];
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
