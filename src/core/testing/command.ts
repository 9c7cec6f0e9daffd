import { SdlcError } from '../errors';

/** Unquoted tokens that only a shell understands: we never run a shell, so they are refused. */
const SHELL_OPERATORS = new Set(['&&', '||', '|', ';', '&', '>', '>>', '<', '<<', '2>', '2>&1', '>&', '|&', '(', ')']);

export interface CommandLine {
  argv: string[];
  /** Leading `NAME=value` assignments, as a shell would apply them to the command. */
  env: Record<string, string>;
}

/**
 * Splits a command line from `.sdlc.json` into argv the way a POSIX shell would split words —
 * whitespace separates, `'…'` is literal, `"…"` allows `\"`, `\\`, `\$`, `` \` ``, and a backslash
 * outside quotes escapes the next character — without running a shell: no expansion, no
 * operators. Throws `SdlcError('InvalidCommand')` (usage) for an empty command, an unterminated
 * quote or a shell operator.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quotedWord = false;
  const push = () => {
    if (!inWord) return;
    if (!quotedWord && SHELL_OPERATORS.has(word)) {
      throw invalid(command, `uses the shell operator "${word}", and commands are run without a shell. Put the pipeline in a script (package.json or a file) and run that, or give the command as an array.`);
    }
    words.push(word);
    word = '';
    inWord = false;
    quotedWord = false;
  };
  let i = 0;
  const n = command.length;
  while (i < n) {
    const c = command[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      push();
      i++;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw invalid(command, 'has an unterminated single quote.');
      word += command.slice(i + 1, end);
      inWord = quotedWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = quotedWord = true;
      i++;
      let closed = false;
      while (i < n) {
        const d = command[i];
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < n && '"\\$`\n'.includes(command[i + 1])) {
          if (command[i + 1] !== '\n') word += command[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) throw invalid(command, 'has an unterminated double quote.');
    } else if (c === '\\') {
      if (i + 1 >= n) throw invalid(command, 'ends with a lone backslash.');
      if (command[i + 1] !== '\n') {
        word += command[i + 1];
        inWord = quotedWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  push();
  if (words.length === 0) throw invalid(command, 'is empty.');
  return words;
}

/** `splitCommand`, with leading `NAME=value` words taken out as environment variables. */
export function parseCommandLine(command: string): CommandLine {
  const words = splitCommand(command);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length - 1; i++) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(words[i]);
    if (!m) break;
    env[m[1]] = m[2];
  }
  return { argv: words.slice(i), env };
}

/** Quotes one argument so that `splitCommand` gives it back unchanged (also for display). */
export function quoteArg(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** argv as one line a person can read and paste into a POSIX shell. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

function invalid(command: string, problem: string): SdlcError {
  const shown = command.length > 200 ? `${command.slice(0, 200)}…` : command;
  return new SdlcError('InvalidCommand', `The command ${JSON.stringify(shown)} ${problem}`, { usage: true });
}
