import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TEST_KINDS } from '../config/shape';
import { SdlcError, errorMessage } from '../errors';
import { scriptCommands } from './command';
import type { ReportFormat } from './model';

export type TestKind = (typeof TEST_KINDS)[number];
export { TEST_KINDS };

/** A runnable suite: from `.sdlc.json` `tests`, or detected from package.json scripts. */
export interface TestSuite {
  name: string;
  kind: TestKind;
  /** Why the suite has its kind, for display ("set in .sdlc.json", `the name has "e2e"`, …). */
  kindReason?: string;
  /** argv, or a command line split with `splitCommand` (never given to a shell). */
  command: string | string[];
  /** Absolute directory to run in. */
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Where the results are: a file (relative to cwd) or, without `path`, stdout. No report: the exit code decides. */
  report?: { format: ReportFormat; path?: string };
  /**
   * A detected npm script that is a plain mocha / files-free `node --test` call: arguments after
   * npm's `--` reach that runner, so a test-name filter can be added (re-run failed tests).
   */
  runner?: 'mocha' | 'node-test';
  /** Where the suite comes from, for display. */
  origin?: 'config' | 'detected';
  /** A detected script that runs other suites (an aggregate such as `test` → `test:unit`, `test:e2e`). */
  group?: SuiteGroup;
}

export interface SuiteGroup {
  /** Names of the suites it runs, in the order it names them. */
  parts: string[];
  /** How it runs them, for display: `npm run`, `run-s`, `concurrently`, `the harness test/run-all.mjs`, … */
  via: string;
  /**
   * Nothing else it runs looks like tests (only its parts, plus build/lint steps): it is shown and
   * run as the group of its parts. Otherwise it runs as a suite of its own and its parts are left
   * out of "Run All" (they ran inside it).
   */
  partsOnly: boolean;
}

/** Words that name a kind, in the order the kinds are tried (the first kind with a match wins). */
const KIND_WORDS: ReadonlyArray<[TestKind, readonly string[]]> = [
  ['acceptance', ['e2e', 'ui', 'acceptance', 'browser', 'playwright', 'cypress', 'extension', 'electron', 'uat', 'cucumber', 'webdriver', 'wdio', 'puppeteer', 'selenium']],
  ['security', ['security', 'audit', 'snyk', 'zap', 'semgrep', 'sast', 'dast']],
  ['regression', ['regression', 'regressions', 'snapshot', 'snapshots', 'visual']],
  ['integration', ['integration', 'int', 'api', 'contract', 'it']],
];
/** Too short or too common to mean a kind inside a command (`it` in a path, `int` as a flag value). */
const NAME_ONLY = new Set(['it', 'int', 'uat']);

/** The words of a name: `test:e2eChrome` → test, e2e, chrome. */
function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

function kindFromWords(ws: readonly string[], inCommand: boolean): { kind: TestKind; word: string } | undefined {
  for (const [kind, list] of KIND_WORDS) {
    const word = ws.find((w) => list.includes(w) && !(inCommand && NAME_ONLY.has(w)));
    if (word !== undefined) return { kind, word };
  }
  return undefined;
}

/**
 * The kind a suite's name — else its command — suggests, and why: `test:e2e` → acceptance,
 * `test:api` → integration, a script running `playwright test` → acceptance, anything else → unit.
 * In a command only program names and paths count, not options (`mocha --ui bdd` is not a UI test).
 */
export function kindOf(name: string, command?: string): { kind: TestKind; reason: string } {
  const byName = kindFromWords(words(name), false);
  if (byName) return { kind: byName.kind, reason: `the name "${name}" has "${byName.word}"` };
  if (command !== undefined) {
    const ws = scriptCommands(command)
      .flat()
      .filter((w) => !w.startsWith('-'))
      .flatMap(words);
    const byCommand = kindFromWords(ws, true);
    if (byCommand) return { kind: byCommand.kind, reason: `its command has "${byCommand.word}"` };
  }
  return { kind: 'unit', reason: `nothing in its name${command !== undefined ? ' or command' : ''} names another kind` };
}

/** The kind a suite or script name (and command) suggests: `test:e2e` → acceptance, `test:api` → integration, … */
export function guessKind(name: string, command?: string): TestKind {
  return kindOf(name, command).kind;
}

