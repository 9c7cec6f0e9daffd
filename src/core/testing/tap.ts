import { locationFromStack, parseLocation } from './location';
import { malformed } from './malformed';
import { ReportBuilder, toMs, type ParseOptions, type TestCase, type TestReport, type TestStatus } from './model';
import { parseTapYaml } from './yaml';

interface Point {
  ok: boolean;
  name: string;
  directive?: { kind: 'skip' | 'todo'; reason: string };
  yaml?: Record<string, string>;
  children: Point[];
}

interface Level {
  indent: number;
  points: Point[];
}

const TEST_POINT = /^(not )?ok\b[ \t]*(\d+)?[ \t]*(?:-[ \t]*)?(.*)$/;
const PLAN = /^1\.\.(\d+)\b/;
const DIRECTIVE = /^#[ \t]*(skip|todo)\S*(?:[ \t]+(.*))?$/i;

/**
 * Parses TAP 13/14, including Node's test runner (`--test-reporter=tap`): subtests by indentation
 * (a point preceded by deeper points is their suite), YAML diagnostics (`duration_ms`, `error`,
 * `expected`/`actual`, `stack`, `location`; node-tap's `wanted`/`found`/`at`), `# SKIP`, `# TODO`
 * and `Bail out!`. Lines that are not TAP (npm's banner, stray logs) are ignored.
 * Throws only `SdlcError('MalformedReport')`.
 */
export function parseTap(text: string, options: ParseOptions = {}): TestReport {
  if (typeof text !== 'string') throw malformed('tap', 'the report is not text.');
  const lines = text.split(/\r?\n/);
  const levels: Level[] = [];
  let plan: number | undefined;
  let bailOut: string | undefined;
  let sawTap = false;
  let totalDuration: number | undefined;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const body = line.trimStart();
    if (body === '') continue;
    const indent = line.length - body.length;
    if (body.startsWith('Bail out!')) {
      bailOut = body.slice('Bail out!'.length).trim();
      sawTap = true;
      break;
    }
    if (indent === 0) {
      const p = PLAN.exec(body);
      if (p) {
        if (plan !== undefined) throw malformed('tap', `a second plan "${body}" at line ${i + 1}.`);
        plan = Number(p[1]);
        sawTap = true;
        continue;
      }
      const d = /^# duration_ms[ \t]+([\d.]+)/.exec(body);
      if (d) totalDuration = toMs(d[1]);
    }
    const m = TEST_POINT.exec(body);
    if (!m) continue;
    sawTap = true;
    const point: Point = { ok: m[1] === undefined, name: '', children: [] };
    parseDescription(m[3], point);
    // Diagnostics: a `---` line right after the point, closed by `...` at the same indentation.
    const next = lines[i + 1];
    if (next !== undefined && next.trim() === '---') {
      const yamlIndent = next.length - next.trimStart().length;
      const end = findYamlEnd(lines, i + 2, yamlIndent);
      if (end < 0) throw malformed('tap', `the YAML block after "${body}" (line ${i + 2}) is not closed with "..."; the output looks truncated.`);
      point.yaml = parseTapYaml(lines.slice(i + 2, end).map((l) => l.slice(Math.min(yamlIndent, l.length - l.trimStart().length))));
      i = end;
    }
    // Points reported deeper than this one since it started are its subtests.
    const children: Point[] = [];
    while (levels.length > 0 && levels[levels.length - 1].indent > indent) {
      const level = levels.pop() as Level;
      children.unshift(...level.points);
    }
    point.children = children;
    const top = levels[levels.length - 1];
    if (top && top.indent === indent) top.points.push(point);
    else levels.push({ indent, points: [point] });
  }

  if (!sawTap) throw malformed('tap', 'no TAP test lines ("ok", "not ok") or plan ("1..N") found.');
  // What is left: the top-level points, plus subtests whose parent never reported (bail out).
  const roots: Point[] = [];
  for (const level of levels) roots.push(...level.points);
  const topLevel = levels.length > 0 && levels[0].indent === 0 ? levels[0].points.length : 0;
  if (bailOut === undefined) {
    if (plan === undefined) throw malformed('tap', `no plan line ("1..N") after ${roots.length} test(s); the output looks truncated.`);
    if (plan !== topLevel) throw malformed('tap', `the plan says ${plan} test(s) but ${topLevel} were reported; the output looks truncated.`);
  }

  const builder = new ReportBuilder();
  const cwd = options.cwd;
  let topDuration = 0;
  let anyTopDuration = false;
  for (const p of roots) {
    emit(p, [], builder, cwd);
    const d = toMs(p.yaml?.duration_ms);
    if (d !== undefined) {
      topDuration += d;
      anyTopDuration = true;
    }
  }
  if (bailOut !== undefined) {
    builder.add({ suite: [], name: 'Bail out!', status: 'failed', message: bailOut === '' ? 'The test run bailed out.' : `The test run bailed out: ${bailOut}` });
  }
  return builder.build(totalDuration ?? (anyTopDuration ? topDuration : undefined));
}

