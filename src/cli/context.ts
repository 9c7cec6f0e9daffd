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
  /**
   * A read-only question to that repository (it may run twice, and its first answer be dropped):
   * when `cwd` holds a `.git` folder it starts at once, on the guess that `cwd` is the root, and
   * is kept when `rootOf` its answer confirms it; otherwise it waits for discovery (one git process,
   * ~40 ms, before anything else could start).
   */
  readRepository<T>(read: (git: Git) => Promise<T>, rootOf: (answer: T) => string): Promise<T>;
}