/** Scripts that never finish on their own or are not a run of the tests. */
const NOT_A_RUN = /(?:^|[^a-z])(watch|dev|debug|coverage|cov|update|snapshot-update|ci-setup)(?:$|[^a-z])/i;

/** Largest harness file read to see which scripts it runs. */
const MAX_HARNESS_BYTES = 1024 * 1024;

/**
 * Suites detected from the `scripts` of `<repoRoot>/package.json` (a UTF-8 byte order mark is
 * accepted, as npm does): `test`, `test:*`, `test-*` and `*:test` (watch/debug/coverage variants
 * left out), run as `npm run <script>` in repoRoot. mocha and `node --test` scripts get a
 * machine-readable reporter on stdout, so their results show up per test; other scripts are judged
 * by their exit code. Kinds come from names and commands (`kindOf`); scripts that run other test
 * scripts get a `group` (`findGroup`). No package.json → no suites.
 */
export async function detectSuites(repoRoot: string): Promise<TestSuite[]> {
  const file = path.join(repoRoot, 'package.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SdlcError('ReadFailed', `Could not read ${file}: ${errorMessage(e)}`, { cause: e });
  }
  let scripts: unknown;
  try {
    scripts = (JSON.parse(text.replace(/^\uFEFF/, '')) as { scripts?: unknown } | null)?.scripts;
  } catch (e) {
    throw new SdlcError('InvalidPackageJson', `${file} is not valid JSON: ${errorMessage(e)}. Fix it (npm cannot read it either), or list the suites in .sdlc.json "tests".`, { usage: true, cause: e });
  }
  if (scripts === null || typeof scripts !== 'object' || Array.isArray(scripts)) return [];
  const all = Object.entries(scripts as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
  const testScripts = all.filter(([name]) => isTestScript(name));
  const suites: TestSuite[] = [];
  for (const [name, body] of testScripts) {
    const { kind, reason } = kindOf(name, body);
    const suite: TestSuite = {
      name,
      kind,
      kindReason: reason,
      command: name === 'test' ? ['npm', 'test', '--silent'] : ['npm', 'run', name, '--silent'],
      cwd: repoRoot,
      origin: 'detected',
    };
    const reporter = reporterFor(body, name);
    if (reporter) {
      (suite.command as string[]).push('--', ...reporter.args);
      suite.report = reporter.path ? { format: reporter.format, path: reporter.path } : { format: reporter.format };
      suite.runner = reporter.runner;
    }
    const group = await findGroup(name, body, { scripts: new Map(all), testScripts: testScripts.map(([n]) => n), repoRoot });
    if (group) suite.group = group;
    suites.push(suite);
  }
  breakCycles(suites);
  for (const s of suites) if (s.group?.partsOnly) s.kindReason = `it runs ${s.group.parts.join(', ')} (${s.group.via}), each with its own kind`;
  return suites;
}

/** Two scripts that each seem to run the other (harnesses naming each other): neither is a group of the other. */
function breakCycles(suites: TestSuite[]): void {
  const byName = new Map(suites.map((s) => [s.name, s]));
  const reaches = (from: string, target: string, seen = new Set<string>()): boolean => {
    if (from === target) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return (byName.get(from)?.group?.parts ?? []).some((p) => reaches(p, target, seen));
  };
  // Decided on the graph as detected, then applied: both sides of a cycle lose it.
  const kept = new Map(suites.map((s) => [s, s.group?.parts.filter((p) => !reaches(p, s.name))]));
  for (const [s, parts] of kept) {
    if (!s.group || !parts || parts.length === s.group.parts.length) continue;
    if (parts.length === 0) delete s.group;
    else s.group = { ...s.group, parts };
  }
}

function isTestScript(name: string): boolean {
  if (NOT_A_RUN.test(name)) return false;
  return name === 'test' || /^tests?[:-]/.test(name) || /[:-]tests?$/.test(name);
}

/** Only when the script is a single plain runner call, so `--` arguments reach that runner. */
function reporterFor(script: string, name: string): { format: ReportFormat; args: string[]; runner: 'mocha' | 'node-test'; path?: string } | undefined {
  if (/&&|\|\||[;|\n]/.test(script) || /--reporter\b|--test-reporter\b/.test(script)) return undefined;
  if (/^(?:npx\s+)?mocha(?:\s|$)/.test(script)) return { format: 'mocha-json', args: ['--reporter', 'json'], runner: 'mocha' };
  if (wrapsMocha(script)) {
    // c8 / nyc print their coverage table on stdout after mocha's JSON: the report goes to a file
    // (mocha ≥ 9.2 `--reporter-option output=`), under node_modules/.cache as other tools' caches do.
    const file = path.join('node_modules', '.cache', 'sdlc', 'reports', `${name.replace(/[^\w.-]/g, '_')}.json`);
    return { format: 'mocha-json', args: ['--reporter', 'json', '--reporter-option', `output=${file}`], runner: 'mocha', path: file };
  }
  // node takes options only before the first file: add the reporter only to a files-free `node --test`.
  if (/^node(?:\s+--\S+)*\s+--test(?:\s+--\S+)*\s*$/.test(script)) return { format: 'tap', args: ['--test-reporter=tap'], runner: 'node-test' };
  return undefined;
}

/**
 * Whether the script is mocha behind coverage or environment wrappers — `c8 mocha …`,
 * `nyc --silent mocha …`, `cross-env NODE_ENV=test c8 mocha …` — which pass the arguments npm
 * appends on to mocha.
 */
function wrapsMocha(script: string): boolean {
  const w = script.trim().split(/\s+/);
  let i = w[0] === 'npx' ? 1 : 0;
  let wrapped = false;
  for (;;) {
    if (w[i] === 'c8' || w[i] === 'nyc') {
      i++;
      while (w[i]?.startsWith('-')) {
        const option = w[i++];
        // `--exclude dist`: a value after an option without `=` (never the program itself).
        if (!option.includes('=') && w[i] !== undefined && !w[i].startsWith('-') && !['mocha', 'c8', 'nyc', 'cross-env'].includes(w[i])) i++;
      }
    } else if (w[i] === 'cross-env') {
      i++;
      while (w[i] !== undefined && /^[A-Za-z_]\w*=/.test(w[i])) i++;
    } else break;
    wrapped = true;
  }
  return wrapped && w[i] === 'mocha';
}

interface ScriptContext {
  /** Every script of package.json, name → body. */
  scripts: ReadonlyMap<string, string>;
  /** The names of the test scripts (suites), in package.json order. */
  testScripts: readonly string[];
  repoRoot: string;
}

/** What one simple command of a script refers to. */
interface CommandRefs {
  /** Script names or npm-run-all style patterns (`test:*`, `test:**`). */
  scripts: string[];
  via?: string;
  /** A local file it runs (`node scripts/run-all.mjs`), relative to the repository. */
  harness?: string;
  /** A step that does not run tests (build, lint, type check, echo). */
  setup: boolean;
}

/** Programs that never run tests: a script that runs them next to its parts is still only a group. */
const SETUP_PROGRAMS = new Set(['tsc', 'eslint', 'prettier', 'rimraf', 'del-cli', 'esbuild', 'webpack', 'rollup', 'vite', 'tsup', 'babel', 'echo', 'true', 'mkdir', 'rm', 'cp', 'shx', 'node-gyp', 'biome', 'stylelint', 'cross-env']);
const SETUP_FILE = /(?:^|[/_.-])(?:build|esbuild|webpack|rollup|vite|clean|prepare|compile|lint|setup|check-[a-z-]+)(?:[/_.-]|$)/i;
const HARNESS_PROGRAMS = new Set(['node', 'nodejs', 'tsx', 'ts-node', 'bun', 'zx', 'sh', 'bash', 'dash', 'zsh', 'deno']);

/** Options of npm-run-all / concurrently / turbo / nx that take a value (the value is not a command or pattern). */
const VALUE_OPTIONS: Record<string, ReadonlySet<string>> = {
  'npm-run-all': new Set(['--npm-path', '--max-parallel', '--aggregate-output-file']),
  concurrently: new Set(['-n', '--names', '-c', '--prefix-colors', '-p', '--prefix', '-m', '--max-processes', '-s', '--success', '--restart-tries', '--restart-after', '--name-separator', '-t', '--timestamp-format', '-l', '--prefix-length', '--default-input-target', '--teardown', '--kill-signal']),
  turbo: new Set(['--filter', '-F', '--concurrency', '--cache-dir', '--output-logs', '--log-order', '--graph', '--env-mode', '--cache', '--team', '--token', '--profile', '--summarize', '--log-prefix']),
  nx: new Set(['-p', '--projects', '--exclude', '--parallel', '--configuration', '-c', '--base', '--head', '--output-style', '--nx-bail']),
};

/** Non-option words of argv, skipping the values of `valueOptions`. */
function operands(argv: readonly string[], valueOptions: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (!a.includes('=') && valueOptions.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The scripts (and how) one simple command of a package.json script runs. */
function refsOf(argv: readonly string[], context: ScriptContext): CommandRefs {
  // Leading `NAME=value` and `cross-env NAME=value` / `dotenv --`: look at the command they wrap.
  let i = 0;
  while (i < argv.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]) || argv[i] === 'cross-env' || argv[i] === 'env')) i++;
  const args = argv.slice(i);
  const prog = args[0] === undefined ? '' : path.basename(args[0]).replace(/\.(?:cmd|exe|js|cjs|mjs)$/i, '');
  const rest = args.slice(1);
  const none = (setup: boolean): CommandRefs => ({ scripts: [], setup });
  if (prog === '') return none(true);
  if (prog === 'npm' || prog === 'yarn' || prog === 'pnpm' || prog === 'bun') {
    const [sub, name] = operands(rest);
    if (sub === undefined) return none(false);
    if (sub === 'test' || sub === 't' || sub === 'tst') return { scripts: ['test'], via: `${prog} test`, setup: false };
    if (['run', 'run-script', 'rum', 'urn'].includes(sub)) return name === undefined ? none(false) : { scripts: [name], via: `${prog} run`, setup: false };
    // yarn / pnpm / bun run a script named like the sub-command.
    if (prog !== 'npm' && context.scripts.has(sub)) return { scripts: [sub], via: prog, setup: false };
    if (['install', 'ci', 'i', 'audit', 'pack', 'exec', 'x'].includes(sub)) return none(sub !== 'audit' && sub !== 'exec' && sub !== 'x');
    return none(false);
  }
  if (prog === 'npm-run-all' || prog === 'npm-run-all2' || prog === 'run-s' || prog === 'run-p') {
    const patterns = operands(rest, VALUE_OPTIONS['npm-run-all']).map((p) => p.split(/\s+/)[0]);
    return { scripts: patterns, via: prog, setup: false };
  }
  if (prog === 'concurrently') {
    const scripts: string[] = [];
    let other = false;
    for (const arg of operands(rest, VALUE_OPTIONS.concurrently)) {
      const short = /^(?:npm|yarn|pnpm|bun):(.+)$/.exec(arg);
      if (short) {
        scripts.push(short[1].split(/\s+/)[0]);
        continue;
      }
      for (const inner of scriptCommands(arg)) {
        const refs = refsOf(inner, context);
        scripts.push(...refs.scripts);
        if (refs.scripts.length === 0 && !refs.setup) other = true;
      }
    }
    return { scripts, via: 'concurrently', setup: !other && scripts.length === 0 };
  }
  if (prog === 'turbo' || prog === 'lerna') {
    const ops = operands(rest, VALUE_OPTIONS.turbo);
    const tasks = ops[0] === 'run' ? ops.slice(1) : prog === 'turbo' ? ops : [];
    return { scripts: tasks.filter((t) => !t.includes('#')), via: `${prog} run`, setup: false };
  }
  if (prog === 'nx') {
    const targets: string[] = [];
    for (let k = 0; k < rest.length; k++) {
      const m = /^(?:-t|--targets?)(?:=(.*))?$/.exec(rest[k]);
      if (m) {
        const values = m[1] !== undefined ? [m[1]] : [];
        if (m[1] === undefined) while (k + 1 < rest.length && !rest[k + 1].startsWith('-')) values.push(rest[++k]);
        targets.push(...values.flatMap((v) => v.split(',')));
      }
    }
    const ops = operands(rest, VALUE_OPTIONS.nx);
    if (ops[0] === 'run' && ops[1]?.includes(':')) targets.push(ops[1].split(':')[1]);
    return { scripts: targets.filter((t) => t !== ''), via: 'nx', setup: false };
  }
  if (SETUP_PROGRAMS.has(prog)) return none(true);
  // A local file run by an interpreter (or directly): a harness, if it names other test scripts.
  let file: string | undefined;
  if (HARNESS_PROGRAMS.has(prog)) {
    const ops = operands(prog === 'deno' && rest[0] === 'run' ? rest.slice(1) : rest);
    file = ops[0];
  } else if (/^\.{1,2}\//.test(args[0])) {
    file = args[0];
  }
  if (file !== undefined) {
    if (SETUP_FILE.test(file)) return none(true);
    return { scripts: [], harness: file, setup: false };
  }
  return none(false);
}

