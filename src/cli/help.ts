/** Help text, generated from the command table so it cannot drift from what is parsed. */
import { GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './args';

export const COMING_SOON = '(coming soon)';

export function generalHelp(commands: ReadonlyArray<CommandSpec<never>>, version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `sdlc ${version} — the SDLC Workbench CLI: repositories, versions, tests, packages, deployments, audit.`,
    '',
    'Usage: sdlc COMMAND [options] [--cwd DIR] [--json]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}${c.run ? '' : ` ${COMING_SOON}`}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Exit codes: 0 ok, 1 the operation failed, 2 bad usage or bad input.',
    'GitHub: GITHUB_TOKEN (or GH_TOKEN); GITHUB_API_URL for GitHub Enterprise (default https://api.github.com).',
    'Run `sdlc COMMAND --help` for the options of a command.',
  ].join('\n');
}

export function commandHelp(command: CommandSpec<never>): string {
  const own = Object.keys(command.options).length ? ['', 'Options:', ...optionLines(command.options)] : [];
  return [
    `Usage: sdlc ${command.name}${command.args ? ` ${command.args}` : ''} [options]${command.run ? '' : `   ${COMING_SOON}`}`,
    '',
    command.summary,
    ...own,
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
  ].join('\n');
}

/** The command table as data, for `sdlc --help --json`. */
export function helpJson(commands: ReadonlyArray<CommandSpec<never>>, version: string): unknown {
  return {
    version,
    commands: commands.map((c) => ({ name: c.name, summary: c.summary, args: c.args ?? null, implemented: !!c.run, options: Object.keys(c.options) })),
    globalOptions: Object.keys(GLOBAL_OPTIONS),
  };
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const flags = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...flags.map(([f]) => f.length));
  return flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}
