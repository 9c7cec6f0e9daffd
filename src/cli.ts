/**
 * Composition root of the CLI (`sdlc`, bundled to dist/cli-main.js, which dist/cli.js loads): parse argv, build the services,
 * dispatch to a command of src/cli/commands.ts, print, return the exit code. No logic of its own.
 * Everything it prints (documents, text, errors, log lines) goes through `redact`: the secret values
 * of the environment (GITHUB_TOKEN, *_TOKEN, *_SECRET, …) and credentials in URLs never reach output.
 *   --json: exactly one JSON document on stdout; errors as `{ "error": { code, message } }` on stderr.
 *   exit 0 ok, 1 the operation failed, 2 bad usage / bad input (SdlcError.usage, NotARepository).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseCommandLine, type GlobalFlags } from './cli/args';
import { COMMANDS } from './cli/commands';
import type { CliContext } from './cli/context';
import { enterpriseHostsFromEnv, secretsFromEnv } from './cli/env';
import { commandHelp, generalHelp, helpJson } from './cli/help';
import { SdlcError, errorMessage } from './core/errors';
import { discoverRepository, likelyRoot, localRepositoryFacts, type RepositoryFacts } from './core/git/discovery';
import type { Git } from './core/git/git';
import { createGit } from './core/git/simpleGitAdapter';
import { GitError } from './core/git/gitError';
import type { Logger } from './core/log';
import { redact, redactJson, registerSecretsFromEnv } from './core/secrets';
import { version } from '../package.json';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** The folder `--cwd` is relative to. */
  cwd: string;
}

/** The outside world of the CLI; tests may replace it. */
export interface CliServices {
  discoverRepository(dir: string): Promise<RepositoryFacts & { root: string }>;
  createGit(root: string, options: { logger: Logger; enterpriseHosts: string[]; discovered?: RepositoryFacts }): Git;
}

const defaultServices: CliServices = { discoverRepository, createGit };

export const VERSION: string = version;

export async function main(argv: readonly string[], io: CliIo, services: CliServices = defaultServices): Promise<number> {
  const end = argv.indexOf('--');
  const json = (end < 0 ? argv : argv.slice(0, end)).includes('--json');
  const secrets = secretsFromEnv(io.env);
  const forgetSecrets = registerSecretsFromEnv(io.env);
  const print = (doc: unknown, textOf: string | (() => string)) => {
    if (json) {
      // (Written as two pieces: joined, a document of megabytes would be copied once more.)
      io.stdout(redactJson(doc, secrets, 2));
      return io.stdout('\n');
    }
    const text = typeof textOf === 'string' ? textOf : textOf();
    io.stdout(redact(text.endsWith('\n') || !text ? text : text + '\n', secrets));
  };
  let global: GlobalFlags = { json, help: false, version: false, verbose: false };
  let logger: Logger = stderrLogger(io, secrets, { json, verbose: false });
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    global = parsed.global;
    logger = stderrLogger(io, secrets, global);
    if (global.version) {
      print({ version: VERSION }, VERSION);
      return 0;
    }
    if (global.help) {
      if (parsed.command) print({ command: parsed.command.name, help: commandHelp(parsed.command) }, commandHelp(parsed.command));
      else print(helpJson(COMMANDS, VERSION), generalHelp(COMMANDS, VERSION));
      return 0;
    }
    if (!parsed.command) {
      throw new SdlcError('NoCommand', 'No command given (see sdlc --help)', { usage: true });
    }
    const cwd = path.resolve(io.cwd, global.cwd ?? '.');
    const stat = await fs.stat(cwd).catch(() => null);
    if (!stat?.isDirectory()) throw new SdlcError('NotADirectory', `${global.cwd ?? cwd} is not a directory`, { usage: true });
    if (!parsed.command.run) {
      throw new SdlcError('NotImplemented', `'sdlc ${parsed.command.name}' is not implemented yet (coming soon)`);
    }
    let git: Promise<Git> | undefined;
    const enterpriseHosts = enterpriseHostsFromEnv(io.env);
    const openRepository = () =>
      (git ??= services.discoverRepository(cwd).then(({ root, ...discovered }) => services.createGit(root, { logger, enterpriseHosts, discovered })));
    const context: CliContext = {
      cwd,
      json: global.json,
      env: io.env,
      logger,
      openRepository,
      async readRepository(read, rootOf) {
        const real = git ? null : likelyRoot(cwd);
        if (real) {
          // Where the file system already says what git would (see localRepositoryFacts), the read
          // starts no rev-parse of its own, and the guess is the root.
          const facts = localRepositoryFacts(real);
          const guess = services.createGit(real, { logger, enterpriseHosts, ...(facts ? { discovered: facts } : {}) });
          const answer = await read(guess).catch(() => undefined);
          if (answer !== undefined && rootOf(answer) === real) {
            git = Promise.resolve(guess);
            return answer;
          }
        }
        return read(await openRepository());
      },
    };
    const output = await parsed.command.run(context, { positionals: parsed.positionals, values: parsed.values });
    print(output.json, () => output.text); // a command may make its text only when it is read
    return output.exitCode ?? 0;
  } catch (e) {
    const code = e instanceof SdlcError ? e.code : 'Internal';
    const message = redact(withLogHint(errorMessage(e), e, global.verbose), secrets);
    if (!(e instanceof SdlcError)) logger.error(e instanceof Error ? e : String(e));
    if (global.json || json) io.stderr(JSON.stringify({ error: { code, message } }) + '\n');
    else io.stderr(`sdlc: ${message.split('\n')[0]}\n`);
    return exitCodeOf(e);
  } finally {
    forgetSecrets();
  }
}

