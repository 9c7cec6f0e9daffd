/**
 * Command-line parsing with `util.parseArgs` (strict): one pass over the union of every option
 * (so option values are consumed correctly wherever they appear), then the command is found from
 * the positionals and each option used is checked against the global ones and the command's own.
 * Every mistake is an `SdlcError` with `usage` set (exit code 2).
 */
import { parseArgs } from 'node:util';
import { SdlcError } from '../core/errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `DIR`. */
  value?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandSpec<Context = unknown> {
  /** Words after `sdlc`, e.g. `repo` or `audit verify`. */
  name: string;
  summary: string;
  /** Positional arguments, shown in help, e.g. `[auto|major|minor|patch|prerelease|X.Y.Z]`. */
  args?: string;
  maxPositionals?: number;
  options: Readonly<Record<string, OptionSpec>>;
  /** Absent: listed as coming soon, answers NotImplemented. */
  run?: (context: Context, args: { positionals: string[]; values: OptionValues }) => Promise<CommandOutput>;
}

export interface CommandOutput {
  /** The one JSON document printed with --json. */
  json: unknown;
  /** What a person reads without --json. */
  text: string;
  /** 0 unless the command says otherwise (e.g. `audit verify` finding problems → 1). */
  exitCode?: number;
}

export const GLOBAL_OPTIONS = {
  cwd: { type: 'string', value: 'DIR', description: 'Run in DIR instead of the current folder.' },
  json: { type: 'boolean', description: 'Print exactly one JSON document on stdout; errors as JSON on stderr.' },
  help: { type: 'boolean', short: 'h', description: 'Show help (for a command: sdlc COMMAND --help).' },
  version: { type: 'boolean', description: 'Print the version.' },
  verbose: { type: 'boolean', description: 'Log what happens (git calls, timings) to stderr.' },
} as const satisfies Record<string, OptionSpec>;

export interface GlobalFlags {
  cwd?: string;
  json: boolean;
  help: boolean;
  version: boolean;
  verbose: boolean;
}

export interface ParsedCommandLine<Context = unknown> {
  global: GlobalFlags;
  /** null when no command was given (help / version / nothing). */
  command: CommandSpec<Context> | null;
  positionals: string[];
  values: OptionValues;
}

export function parseCommandLine<Context>(argv: readonly string[], commands: ReadonlyArray<CommandSpec<Context>>): ParsedCommandLine<Context> {
  const options = allOptions(commands);
  let parsed: { values: Record<string, unknown>; positionals: string[]; tokens: Array<{ kind: string; name?: string; rawName?: string }> };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const message = ((e as Error).message ?? String(e)).split('. To specify a positional')[0];
    throw new SdlcError(code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 'UnknownOption' : 'BadUsage', message, { usage: true, cause: e });
  }
  const values = parsed.values as OptionValues;
  const global: GlobalFlags = {
    cwd: values.cwd as string | undefined,
    json: values.json === true,
    help: values.help === true,
    version: values.version === true,
    verbose: values.verbose === true,
  };
  const positionals = parsed.positionals;
  const command = findCommand(positionals, commands, global.help);
  const rest = command ? positionals.slice(command.name.split(' ').length) : positionals;

  if (command) {
    for (const token of parsed.tokens) {
      if (token.kind !== 'option') continue;
      const name = token.name ?? '';
      if (!(name in GLOBAL_OPTIONS) && !(name in command.options)) {
        throw new SdlcError('UnknownOption', `Unknown option '${token.rawName}' for 'sdlc ${command.name}'`, { usage: true });
      }
    }
    if (rest.length > (command.maxPositionals ?? 0) && !global.help) {
      throw new SdlcError('BadUsage', `Unexpected argument '${rest[command.maxPositionals ?? 0]}' for 'sdlc ${command.name}'`, { usage: true });
    }
  }
  const commandValues: OptionValues = {};
  for (const [name, value] of Object.entries(values)) if (!(name in GLOBAL_OPTIONS)) commandValues[name] = value;
  return { global, command, positionals: rest, values: commandValues };
}

/** The command named by the leading positionals (longest match), null without positionals. */
function findCommand<Context>(positionals: readonly string[], commands: ReadonlyArray<CommandSpec<Context>>, help: boolean): CommandSpec<Context> | null {
  if (positionals.length === 0) return null;
  let best: CommandSpec<Context> | null = null;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (words.every((w, i) => positionals[i] === w) && (!best || words.length > best.name.split(' ').length)) best = command;
  }
  if (best) return best;
  const group = commands.filter((c) => c.name.split(' ')[0] === positionals[0] && c.name.includes(' '));
  if (group.length > 0) {
    if (help && positionals.length === 1) return null; // `sdlc audit --help` → general help
    const names = group.map((c) => `'sdlc ${c.name}'`).join(', ');
    const what = positionals[1] === undefined ? `'sdlc ${positionals[0]}' needs a subcommand` : `Unknown command 'sdlc ${positionals.slice(0, 2).join(' ')}'`;
    throw new SdlcError('UnknownCommand', `${what}: ${names}`, { usage: true });
  }
  throw new SdlcError('UnknownCommand', `Unknown command '${positionals[0]}' (see sdlc --help)`, { usage: true });
}

type ParseArgsOption = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

function allOptions<Context>(commands: ReadonlyArray<CommandSpec<Context>>): Record<string, ParseArgsOption> {
  const out: Record<string, ParseArgsOption> = {};
  const add = (name: string, spec: OptionSpec, owner: string) => {
    const option: ParseArgsOption = { type: spec.type };
    if (spec.short) option.short = spec.short;
    if (spec.multiple) option.multiple = true;
    const existing = out[name];
    if (existing && (existing.type !== option.type || existing.multiple !== option.multiple || existing.short !== option.short)) {
      throw new Error(`option --${name} of ${owner} is declared differently elsewhere`);
    }
    out[name] = option;
  };
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS)) add(name, spec, 'sdlc');
  for (const command of commands) for (const [name, spec] of Object.entries(command.options)) add(name, spec, command.name);
  return out;
}
