import type { Git } from '../core/git/git';
import type { Logger } from '../core/log';

/** What a command gets from the composition root (src/cli.ts). */
export interface CliContext {
  /** Absolute folder the command runs in (--cwd or the process's). */
  cwd: string;
  json: boolean;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** The repository containing `cwd`; NotARepository (exit 2) when there is none. */
  openRepository(): Promise<Git>;
}
