import * as vscode from 'vscode';
import { SdlcError, errorMessage } from '../core/errors';
import { redact } from '../core/log';
import { CommandIds, type CommandId } from './ids';

/** One row of the command table. `run` receives whatever the caller passed (tree node or args object). */
export interface CommandSpec {
  id: CommandId | string;
  run: (...args: unknown[]) => Promise<unknown> | unknown;
  /** Changes something (git, GitHub, files): needs a trusted workspace. */
  needsTrust?: boolean;
}

/** What a failed command returns to programmatic callers (tests, other extensions). */
export interface CommandFailure {
  error: { code: string; message: string };
}

/** Thrown by a command when the user dismissed a prompt: no message, no error. */
export class Cancelled extends SdlcError {
  constructor() {
    super('Cancelled', 'Cancelled by the user.');
  }
}

/**
 * Registers every command through one wrapper: workspace-trust gate, error logging, and a
 * message with a "Show Log" action. A failure resolves to `{ error: { code, message } }` instead
 * of rejecting, so the workbench shows one message (ours) and tests can assert the code.
 */
export function registerCommandTable(table: readonly CommandSpec[], log: vscode.LogOutputChannel): vscode.Disposable[] {
  return table.map((spec) =>
    vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
      if (spec.needsTrust && !vscode.workspace.isTrusted) {
        const message = 'This action is disabled in Restricted Mode: it changes your repository or runs its tools. Trust the workspace to enable it.';
        void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
        return { error: { code: 'Untrusted', message } } satisfies CommandFailure;
      }
      try {
        return await spec.run(...args);
      } catch (e) {
        if (e instanceof Cancelled || (e instanceof SdlcError && e.code === 'Cancelled')) return undefined;
        const code = e instanceof SdlcError ? e.code : 'Unknown';
        const message = redact(errorMessage(e));
        log.error(`[Commands] ${spec.id} failed (${code}): ${e instanceof Error && !(e instanceof SdlcError) ? redact(e.stack ?? message) : message}`);
        void vscode.window.showErrorMessage(message, 'Show Log').then((a) => a && log.show(true));
        return { error: { code, message } } satisfies CommandFailure;
      }
    }),
  );
}

export const showLogCommand = (log: vscode.LogOutputChannel): CommandSpec => ({ id: CommandIds.showLog, run: () => log.show() });
