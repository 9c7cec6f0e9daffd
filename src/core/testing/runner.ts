import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { SdlcError, errorMessage } from '../errors';
import { silentLogger, type Logger } from '../log';
import { redact, secretValuesFromEnv } from '../secrets';
import { formatCommand, parseCommandLine } from './command';
import type { ReportFormat, TestReport } from './model';
import { parseReport, readReportFile } from './parse';
import { killTree, type ProcessTrees } from './processTree';
import type { TestSuite } from './suite';

export type OutputStream = 'stdout' | 'stderr';

export interface RunSuiteOptions {
  signal?: AbortSignal;
  /**
   * Output as it arrives, decoded as UTF-8 (a character split between chunks is kept whole), in
   * whole lines (a line longer than 16 KB in parts) with every known secret redacted (`redact` of
   * `core/secrets`, plus the secret-named values of the suite's `env`).
   */
  onOutput?: (text: string, stream: OutputStream) => void;
  /** Where the child is registered so that disposing it ends the run (the editor deactivating). */
  processes?: ProcessTrees;
  logger?: Logger;
  /** Largest stdout kept for a report read from stdout. Default 50 MB. */
  maxReportOutputBytes?: number;
  /** After SIGTERM, how long the tree gets before SIGKILL. Default 2 s. */
  killGraceMs?: number;
}

export interface SuiteRunResult {
  /** null when the process was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  report: TestReport | null;
  /** Why there is no report (or why it could not be read), when one was expected. */
  reportError?: SdlcError;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** The argv that was run. */
  command: string[];
  /** The last 64 KB of stdout and stderr together (secrets redacted), for error messages. */
  outputTail: string;
}

const DEFAULT_MAX_REPORT_OUTPUT = 50 * 1024 * 1024;
const TAIL_CHARS = 64 * 1024;
/** After the process exits, how long a grandchild may keep its stdout open before we stop reading. */
const CLOSE_GRACE_MS = 2000;
/** A partial line held back for redaction is passed on once it is this long. */
const MAX_HELD_LINE = 16 * 1024;

/**
 * Runs a suite's command without a shell, streams its output, and reads its report (a file, or
 * stdout when `report.path` is absent). Cancel (`signal`) and timeout end the whole process tree.
 * Rejects only when the command cannot be started: `CommandNotFound`, `CommandNotExecutable`,
 * `InvalidCommand`, `InvalidCwd`, `SpawnFailed`. Everything after that is in the result.
 */