function findYamlEnd(lines: readonly string[], from: number, indent: number): number {
  for (let j = from; j < lines.length; j++) {
    const l = lines[j];
    if (l.trim() === '...' && l.length - l.trimStart().length === indent) return j;
  }
  return -1;
}

function parseDescription(raw: string, point: Point): void {
  let desc = raw;
  const d = findDirective(desc);
  if (d) {
    desc = desc.slice(0, d.index);
    point.directive = { kind: d.kind, reason: d.reason };
  }
  point.name = unescape(desc.trim());
}

function findDirective(desc: string): { index: number; kind: 'skip' | 'todo'; reason: string } | undefined {
  // A directive is an unescaped `#` (at the start or after a space) followed by SKIP or TODO.
  for (let i = desc.indexOf('#'); i >= 0; i = desc.indexOf('#', i + 1)) {
    if (isEscaped(desc, i) || (i > 0 && desc[i - 1] !== ' ' && desc[i - 1] !== '\t')) continue;
    const m = DIRECTIVE.exec(desc.slice(i));
    if (m) return { index: i, kind: m[1].toLowerCase() === 'skip' ? 'skip' : 'todo', reason: (m[2] ?? '').trim() };
  }
  return undefined;
}

function isEscaped(text: string, at: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= 0 && text[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

const ESCAPES: Record<string, string> = { '\\': '\\', '#': '#', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };

function unescape(text: string): string {
  return text.indexOf('\\') < 0 ? text : text.replace(/\\([\\#ntrbfv])/g, (_, c: string) => ESCAPES[c]);
}

function emit(p: Point, suite: string[], builder: ReportBuilder, cwd: string | undefined): void {
  if (p.children.length > 0) {
    const path = [...suite, p.name];
    const before = builder.failedCount;
    for (const c of p.children) emit(c, path, builder, cwd);
    // A suite that failed though none of its tests did (a hook, an error outside a test) is a failure of its own.
    if (!p.ok && !p.directive && builder.failedCount === before) builder.add(toCase(p, suite, cwd));
    return;
  }
  // An empty suite (Node marks suites `type: 'suite'`) has no test to report unless it failed.
  if (p.yaml?.type === 'suite' && p.ok) return;
  builder.add(toCase(p, suite, cwd));
}

function toCase(p: Point, suite: string[], cwd: string | undefined): Omit<TestCase, 'id'> {
  const y = p.yaml;
  const status: TestStatus = p.directive ? 'skipped' : p.ok ? 'passed' : 'failed';
  const declared = parseLocation(y?.location, cwd) ?? atLocation(y?.at, cwd);
  const test: Omit<TestCase, 'id'> = { suite, name: p.name, status };
  // No `file` from `location`: Node prints it for failures only, and an id must not change with the outcome.
  const duration = toMs(y?.duration_ms);
  if (duration !== undefined) test.durationMs = duration;
  if (p.directive) {
    const label = p.directive.kind === 'skip' ? 'Skipped' : 'TODO';
    test.message = p.directive.reason ? `${label}: ${p.directive.reason}` : label;
  } else if (!p.ok && y) {
    const message = y.error ?? y.message;
    if (message !== undefined) test.message = message.replace(/\n$/, '');
    const expected = y.expected ?? y.wanted;
    const actual = y.actual ?? y.found;
    if (expected !== undefined) test.expected = expected;
    if (actual !== undefined) test.actual = actual;
    if (y.stack !== undefined) test.stack = y.stack.replace(/\n$/, '');
  }
  const location = (status === 'failed' ? locationFromStack(y?.stack, cwd) : undefined) ?? declared;
  if (location) test.location = location;
  return test;
}

/** node-tap's `at:` block: `file`, `line`, `column` on their own lines. */
function atLocation(at: string | undefined, cwd: string | undefined): ReturnType<typeof parseLocation> {
  if (!at) return undefined;
  const f = /^file:[ \t]*(.+)$/m.exec(at);
  const l = /^line:[ \t]*(\d+)$/m.exec(at);
  if (!f || !l) return parseLocation(at, cwd);
  const c = /^column:[ \t]*(\d+)$/m.exec(at);
  return parseLocation(`${f[1].trim().replace(/^['"]|['"]$/g, '')}:${l[1]}${c ? `:${c[1]}` : ''}`, cwd);
}
