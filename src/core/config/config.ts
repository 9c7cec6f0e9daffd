/**
 * `.sdlc.json` at a repository's root: optional, JSON with comments and trailing commas. Loading
 * fails only when the file cannot be parsed (`InvalidConfig`, naming file:line:column); shape
 * problems come back as `problems` with positions, and `config` keeps only the valid parts, so
 * callers can trust every field they find in it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createScanner, parseTree, printParseErrorCode, SyntaxKind, type ParseError } from 'jsonc-parser';
import { SdlcError } from '../errors';
import { CONFIG_RULE, type REPORT_FORMATS, type STRATEGY_TYPES, type TEST_KINDS } from './shape';
import { lineStarts, position, validateTree, type ConfigProblem } from './validate';

export type { ConfigProblem } from './validate';

export const CONFIG_FILE = '.sdlc.json';

export type TestKind = (typeof TEST_KINDS)[number];
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type StrategyType = (typeof STRATEGY_TYPES)[number];

export interface TestSuiteConfig {
  name: string;
  kind: TestKind;
  /** Split into words as a POSIX shell would and run without a shell, in `cwd` (relative to the repo root); operators, `;`, line breaks and expansions are refused (`splitCommand`). */
  command: string;
  cwd?: string;
  env?: Record<string, string>;
  /** Seconds. */
  timeout?: number;
  report?: { format: ReportFormat; path?: string };
}

export interface PackageTargetConfig {
  name: string;
  command: string;
  cwd?: string;
  /** Glob(s) of the files the command produces, relative to cwd. */
  artifacts: string | string[];
}

export interface EnvironmentConfig {
  name: string;
  protected?: boolean;
  deploy?: { workflow: string; ref?: string; inputs?: Record<string, string | number | boolean> };
  /** Health endpoint (http/https URL), a health check, or several. */
  health?: HealthConfig;
  /** Seconds between background health probes (default 60). */
  healthInterval?: number;
  /** Deployment targets (phased waves name them), each with its own health checks. */
  targets?: Array<string | { name: string; health?: HealthConfig }>;
  strategy?: {
    type: StrategyType;
    waves?: string[];
    /** Continuous delivery: the branch whose green builds go out. */
    branch?: string;
    /** healthSeconds: how long health must stay green; rollback: undo the waves done when a gate fails. */
    gate?: { health?: boolean; approval?: boolean; healthSeconds?: number; rollback?: boolean };
  };
}

export interface HealthCheckConfig {
  name?: string;
  type?: 'http' | 'tcp' | 'tls';
  url?: string;
  host?: string;
  port?: number;
  expectStatus?: number | number[];
  bodyContains?: string;
  timeoutMs?: number;
  warnDays?: number;
  /** PEM file of a CA to trust (self-signed endpoints), relative to the repository root. */
  caFile?: string;
  insecure?: boolean;
}
export type HealthConfig = string | HealthCheckConfig | Array<string | HealthCheckConfig>;

/** Deploys to the environments named (default: all) are refused inside the window unless overridden with a reason. */
export interface FreezeWindowConfig {
  name?: string;
  environments?: string[];
  /** Weekly, e.g. { from: "Fri 16:00", to: "Mon 08:00" }. */
  weekly?: { from: string; to: string };
  /** Dates / date-times (ISO 8601, local to timeZone when without offset). */
  from?: string;
  to?: string;
  /** IANA time zone, default UTC. */
  timeZone?: string;
}

export interface SdlcConfig {
  $schema?: string;
  packages?: string[];
  versioning?: {
    tagFormat?: string;
    changelog?: string | false;
    preset?: string;
    versionFiles?: Array<{ path: string; pattern: string }>;
    /** Package folder → the ecosystem that owns it, where two could claim it. */
    ecosystems?: Record<string, string>;
    /** Package folders (or globs) never released. */
    exclude?: string[];
    /** Helm charts: `appVersion` is set to the new version too. */
    helm?: { appVersion?: boolean };
  };
  tests?: TestSuiteConfig[];
  /** The kind of a suite detected from package.json scripts, by script name, where the guess from its name and command is wrong. */
  testKinds?: Record<string, TestKind>;
  packageTargets?: PackageTargetConfig[];
  environments?: EnvironmentConfig[];
  /** Promotion order of environments, e.g. ["staging", "production"]. */
  promotion?: string[];
  freezeWindows?: FreezeWindowConfig[];
  audit?: { path?: string };
}