export async function runSuite(suite: TestSuite, options: RunSuiteOptions = {}): Promise<SuiteRunResult> {
  const log = options.logger ?? silentLogger;
  const { argv, env: lineEnv } = Array.isArray(suite.command) ? { argv: [...suite.command], env: {} } : parseCommandLine(suite.command);
  if (argv.length === 0 || argv[0] === '') throw new SdlcError('InvalidCommand', `The suite "${suite.name}" has an empty command.`, { usage: true });
  await assertDirectory(suite.cwd, suite.name);
  const secrets = secretValuesFromEnv({ ...suite.env, ...lineEnv });
  const hide = (text: string) => redact(text, secrets);
  const command = hide(formatCommand(argv));
  const empty = (cancelled: boolean): SuiteRunResult => ({ exitCode: null, signal: null, report: null, timedOut: false, cancelled, durationMs: 0, command: argv, outputTail: '' });
  if (options.signal?.aborted || options.processes?.isDisposed) return empty(true);

  const started = Date.now();
  log.info(`[Tests] > ${command} (in ${hide(suite.cwd)})`);
  const child = spawn(argv[0], argv.slice(1), {
    cwd: suite.cwd,
    env: { ...process.env, ...suite.env, ...lineEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });

  const keepStdout = suite.report !== undefined && !suite.report.path;
  const maxStdout = options.maxReportOutputBytes ?? DEFAULT_MAX_REPORT_OUTPUT;
  const stdoutChunks: Buffer[] = [];
  let stdoutBytes = 0;
  let stdoutOverflow = false;
  let tail = '';
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  // Redaction sees whole lines, so a secret split between two chunks is still found.
  const held = { stdout: '', stderr: '' };
  const deliver = (text: string, stream: OutputStream, end = false) => {
    let ready = held[stream] + text;
    held[stream] = '';
    if (!end) {
      const cut = Math.max(ready.lastIndexOf('\n'), ready.lastIndexOf('\r')) + 1;
      if (ready.length - cut <= MAX_HELD_LINE) {
        held[stream] = ready.slice(cut);
        ready = ready.slice(0, cut);
      }
    }
    if (ready === '') return;
    ready = hide(ready);
    tail += ready;
    if (tail.length > 2 * TAIL_CHARS) tail = tail.slice(-TAIL_CHARS);
    try {
      options.onOutput?.(ready, stream);
    } catch (e) {
      log.warn(`[Tests] output listener failed: ${errorMessage(e)}`);
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    if (keepStdout && !stdoutOverflow) {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        stdoutOverflow = true;
        stdoutChunks.length = 0;
      } else {
        stdoutChunks.push(chunk);
      }
    }
    deliver(decoders.stdout.write(chunk), 'stdout');
  });
  child.stderr.on('data', (chunk: Buffer) => deliver(decoders.stderr.write(chunk), 'stderr'));

  let timedOut = false;
  let cancelled = false;
  let terminating = false;
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = () => {
    if (terminating) return;
    terminating = true;
    killTree(child, 'SIGTERM');
    killTimer = setTimeout(() => killTree(child, 'SIGKILL'), options.killGraceMs ?? 2000);
  };
  const onAbort = () => {
    cancelled = true;
    log.info(`[Tests] cancelling ${suite.name}`);
    terminate();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const untrack = child.pid !== undefined ? options.processes?.track(child, onAbort) : undefined;
  const timeoutTimer =
    suite.timeoutMs !== undefined && suite.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          log.warn(`[Tests] ${suite.name} timed out after ${suite.timeoutMs} ms`);
          terminate();
        }, suite.timeoutMs)
      : undefined;
  let closeTimer: NodeJS.Timeout | undefined;

  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await new Promise((resolve, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (child.pid === undefined) reject(spawnError(e, argv[0], suite));
        else log.warn(`[Tests] ${suite.name}: ${e.message}`);
      });
      child.once('exit', () => {
        // Whatever the command left running in its group goes with it once we asked it to stop.
        if (terminating) {
          if (killTimer) clearTimeout(killTimer);
          killTree(child, 'SIGKILL');
        }
        // A grandchild holding stdout open must not keep the run going forever.
        closeTimer = setTimeout(() => {
          log.warn(`[Tests] ${suite.name}: the command exited but something it started still holds its output open; not waiting for it`);
          child.stdout.destroy();
          child.stderr.destroy();
        }, CLOSE_GRACE_MS);
        closeTimer.unref();
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
  } finally {
    if (timeoutTimer) clearTimeout(timeoutTimer);
    if (killTimer) clearTimeout(killTimer);
    if (closeTimer) clearTimeout(closeTimer);
    options.signal?.removeEventListener('abort', onAbort);
    untrack?.();
  }
  deliver(decoders.stdout.end(), 'stdout', true);
  deliver(decoders.stderr.end(), 'stderr', true);
  const durationMs = Date.now() - started;
  log.info(`[Tests] ${suite.name} exited with ${exit.code ?? exit.signal} [${durationMs}ms]`);

  const result: SuiteRunResult = { exitCode: exit.code, signal: exit.signal, report: null, timedOut, cancelled, durationMs, command: argv, outputTail: tail.slice(-TAIL_CHARS) };
  if (cancelled) return result;
  if (timedOut) {
    result.reportError = new SdlcError('TimedOut', `The suite "${suite.name}" did not finish within ${formatMs(suite.timeoutMs ?? 0)}; it was stopped with everything it started.`, {
      hint: 'Raise the suite\'s "timeout" in .sdlc.json if it needs longer.',
    });
    return result;
  }
  if (!suite.report) return result;
  try {
    const { format, path: reportPath } = suite.report;
    result.report = reportPath
      ? await readSuiteReport(suite, format, reportPath, started, exit.code)
      : parseStdout(suite, format, Buffer.concat(stdoutChunks).toString('utf8'), stdoutOverflow, maxStdout, exit.code);
  } catch (e) {
    result.reportError = e instanceof SdlcError ? e : new SdlcError('ReportUnreadable', errorMessage(e), { cause: e });
    log.warn(`[Tests] ${suite.name}: ${result.reportError.message}`);
  }
  return result;
}

