/**
 * The logging seam of the core. `vscode.LogOutputChannel` satisfies it as is; the CLI passes a
 * stderr logger (quiet unless --verbose). Messages carry a `[Component]` prefix, see `scoped`.
 * Never pass a token to a logger: adapters redact credentials before logging (see `redact`).
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export const silentLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** A logger that prefixes every line with `[component]`. */
export function scoped(logger: Logger, component: string): Logger {
  const p = (m: string | Error) => `[${component}] ${m instanceof Error ? (m.stack ?? m.message) : m}`;
  return {
    trace: (m) => logger.trace(p(m)),
    debug: (m) => logger.debug(p(m)),
    info: (m) => logger.info(p(m)),
    warn: (m) => logger.warn(p(m)),
    error: (m) => logger.error(p(m)),
  };
}

const TOKEN_PATTERNS: RegExp[] = [
  /\b(gh[pousr]_[A-Za-z0-9_]{16,})\b/g, // GitHub token formats
  /\b(github_pat_[A-Za-z0-9_]{20,})\b/g,
  /(\/\/[^/\s:@]*:)[^@\s/]+@/g, // credentials in URLs: https://user:secret@host
  /((?:authorization|token)\s*[:=]\s*(?:bearer\s+|token\s+)?)[^\s"',]+/gi,
];

/** Removes anything that looks like a credential from text that may be logged or shown. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  out = out.replace(TOKEN_PATTERNS[0], '***').replace(TOKEN_PATTERNS[1], '***');
  out = out.replace(TOKEN_PATTERNS[2], '$1***@').replace(TOKEN_PATTERNS[3], '$1***');
  return out;
}
