// Types for codeServer.mjs (used from TypeScript by test/ui/driver.ts and the lead's tests).
import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';

export const PROJECT_ROOT: string;
export const CS_VERSION: string;
export const CACHE_DIR: string;
export const CS_DIR: string;
export const CS_BIN: string;
export const DEFAULT_USER_SETTINGS: Record<string, unknown>;
export const CHROMIUM_ARGS: string[];

export interface StartOptions {
  /** Folder to open; null/undefined = none. */
  folder?: string | null;
  /** Merged over DEFAULT_USER_SETTINGS into <user-data>/User/settings.json. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for code-server (the extension host inherits it). */
  env?: Record<string, string>;
  extensionsDir?: string;
  /** A persistent user-data dir (kept by stop()); default: inside the temp work dir. */
  userDataDir?: string;
  /** HOME and XDG_* of the server (default: inside the temp work dir). */
  home?: string;
  /** Default 0 = a free port. */
  port?: number;
  /** Workspace Trust on (default off: `--disable-workspace-trust`): folders open untrusted and VS Code asks. */
  workspaceTrust?: boolean;
  /** Do not echo code-server's output to stderr. */
  quiet?: boolean;
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface CodeServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  workDir: string;
  userDataDir: string;
  extensionsDir: string;
  process: ChildProcess;
  /** Kills the whole process group (SIGTERM, ≤5 s, SIGKILL); removes workDir unless keep. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

export function loadPlaywright(): Promise<typeof import('playwright-core')>;
export function findChromium(): string;
export function ensureCodeServer(): Promise<string>;
export function startCodeServer(options?: StartOptions): Promise<CodeServer>;
export function workbenchUrl(base: string, folder: string | null | undefined): string;
export function injectDevelopmentOptions(page: Page, options: { extensionPath: string; testsPath?: string | null }): Promise<void>;
export function exthostLogs(userDataDir: string): string[];
