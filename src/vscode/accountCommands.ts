import type { GitHubAuth } from './auth';
import type { CommandSpec } from './commandTable';
import { CommandIds } from './ids';

export function accountCommands(auth: GitHubAuth): CommandSpec[] {
  return [
    { id: CommandIds.signIn, run: () => auth.signIn() },
    // `executeCommand('sdlc.github.signInWithToken', 'ghp_…')` signs in without a prompt (tests, scripts).
    { id: CommandIds.signInWithToken, run: (token?: unknown) => auth.signInWithToken(typeof token === 'string' ? token : undefined) },
    { id: CommandIds.signOut, run: () => auth.signOut() },
  ];
}