/** What a feature assumes when `.sdlc.json` does not say. */
export const CONFIG_DEFAULTS = {
  packages: ['.'],
  versioning: { tagFormat: 'v${version}', changelog: 'CHANGELOG.md', preset: 'conventional' },
} as const;

export interface LoadedConfig {
  config: SdlcConfig;
  /** Absolute path of the file read, null when there is none. */
  file: string | null;
  problems: ConfigProblem[];
}

export async function loadConfig(repoRoot: string): Promise<LoadedConfig> {
  const file = path.join(repoRoot, CONFIG_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, file: null, problems: [] };
    throw new SdlcError('InvalidConfig', `Cannot read ${file}: ${(e as Error).message}`, { usage: true, cause: e });
  }
  const result = validateConfigText(text);
  const parseError = result.problems.find((p) => p.syntax);
  if (parseError) {
    throw new SdlcError('InvalidConfig', `${formatProblem(file, parseError)}`, { usage: true });
  }
  return { config: result.config, file, problems: result.problems };
}

/**
 * Parses and validates the text of a `.sdlc.json` (the editor uses it for live diagnostics).
 * Syntax errors come back as problems flagged `syntax`; with any of them `config` is `{}`.
 */
export function validateConfigText(text: string): { config: SdlcConfig; problems: Array<ConfigProblem & { syntax?: boolean }> } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors don't count a BOM as a column
  // jsonc-parser's parser recurses once per level: refuse deep nesting before it runs out of stack.
  const tooDeep = nestingBeyond(body, MAX_NESTING);
  if (tooDeep >= 0) {
    const problem = {
      severity: 'error' as const,
      message: `nested deeper than ${MAX_NESTING} levels (a .sdlc.json needs fewer than 10)`,
      ...position(lineStarts(body), tooDeep),
      path: '',
      offset: tooDeep,
      length: 1,
      syntax: true,
    };
    return { config: {}, problems: [problem] };
  }
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  if (errors.length > 0) {
    const starts = lineStarts(body);
    const problems = errors.map((e) => ({
      severity: 'error' as const,
      message: syntaxMessage(printParseErrorCode(e.error)),
      ...position(starts, e.offset),
      path: '',
      offset: e.offset,
      length: e.length,
      syntax: true,
    }));
    return { config: {}, problems };
  }
  if (!root) {
    return { config: {}, problems: [{ severity: 'warning', message: 'the file is empty', line: 1, column: 1, path: '', offset: 0, length: 0 }] };
  }
  const { value, problems } = validateTree(root, CONFIG_RULE, body);
  return { config: (value ?? {}) as SdlcConfig, problems };
}

/** `file:line:column: message (at path)`, the form editors and terminals link. */
export function formatProblem(file: string, p: ConfigProblem): string {
  const where = p.path ? ` (at ${p.path})` : '';
  const severity = p.severity === 'warning' ? 'warning: ' : '';
  return `${file}:${p.line}:${p.column}: ${severity}${p.message}${where}`;
}

/** Fails with `InvalidConfig` (usage) when a loaded config has errors; warnings pass. */
export function assertValidConfig(loaded: LoadedConfig): SdlcConfig {
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 && loaded.file) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    throw new SdlcError('InvalidConfig', `${formatProblem(loaded.file, errors[0])}${more}`, { usage: true });
  }
  return loaded.config;
}

/** Deepest nesting of objects and arrays accepted in `.sdlc.json`. */
export const MAX_NESTING = 64;

/** Offset of the first `{` or `[` that opens level `max + 1`, or -1 (one pass of the scanner, no recursion). */
function nestingBeyond(text: string, max: number): number {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (++depth > max) return scanner.getTokenOffset();
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

function syntaxMessage(code: string): string {
  // 'CommaExpected' → 'comma expected'
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