/** `test:*` (one `:`-separated segment) and `test:**` (any), as npm-run-all and concurrently match them. */
function matchScripts(pattern: string, names: readonly string[]): string[] {
  if (!pattern.includes('*')) return names.includes(pattern) ? [pattern] : [];
  const re = new RegExp(
    `^${pattern
      .split(/(\*\*|\*)/)
      .map((part) => (part === '**' ? '.*' : part === '*' ? '[^:]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return names.filter((n) => re.test(n));
}

/**
 * Whether a test script runs other test scripts, and which: by naming them (`npm run test:unit &&
 * npm run test:e2e`, `npm test`, `run-s test:*`, `run-p`, `npm-run-all`, `concurrently
 * "npm:test:*"`, `turbo run`, `nx run-many -t`, `lerna run`), or through a harness — a local file it
 * runs (`node scripts/run-all.mjs`) whose text names them: by script name in quotes (`'test:unit'`)
 * or `run test:unit`, or by every path in their commands (`test/unit/.mocharc.json`). A group is
 * `partsOnly` when everything else it runs is a build/lint step (a harness always is).
 */
async function findGroup(name: string, body: string, context: ScriptContext): Promise<SuiteGroup | undefined> {
  const others = context.testScripts.filter((n) => n !== name);
  if (others.length === 0) return undefined;
  const parts: string[] = [];
  const vias: string[] = [];
  let partsOnly = true;
  // Itself (`turbo run test` in `test`) is no part: that runs the packages of a workspace, or loops.
  const allNames = [...context.scripts.keys()].filter((n) => n !== name);
  const add = (names: readonly string[], via: string) => {
    for (const n of names) if (!parts.includes(n)) parts.push(n);
    if (names.length > 0 && !vias.includes(via)) vias.push(via);
  };
  for (const argv of scriptCommands(body)) {
    const refs = refsOf(argv, context);
    if (refs.harness !== undefined) {
      const named = await harnessParts(refs.harness, others, context);
      if (named.length > 0) add(named, `the harness ${refs.harness}`);
      else partsOnly = false;
      continue;
    }
    if (refs.scripts.length > 0) {
      add(
        refs.scripts.flatMap((p) => matchScripts(p, others)),
        refs.via ?? 'npm run',
      );
      // A name that is no script of this package.json (a turbo / nx task of the workspace packages) may run anything.
      if (refs.scripts.some((p) => matchScripts(p, allNames).length === 0)) partsOnly = false;
    } else if (!refs.setup) {
      partsOnly = false;
    }
  }
  if (parts.length === 0) return undefined;
  return { parts, via: vias.join(', '), partsOnly };
}

/** The test scripts a harness file names (see `findGroup`). Unreadable, missing or outside the repository: none. */
async function harnessParts(file: string, candidates: readonly string[], context: ScriptContext): Promise<string[]> {
  const full = path.resolve(context.repoRoot, file);
  const rel = path.relative(context.repoRoot, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return [];
  let text: string;
  try {
    const handle = await fs.open(full, 'r');
    try {
      const buffer = Buffer.alloc(MAX_HARNESS_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, MAX_HARNESS_BYTES, 0);
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
  text = withoutComments(text, file);
  const normalizedRel = rel.split(path.sep).join('/');
  return candidates.filter((candidate) => {
    // A quoted name only when it is specific (`'test:unit'`); `'test'` is too common a string.
    const named = candidate === 'test' ? ['npm test', 'npm t ', 'run test\'', 'run test"', 'run test ', 'run test`'] : [`'${candidate}'`, `"${candidate}"`, `\`${candidate}\``, `run ${candidate}`];
    if (named.some((q) => text.includes(q))) return true;
    const paths = pathArguments(context.scripts.get(candidate) ?? '').filter((p) => p !== normalizedRel && p !== file);
    return paths.length > 0 && paths.every((p) => text.includes(p));
  });
}