/**
 * The suite's report file through the streaming reader (JUnit read in chunks, encodings and BOMs,
 * size caps), with the suite's exit code added to the messages that a failed run explains.
 */
async function readSuiteReport(suite: TestSuite, format: ReportFormat, reportPath: string, started: number, exitCode: number | null): Promise<TestReport> {
  const file = path.resolve(suite.cwd, reportPath);
  try {
    return await readReportFile(file, format, { cwd: suite.cwd, notBefore: started, owner: `"${suite.name}"` });
  } catch (e) {
    if (!(e instanceof SdlcError)) throw e;
    const failedRun = exitCode !== 0 ? ` The command exited with code ${exitCode}; it probably failed before writing the report — see its output.` : '';
    if (e.code === 'ReportMissing') {
      throw new SdlcError('ReportMissing', `The suite "${suite.name}" wrote no report at ${file}.${failedRun}`, { hint: 'Check report.path in .sdlc.json: it is relative to the suite\'s cwd.', cause: e });
    }
    if (failedRun && (e.code === 'ReportStale' || e.code === 'MalformedReport')) throw new SdlcError(e.code, e.message + failedRun, { ...e.options, cause: e });
    throw e;
  }
}

function parseStdout(suite: TestSuite, format: ReportFormat, stdout: string, overflow: boolean, max: number, exitCode: number | null): TestReport {
  if (overflow) {
    throw new SdlcError('OutputTooLarge', `The suite "${suite.name}" printed more than ${Math.round(max / 1024 / 1024)} MB on stdout; its ${format} report is not read from output that large.`, {
      hint: 'Write the report to a file (report.path in .sdlc.json) instead of stdout.',
    });
  }
  if (stdout.trim() === '') {
    throw new SdlcError('ReportMissing', `The suite "${suite.name}" printed nothing on stdout, where its ${format} report was expected${exitCode !== 0 ? ` (exit code ${exitCode})` : ''}.`);
  }
  try {
    return parseReport(stdout, format, { cwd: suite.cwd });
  } catch (e) {
    if (exitCode !== 0 && e instanceof SdlcError && e.code === 'MalformedReport') {
      throw new SdlcError('ReportMissing', `The suite "${suite.name}" exited with code ${exitCode} and printed no readable ${format} report on stdout (${e.message}).`, { cause: e });
    }
    throw e;
  }
}

async function assertDirectory(cwd: string, suite: string): Promise<void> {
  try {
    if ((await fs.stat(cwd)).isDirectory()) return;
  } catch {
    // reported below
  }
  throw new SdlcError('InvalidCwd', `The directory of the suite "${suite}" does not exist: ${cwd}`, { usage: true });
}

function spawnError(e: NodeJS.ErrnoException, program: string, suite: TestSuite): SdlcError {
  if (e.code === 'ENOENT') {
    return new SdlcError('CommandNotFound', `Command not found: ${program} (suite "${suite.name}").`, {
      cause: e,
      hint: `Install ${program} or put it on PATH; commands run without a shell, so shell built-ins and aliases are not available.`,
    });
  }
  if (e.code === 'EACCES') return new SdlcError('CommandNotExecutable', `${program} is not executable (suite "${suite.name}").`, { cause: e });
  return new SdlcError('SpawnFailed', `Could not start ${program} for the suite "${suite.name}": ${e.message}`, { cause: e });
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
