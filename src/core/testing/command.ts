import { SdlcError } from '../errors';

export interface CommandLine {
  argv: string[];
  /** Leading `NAME=value` assignments, as a shell would apply them to the command. */
  env: Record<string, string>;
}

/** Operators a POSIX shell recognises outside quotes, longest first (so `&&` wins over `&`). */
const OPERATORS = ['&&', '||', ';;', '>>', '<<', '>&', '<&', '>|', '<>', '|&', '&', '|', ';', '<', '>', '(', ')'];

type Token = { type: 'word'; value: string } | { type: 'op'; value: string };

/**
 * Why a command line would mean something else to a shell than to us (we never run one): the
 * problem as the end of a sentence starting with `The command "…"`.
 */
type Problem = (command: string) => string;

const noShell = 'commands run without a shell';

const problems = {
  separator: (what: string): Problem => () =>
    `runs more than one command (${what}), but ${noShell}: it would run as one command with the rest as its arguments. Put the steps in a script (a package.json script or a file) and run that, or quote the ${what === 'a line break' ? 'line break' : `"${what}"`} if it belongs to an argument.`,
  operator: (op: string): Problem => () =>
    `uses the shell operator "${op}", but ${noShell}. Put the pipeline or redirection in a script (a package.json script or a file) and run that, or quote the "${op}" if it belongs to an argument.`,
  expansion: (what: string): Problem => () =>
    `uses the shell expansion "${what}", but ${noShell}, so nothing would replace it. Write the value itself (a suite's variables go in its "env"), or put it in single quotes if the characters are meant literally.`,
  comment: (): Problem => () => `has a shell comment ("#…"), but ${noShell}: the comment would be passed as arguments. Remove it, or quote the "#" if it belongs to an argument.`,
  tilde: (): Problem => () => `uses "~" for the home directory, which only a shell expands (${noShell}). Write the path in full or relative to the suite's folder, or quote the "~".`,
  nul: (): Problem => () => 'contains a NUL character, which no command-line argument can hold.',
  singleQuote: (): Problem => () => 'has an unterminated single quote.',
  doubleQuote: (): Problem => () => 'has an unterminated double quote.',
  backslash: (): Problem => () => 'ends with a lone backslash.',
};

/** `$` followed by one of these starts an expansion in a shell (`$NAME`, `${…}`, `$(…)`, `$1`, `$@`, …). */
const EXPANSION_START = /[A-Za-z0-9_{(@*#?$!-]/;

/**
 * Reads `command` as a POSIX shell reads words — whitespace separates, `'…'` is literal, `"…"`
 * allows `\"`, `\\`, `\$`, `` \` `` and a line continuation, a backslash outside quotes escapes the
 * next character — and reports, through `problem`, everything a shell would treat differently from
 * a plain list of words: operators (also glued to a word, `test;rm`), unquoted line breaks,
 * comments, `$…` and backtick expansions (also inside double quotes), a leading `~`. With `lenient`
 * the problems are not reported; operators and line breaks come back as `op` tokens.
 */
function lex(command: string, problem: (p: Problem) => void, lenient: boolean): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const push = () => {
    if (inWord) tokens.push({ type: 'word', value: word });
    word = '';
    inWord = false;
  };
  const op = (value: string) => {
    push();
    tokens.push({ type: 'op', value });
  };
  /** A `$` (at `i`, unescaped, unquoted or in double quotes) that a shell would expand. */
  const checkDollar = (i: number) => {
    const next = command[i + 1];
    if (next !== undefined && EXPANSION_START.test(next)) {
      const m = /^\$(?:\{[^}]{0,40}\}?|\([^)]{0,40}\)?|[A-Za-z_][A-Za-z0-9_]{0,40}|.)/s.exec(command.slice(i, i + 44));
      problem(problems.expansion(m ? m[0] : '$'));
    }
  };
  let i = 0;
  const n = command.length;
  while (i < n) {
    const c = command[i];
    if (c === '\0') {
      problem(problems.nul());
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      push();
      i++;
    } else if (c === '\n') {
      // A line break ends a command in a shell; between words it is never plain whitespace.
      if (lenient) op('\n');
      else problem(problems.separator('a line break'));
      push();
      i++;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) {
        problem(problems.singleQuote());
        word += command.slice(i + 1);
        inWord = true;
        break;
      }
      word += command.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
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
          continue;
        }
        if (d === '$') checkDollar(i);
        else if (d === '`') problem(problems.expansion('`…`'));
        else if (d === '\0') problem(problems.nul());
        word += d;
        i++;
      }
      if (!closed) problem(problems.doubleQuote());
    } else if (c === '\\') {
      if (i + 1 >= n) {
        problem(problems.backslash());
        i++;
        continue;
      }
      if (command[i + 1] !== '\n') {
        word += command[i + 1];
        inWord = true;
      }
      i += 2;
    } else {
      const operator = OPERATORS.find((o) => command.startsWith(o, i));
      if (operator !== undefined) {
        if (!lenient) problem(operator === ';' || operator === ';;' ? problems.separator(operator) : problems.operator(operator));
        op(operator);
        i += operator.length;
        continue;
      }
      if (c === '#' && !inWord) {
        if (!lenient) problem(problems.comment());
        // The rest of the line is the comment.
        const end = command.indexOf('\n', i);
        i = end < 0 ? n : end;
        continue;
      }
      if (c === '$') checkDollar(i);
      else if (c === '`') problem(problems.expansion('`…`'));
      else if (c === '~' && (!inWord || /[=:]$/.test(word))) problem(problems.tilde());
      word += c;
      inWord = true;
      i++;
    }
  }
  push();
  return tokens;
}

/**
 * Splits a command line from `.sdlc.json` into argv exactly as a POSIX shell would split its words,
 * without running a shell. Anything a shell would read differently — a second command (`;`, a line
 * break), an operator (`&&`, `|`, `>`, also glued to a word), an expansion (`$HOME`, `$(…)`,
 * backticks), a comment, a leading `~` — is refused rather than run as something other than what
 * was written: `SdlcError('InvalidCommand')` (usage) saying why and what to write instead. Also
 * refused: an empty command, an unterminated quote. Glob characters are passed on as written
 * (runners such as mocha expand their own globs).
 */
export function splitCommand(command: string): string[] {
  const tokens = lex(
    command,
    (p) => {
      throw invalid(command, p(command));
    },
    false,
  );
  const words = tokens.map((t) => t.value);
  if (words.length === 0) throw invalid(command, 'is empty.');
  return words;
}

/**
 * The simple commands of a shell script line (a package.json script), split leniently: on `&&`,
 * `||`, `;`, `|`, `&`, line breaks and parentheses, quotes honoured, redirection targets and
 * comments dropped, expansions kept as written. For reading what a script runs, never for running it.
 */
export function scriptCommands(script: string): string[][] {
  const commands: string[][] = [];
  let current: string[] = [];
  let redirect = false;
  for (const t of lex(script, () => undefined, true)) {
    if (t.type === 'word') {
      if (redirect) redirect = false;
      else current.push(t.value);
      continue;
    }
    if (/^(?:[<>]|>>|<<|>&|<&|>\||<>)$/.test(t.value)) {
      // `2>&1`, `> out.txt`: the fd digit before and the target after are not arguments.
      if (current.length > 0 && /^\d$/.test(current[current.length - 1])) current.pop();
      redirect = true;
      continue;
    }
    if (current.length > 0) commands.push(current);
    current = [];
    redirect = false;
  }
  if (current.length > 0) commands.push(current);
  return commands;
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