/** Where more detail is: the CLI has a log only with --verbose (the editor's "Show Log" has it always). */
function withLogHint(message: string, e: unknown, verbose: boolean): string {
  if (verbose) return message;
  if (e instanceof GitError && e.gitCode === 'Unknown') return `${message} Run again with --verbose to see git's full output.`;
  if (!(e instanceof SdlcError)) return `${message} (an internal error: run again with --verbose for details)`;
  return message;
}

/** 2 for bad usage or bad input (including "not a git repository"), 1 for a failed operation. */
export function exitCodeOf(e: unknown): number {
  return e instanceof SdlcError && (e.usage || e.code === 'NotARepository') ? 2 : 1;
}

/** Logs to stderr: everything with --verbose; otherwise warnings in text mode, nothing with --json. */
function stderrLogger(io: CliIo, secrets: string[], flags: Pick<GlobalFlags, 'json' | 'verbose'>): Logger {
  const write = (level: string, m: string | Error) => io.stderr(`${level} ${redact(m instanceof Error ? (m.stack ?? m.message) : m, secrets)}\n`);
  const on = flags.verbose;
  return {
    trace: (m) => on && write('[trace]', m),
    debug: (m) => on && write('[debug]', m),
    info: (m) => on && write('[info]', m),
    warn: (m) => (on || !flags.json) && write(on ? '[warn]' : 'sdlc: warning:', m),
    error: (m) => on && write('[error]', m),
  };
}

/**
 * A write to a stream whose reader went away (`sdlc … | head`) is dropped instead of crashing with
 * EPIPE: the command still runs to its end, so a change in progress is never cut off by the pipe.
 */
export function pipeSafeWriter(stream: Pick<NodeJS.WriteStream, 'on' | 'write'>): (text: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
  });
  return (text) => {
    for (const piece of slices(text)) if (!closed) stream.write(piece);
  };
}

/** Characters per piece of a large text written out (64 Ki UTF-16 units). */
export const WRITE_SLICE = 1 << 16;

/**
 * A text in pieces of at most WRITE_SLICE, never splitting a surrogate pair: each piece is encoded into
 * a buffer of its own size, which the allocator reuses for the next, instead of one buffer as large as
 * the whole text (a `sdlc repo --json` of 15,000 refs is 2.6 MB; every fresh MB cost ~3.4 ms of page
 * faults on the bench's VM).
 */
export function* slices(text: string): Generator<string> {
  if (text.length <= WRITE_SLICE) {
    yield text;
    return;
  }
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + WRITE_SLICE, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(at, end);
    at = end;
  }
}

/** Runs the command of this process's argv with its stdout, stderr and environment, and sets its exit code. */
export function runCli(): void {
  const io: CliIo = {
    stdout: pipeSafeWriter(process.stdout),
    stderr: pipeSafeWriter(process.stderr),
    env: process.env,
    cwd: process.cwd(),
  };
  // Once nothing is left to do (every write and child process has ended), the process ends without
  // node's teardown of its environment (~5 ms of a `sdlc repo` on the bench machine); 'exit' listeners
  // still run (the code cache is written in one).
  process.once('beforeExit', () => process.exit());
  void main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`sdlc: ${errorMessage(e)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runCli();
