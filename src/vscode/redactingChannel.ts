import type * as vscode from 'vscode';
import { redact } from '../core/secrets';

const WRITES = new Set(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

/**
 * The editor's "SDLC" log channel with every line passed through `redact` on its way in: known
 * secret values (secret-named environment variables, tokens registered by sign-in) and credentials
 * in URLs never reach the channel, whichever component logs them. Everything else is the channel's own.
 */
export function redactingLogChannel(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!WRITES.has(property)) return method.bind(target);
      return (message: unknown, ...rest: unknown[]) => {
        const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
        return method.call(target, redact(text), ...rest.map((r) => (typeof r === 'string' ? redact(r) : r instanceof Error ? redact(r.stack ?? r.message) : r)));
      };
    },
  });
}
