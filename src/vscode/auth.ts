import * as vscode from 'vscode';
import type { GitHub } from '../core/github/github';
import { scoped, type Logger } from '../core/log';
import { createGitHub } from '../core/github/octokitAdapter';
import { Cancelled } from './commandTable';
import { registerSecret } from '../core/secrets';

const DEFAULT_API_URL = 'https://api.github.com';
const SCOPES = ['repo', 'workflow'];

/** Where a token came from, for the UI ("signed in as x via token"). Never the token itself. */
export type TokenSource = 'session' | 'secret' | 'environment';

/**
 * GitHub credentials: a `vscode.authentication` session (provider `github`, or `github-enterprise`
 * when `sdlc.github.apiUrl` is set), else a token kept in SecretStorage (`SDLC: Sign in with Token`),
 * else GITHUB_TOKEN / GH_TOKEN from the environment (as the CLI does). Also owns the API client,
 * rebuilt when the token or the API URL changes; octokit is loaded only on first use.
 */
export class GitHubAuth implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private client?: { key: string; github: Promise<GitHub> };
  private readonly log: Logger;
  /** Set while we ask the auth provider interactively, so silent lookups do not race it. */
  login: string | null = null;

  constructor(private readonly secrets: vscode.SecretStorage, log: Logger) {
    this.log = scoped(log, 'GitHub');
    this.disposables.push(
      vscode.authentication.onDidChangeSessions((e) => e.provider.id === this.providerId() && this.fireChanged()),
      secrets.onDidChange((e) => e.key === this.secretKey() && this.fireChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('sdlc.github') && this.fireChanged()),
    );
  }

  apiUrl(): string {
    const configured = vscode.workspace.getConfiguration('sdlc.github').get<string>('apiUrl')?.trim();
    return (configured || DEFAULT_API_URL).replace(/\/+$/, '');
  }

  /** Web hosts that count as GitHub besides github.com (the enterprise host of the API URL). */
  enterpriseHosts(): string[] {
    const url = this.apiUrl();
    if (url === DEFAULT_API_URL) return [];
    try {
      return [new URL(url).host];
    } catch {
      return [];
    }
  }

  private providerId(): 'github' | 'github-enterprise' {
    return this.apiUrl() === DEFAULT_API_URL ? 'github' : 'github-enterprise';
  }

  private secretKey(): string {
    return `sdlc.github.token:${this.apiUrl()}`;
  }

  /**
   * The token to use, without prompting; undefined when signed out. Remembered until sessions,
   * the stored token or the settings change: asking the account provider can take seconds.
   */
  token(): Promise<{ token: string; source: TokenSource } | undefined> {
    // Whatever the token, it becomes a known secret: redacted from every log line and message.
    this.cachedToken ??= this.lookUpToken().then((c) => {
      if (c) registerSecret(c.token);
      return c;
    });
    return this.cachedToken;
  }

  private cachedToken?: Promise<{ token: string; source: TokenSource } | undefined>;

  private async lookUpToken(): Promise<{ token: string; source: TokenSource } | undefined> {
    try {
      const session = await vscode.authentication.getSession(this.providerId(), SCOPES, { silent: true });
      if (session) return { token: session.accessToken, source: 'session' };
    } catch (e) {
      // No such provider (e.g. some web hosts) — fall through to the stored token.
      this.log.debug(`no ${this.providerId()} authentication session: ${e instanceof Error ? e.message : String(e)}`);
    }
    const stored = await this.secrets.get(this.secretKey());
    if (stored) return { token: stored, source: 'secret' };
    const env = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
    if (env) return { token: env, source: 'environment' };
    return undefined;
  }

  /** The API client for the current credentials, or undefined when signed out. */
  async github(): Promise<GitHub | undefined> {
    const credentials = await this.token();
    if (!credentials) {
      this.client = undefined;
      return undefined;
    }
    const key = `${this.apiUrl()}\n${credentials.token}`;
    if (this.client?.key !== key) {
      // One quick retry only: the poller retries later with backoff, so the view never waits ~15 s on a 5xx.
      const github = createGitHub({ baseUrl: this.apiUrl(), token: credentials.token, logger: this.log, userAgent: 'sdlc-workbench', retry: { retries: 1, retryAfterBaseValueMs: 500 } });
      this.client = { key, github };
      github.catch(() => this.client?.github === github && (this.client = undefined));
    }
    return this.client.github;
  }

  async signIn(): Promise<void> {
    try {
      await vscode.authentication.getSession(this.providerId(), SCOPES, { createIfNone: true });
      this.fireChanged();
    } catch (e) {
      this.log.warn(`interactive sign-in unavailable: ${e instanceof Error ? e.message : String(e)}`);
      const pick = await vscode.window.showWarningMessage(
        `Signing in through VS Code's ${this.providerId()} account provider is not available here. Use a personal access token instead?`,
        'Sign in with Token',
      );
      if (pick) await this.signInWithToken();
    }
  }

  /** Stores a token after checking it against the API. `token` given = no prompt (tests, scripts). */
  async signInWithToken(token?: string): Promise<{ login: string }> {
    const value =
      token ??
      (await vscode.window.showInputBox({
        title: 'Sign in to GitHub with a token',
        prompt: `A personal access token for ${this.apiUrl()} with the repo and workflow scopes. It is kept in VS Code's secret storage.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter a token'),
      }));
    if (!value) throw new Cancelled();
    const github = await createGitHub({ baseUrl: this.apiUrl(), token: value.trim(), logger: this.log, userAgent: 'sdlc-workbench', retry: { retries: 1, retryAfterBaseValueMs: 500 } });
    const user = await github.currentUser(); // a bad token fails here with Unauthorized, nothing stored
    await this.secrets.store(this.secretKey(), value.trim());
    this.cachedToken = undefined;
    this.login = user.login;
    this.log.info(`signed in as ${user.login} (token in secret storage)`);
    this.fireChanged();
    return { login: user.login };
  }

  async signOut(): Promise<void> {
    await this.secrets.delete(this.secretKey());
    this.login = null;
    this.client = undefined;
    this.cachedToken = undefined;
    const rest = await this.token();
    if (rest?.source === 'session') {
      void vscode.window.showInformationMessage('The stored token was removed. You are still signed in through your VS Code GitHub account: sign out of it from the Accounts menu.');
    } else if (rest?.source === 'environment') {
      void vscode.window.showInformationMessage('The stored token was removed. GITHUB_TOKEN / GH_TOKEN from the environment is still used.');
    }
    this.fireChanged();
  }

  private fireChanged(): void {
    this.client = undefined;
    this.cachedToken = undefined;
    this.changed.fire();
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
