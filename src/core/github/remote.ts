import type { GitHubRepoRef } from '../git/git';
import { redact } from '../secrets';

/**
 * Which GitHub repository a git remote URL points at. Understands the URL forms git accepts:
 * `https://[user[:secret]@]host[:port]/owner/repo[.git][/]`, `ssh://[user@]host[:port]/owner/repo[.git]`,
 * scp-like `[user@]host:owner/repo[.git]`, `git://host/owner/repo[.git]`. Hosts other than github.com
 * (and its ssh alias `ssh.github.com`) count only when listed in `enterpriseHosts`.
 */
export function parseGitHubRemote(url: string, options: { enterpriseHosts?: readonly string[] } = {}): GitHubRepoRef | null {
  const parts = splitRemoteUrl(url.trim());
  if (!parts) return null;
  const host = webHost(parts, options.enterpriseHosts ?? []);
  if (!host) return null;
  const segments = parts.path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (segments.length !== 2) return null;
  const owner = segments[0];
  const repo = segments[1].replace(/\.git$/i, '');
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..') return null;
  return { owner, repo, host };
}

/**
 * The URL without credentials: user info of http(s) URLs goes (a token may hide there); ssh keeps its
 * user name; credentials in the query (`?access_token=…`, `&token=…`) and known secret values become `***`.
 */
export function stripCredentials(url: string): string {
  return redact(stripUserInfo(url));
}

function stripUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*):\/\/([^/?#]*@)/i, (_m, scheme: string, userinfo: string) => {
    const lower = scheme.toLowerCase();
    if (lower === 'http' || lower === 'https') return `${scheme}://`;
    const user = userinfo.slice(0, -1).split(':')[0];
    return `${scheme}://${user}@`;
  });
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

interface RemoteUrlParts {
  scheme: 'https' | 'http' | 'ssh' | 'git' | 'scp';
  hostname: string;
  port: string | null;
  path: string;
}

function splitRemoteUrl(url: string): RemoteUrlParts | null {
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/(?:[^/?#@]*@)?(\[[^\]]+\]|[^/:?#]+)(?::(\d*))?(\/[^?#]*)?(?:[?#].*)?$/i.exec(url);
  if (withScheme) {
    const scheme = withScheme[1].toLowerCase().replace(/^git\+ssh$|^ssh\+git$/, 'ssh');
    if (scheme !== 'https' && scheme !== 'http' && scheme !== 'ssh' && scheme !== 'git') return null;
    return { scheme, hostname: withScheme[2].toLowerCase(), port: withScheme[3] || null, path: safeDecode(withScheme[4] ?? '') };
  }
  // scp-like: [user@]host:path — git treats it so only when no slash comes before the first colon.
  const scp = /^(?:[^@/:]+@)?([^/:@]+):(?!\/\/)(.+)$/.exec(url);
  if (scp && !/^[a-z]:\\/i.test(url)) return { scheme: 'scp', hostname: scp[1].toLowerCase(), port: null, path: scp[2] };
  return null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function normalizeHost(h: string): { hostname: string; port: string | null } {
  const stripped = h.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/\/.*$/, '');
  const m = /^(.*?)(?::(\d+))?$/.exec(stripped);
  return { hostname: m?.[1] ?? stripped, port: m?.[2] ?? null };
}

function webHost(parts: RemoteUrlParts, enterpriseHosts: readonly string[]): string | null {
  const h = parts.hostname;
  if (h === 'github.com' || h === 'www.github.com' || h === 'ssh.github.com') return 'github.com';
  for (const entry of enterpriseHosts) {
    const e = normalizeHost(entry);
    if (!e.hostname) continue;
    // Matching on the name alone: the ssh port of a GHE server differs from its web port.
    if (e.hostname === h || `ssh.${e.hostname}` === h) {
      const webPort = parts.scheme === 'https' || parts.scheme === 'http' ? parts.port : e.port;
      return webPort ? `${e.hostname}:${webPort}` : e.hostname;
    }
  }
  return null;
}
