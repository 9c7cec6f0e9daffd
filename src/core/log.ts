/**
 * The logging seam of the core. `vscode.LogOutputChannel` satisfies it as is; the CLI passes a
 * stderr logger (quiet unless --verbose). Messages carry a `[Component]` prefix, see `scoped`.
 * Never pass a token to a logger: adapters redact credentials before logging (see `redact`), and
 * `redactingLogger` masks every known secret on the way out (the CLI's and the editor's channel use it).
 */
import { redact } from './secrets';

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

/** Removes known secrets and anything that looks like a credential (see src/core/secrets.ts). */
export { redact } from './secrets';

/** A logger that passes every message through `redact` (known secrets, credentials in URLs). */
export function redactingLogger(logger: Logger, extra: readonly string[] = []): Logger {
  const r = (m: string | Error) => redact(m instanceof Error ? (m.stack ?? m.message) : m, extra);
  return {
    trace: (m) => logger.trace(r(m)),
    debug: (m) => logger.debug(r(m)),
    info: (m) => logger.info(r(m)),
    warn: (m) => logger.warn(r(m)),
    error: (m) => logger.error(r(m)),
  };
}