/**
 * The text of a harness without its comments, so a file that only mentions a script in a comment
 * does not count as running it: `//…` and `/* … *\/` outside strings in JavaScript/TypeScript, `#…`
 * (at a word start) in shell and Python. One linear pass; a regex literal holding a quote may end a
 * string early, which only ever keeps or drops comment-like text.
 */
function withoutComments(text: string, file: string): string {
  const hash = /\.(?:sh|bash|zsh|py)$/i.test(file) || !/\.[cm]?[jt]sx?$/i.test(file);
  let out = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      out += c;
      if (c === '\\' && i + 1 < text.length) out += text[++i];
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      quote = c;
      out += c;
    } else if (!hash && c === '/' && text[i + 1] === '/') {
      const eol = text.indexOf('\n', i);
      i = (eol < 0 ? text.length : eol) - 1;
    } else if (!hash && c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
      out += ' ';
    } else if (hash && c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const eol = text.indexOf('\n', i);
      i = (eol < 0 ? text.length : eol) - 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** The words of a script that look like paths (`test/unit/.mocharc.json`, `esbuild.mjs`), `./` dropped. */
function pathArguments(body: string): string[] {
  const out: string[] = [];
  for (const argv of scriptCommands(body)) {
    for (const word of argv.slice(1)) {
      const value = word.startsWith('-') ? word.slice(word.indexOf('=') + 1) : word;
      if (value === word && word.startsWith('-')) continue;
      if (/[/\\]|\.[A-Za-z0-9]{1,6}$/.test(value) && !/^https?:/.test(value)) out.push(value.replace(/^\.\//, ''));
    }
  }
  return out;
}

/**
 * The suites to run for `chosen` (default: all), each once: a `partsOnly` group is replaced by its
 * parts (groups in groups too), and the parts of a group that runs as a suite of its own are left
 * out when that group runs. Order: as chosen, parts in the group's order.
 */
export function runnableSuites(all: readonly TestSuite[], chosen: readonly TestSuite[] = all): TestSuite[] {
  const byName = new Map(all.map((s) => [s.name, s]));
  const out = new Map<string, TestSuite>();
  const visit = (suite: TestSuite, seen: ReadonlySet<string>) => {
    if (seen.has(suite.name)) return;
    if (suite.group?.partsOnly) {
      const next = new Set(seen).add(suite.name);
      for (const part of suite.group.parts) {
        const s = byName.get(part);
        if (s) visit(s, next);
      }
      return;
    }
    if (!out.has(suite.name)) out.set(suite.name, suite);
  };
  for (const s of chosen) visit(s, new Set());
  /** Everything a suite runs inside it (its parts, their parts, …), itself left out. */
  const inside = (suite: TestSuite): Set<string> => {
    const seen = new Set<string>();
    const walk = (s: TestSuite) => {
      for (const part of s.group?.parts ?? []) {
        if (seen.has(part) || part === suite.name) continue;
        seen.add(part);
        const p = byName.get(part);
        if (p) walk(p);
      }
    };
    walk(suite);
    return seen;
  };
  const kept: TestSuite[] = [];
  for (const s of out.values()) {
    if (kept.some((k) => inside(k).has(s.name))) continue;
    const covers = inside(s);
    for (let i = kept.length - 1; i >= 0; i--) if (covers.has(kept[i].name)) kept.splice(i, 1);
    kept.push(s);
  }
  return kept;
}

/** The suites shown under `group` (its parts), and those shown at the top: not inside any `partsOnly` group. */
export function topLevelSuites(all: readonly TestSuite[]): TestSuite[] {
  const nested = new Set<string>();
  for (const s of all) if (s.group?.partsOnly) for (const p of s.group.parts) if (p !== s.name) nested.add(p);
  // A cycle (a → b → a) would hide both: keep the ones nothing outside the cycle shows.
  const top = all.filter((s) => !nested.has(s.name));
  return top.length > 0 || all.length === 0 ? top : [all[0]];
}
