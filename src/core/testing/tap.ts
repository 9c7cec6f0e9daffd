import { declaredLocation, locationFromStack, type parseLocation } from './location';
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
const PLAN = /^(\d+)\.\.(\d+)\b/;
const DIRECTIVE = /^#[ \t]*(skip|todo)\S*(?:[ \t]+(.*))?$/i;
/** node-tap's timing, `# time=5.26ms`, anywhere after the description. */
const TIME = /(?:^|[ \t])#[ \t]*time=[\d.]+(?:ms|s)?(?=[ \t]|$)/gi;

/** The result that stands for a plan that was not kept (a run cut short, or more points than planned). */
export const TAP_PLAN = '(plan)';

/**
 * Parses TAP 13/14, including Node's test runner (`--test-reporter=tap`), node-tap and Perl's
 * Test::More / Test2: subtests by indentation (a point preceded by deeper points is their suite) or
 * buffered (`ok 2 - name {` … `}`), YAML diagnostics (`duration_ms`, `error`, `expected`/`actual`,
 * `stack`, `location`; node-tap's `wanted`/`found`/`at`), `# SKIP`, `# TODO`, node-tap's `# time=`
 * (stripped from names so ids stay stable) and `Bail out!`. Lines that are not TAP (npm's banner,
 * stray logs) are ignored. A run cut short (fewer points than the plan, no plan, a YAML block never
 * closed) keeps what it reported plus a failed result saying so; so does one with more points than
 * its plan. Linear in the input: no recursion proportional to it. Throws only
 * `SdlcError('MalformedReport')`.
 */
export function parseTap(text: string, options: ParseOptions = {}): TestReport {
  if (typeof text !== 'string') throw malformed('tap', 'the report is not text.');
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  const levels: Level[] = [];
  /** Buffered subtests waiting for their `}`: the point and its indentation. */
  const buffered: Array<{ point: Point; indent: number }> = [];
  let plan: number | undefined;
  let planFirst = 1;
  let planLine = '';
  let secondPlan: string | undefined;
  /** Top-level point numbers: outside the plan or repeated means the stream cannot be trusted. */
  const numbers = new Set<number>();
  let badNumber: string | undefined;
  let bailOut: string | undefined;
  let sawTap = false;
  let totalDuration: number | undefined;
  let cutShort: string | undefined;

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
    if (body === '}' && buffered.length > 0 && buffered[buffered.length - 1].indent === indent) {
      const { point } = buffered.pop() as { point: Point; indent: number };
      point.children = popDeeper(levels, indent);
      continue;
    }
    if (indent === 0) {
      const p = PLAN.exec(body);
      // `100..1` is no plan (`1..0` is: nothing to run).
      if (p && (Number(p[2]) >= Number(p[1]) || (p[1] === '1' && p[2] === '0'))) {
        if (plan !== undefined) {
          if (body.trim() !== planLine) secondPlan ??= `a second plan "${body.trim()}" at line ${i + 1} contradicts "${planLine}"`;
          continue;
        }
        planFirst = Number(p[1]);
        plan = Math.max(0, Number(p[2]) - planFirst + 1);
        planLine = body.trim();
        sawTap = true;
        continue;
      }
      const d = /^# duration_ms[ \t]+([\d.]+)/.exec(body) ?? /^# time=([\d.]+)ms\s*$/.exec(body);
      if (d) totalDuration = toMs(d[1]);
    }
    const m = TEST_POINT.exec(body);
    if (!m) continue;
    sawTap = true;
    const point: Point = { ok: m[1] === undefined, name: '', children: [] };
    if (indent === 0 && m[2] !== undefined && badNumber === undefined) {
      const n = Number(m[2]);
      if (numbers.has(n)) badNumber = `the test number ${n} is reported twice (line ${i + 1})`;
      numbers.add(n);
    }
    let description = m[3];
    const opensBlock = (/[ \t]\{$/.test(description) || description === '{') && closesBlock(lines, i + 1, indent);
    if (opensBlock) description = description.slice(0, -1);
    parseDescription(description, point);
    // Diagnostics: a `---` line right after the point, closed by `...` at the same indentation.
    const next = lines[i + 1];
    if (next !== undefined && next.trim() === '---') {
      const yamlIndent = next.length - next.trimStart().length;
      const found = findYamlEnd(lines, i + 2, yamlIndent);
      let end = found.end;
      if (end < 0) {
        cutShort = `the output ends inside the diagnostics of "${point.name}" (from line ${i + 2})`;
        end = lines.length;
      }
      point.yaml = parseTapYaml(lines.slice(i + 2, end).map((l) => l.slice(Math.min(yamlIndent, l.length - l.trimStart().length))));
      // After a `...` the next line is TAP; a block never closed ends before the first line less indented.
      i = found.closed ? end : end - 1;
    }
    if (opensBlock) {
      // Buffered: the children follow, up to the `}` at this indentation.
      buffered.push({ point, indent });
    } else {
      // Streamed: points reported deeper than this one since it started are its subtests.
      point.children = popDeeper(levels, indent);
    }
    const top = levels[levels.length - 1];
    if (top && top.indent === indent) top.points.push(point);
    else levels.push({ indent, points: [point] });
    if (cutShort) break;
  }

  if (!sawTap) throw malformed('tap', 'no TAP test lines ("ok", "not ok") or plan ("1..N") found.');
  if (buffered.length > 0 && !cutShort && bailOut === undefined) cutShort = `the subtest "${buffered[buffered.length - 1].point.name}" was never closed with "}"`;
  // What is left: the top-level points, plus subtests whose parent never reported (bail out, cut short).
  const roots: Point[] = [];
  for (const level of levels) for (const p of level.points) roots.push(p);
  const topLevel = levels.length > 0 && levels[0].indent === 0 ? levels[0].points.length : 0;
  let planProblem: string | undefined;
  if (bailOut === undefined) {
    if (cutShort) planProblem = `The run was cut short: ${cutShort}${plan !== undefined ? `; the plan promised ${plan}, ${topLevel} reported` : ''}.`;
    else if (secondPlan) planProblem = `The plan is contradictory: ${secondPlan}.`;
    else if (badNumber) planProblem = `The test numbers cannot be trusted: ${badNumber}.`;
    else if (plan === undefined) planProblem = `The run was cut short: no plan line ("1..N") after ${topLevel} test(s); the output ends before the run finished.`;
    else if (plan > topLevel) planProblem = `The run was cut short: the plan promised ${plan}, ${topLevel} reported.`;
    else if (plan < topLevel) planProblem = `More tests than planned: the plan promised ${plan}, ${topLevel} reported (the producer miscounted, or two outputs were mixed).`;
    else {
      for (const n of numbers) {
        if (n < planFirst || n >= planFirst + plan) {
          planProblem = `The test number ${n} is outside the plan "${planLine}": the producer misnumbered its tests.`;
          break;
        }
      }
    }
  }

  const builder = new ReportBuilder();
  const cwd = options.cwd;
  let topDuration = 0;
  let anyTopDuration = false;
  for (const p of roots) {
    emit(p, builder, cwd);
    const d = toMs(p.yaml?.duration_ms);
    if (d !== undefined) {
      topDuration += d;
      anyTopDuration = true;
    }
  }
  if (bailOut !== undefined) {
    builder.add({ suite: [], name: 'Bail out!', status: 'failed', message: bailOut === '' ? 'The test run bailed out.' : `The test run bailed out: ${bailOut}` });
  }
  if (planProblem !== undefined) builder.add({ suite: [], name: TAP_PLAN, status: 'failed', message: planProblem });
  return builder.build(totalDuration ?? (anyTopDuration ? topDuration : undefined));
}

/** Removes the levels deeper than `indent` and returns their points in report order (no spread: there may be 100,000s). */
function popDeeper(levels: Level[], indent: number): Point[] {
  let first = levels.length;
  while (first > 0 && levels[first - 1].indent > indent) first--;
  if (first === levels.length) return [];
  const out: Point[] = [];
  for (let l = first; l < levels.length; l++) for (const p of levels[l].points) out.push(p);
  levels.length = first;
  return out;
}

/**
 * Where a YAML block ends (exclusive): at the `...` closing it, or at the first line indented less
 * than its `---` (a block the producer never closed: the rest is TAP again); -1 when the input
 * ends inside it.
 */
function findYamlEnd(lines: readonly string[], from: number, indent: number): { end: number; closed: boolean } {
  for (let j = from; j < lines.length; j++) {
    const l = lines[j];
    const body = l.trimStart();
    if (body === '') continue;
    const at = l.length - body.length;
    if (body.trimEnd() === '...' && at === indent) return { end: j, closed: true };
    if (at < indent) return { end: j, closed: false };
  }
  return { end: -1, closed: false };
}

/** Whether a buffered subtest opened at `indent` is closed by a `}` there before anything else at that indentation. */
function closesBlock(lines: readonly string[], from: number, indent: number): boolean {
  for (let j = from; j < lines.length; j++) {
    const l = lines[j];
    const body = l.trimStart();
    if (body === '') continue;
    const at = l.length - body.length;
    if (at > indent) continue;
    return at === indent && body.trimEnd() === '}';
  }
  return false;
}

function parseDescription(raw: string, point: Point): void {
  let desc = raw.indexOf('time=') >= 0 ? raw.replace(TIME, '') : raw;
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

/** A suite level during the walk: its path is built when a test below it needs it, once. */
interface SuiteNode {
  parent: SuiteNode | undefined;
  name: string;
  path?: string[];
}

interface Task {
  point: Point;
  suite: SuiteNode | undefined;
  /** Set once its children are done: the failures counted before them. */
  failedBefore?: number;
  /** The suite's error, for tests a failing hook cancelled. */
  parent?: Point;
}

/** Depth-first over the points, with an explicit stack (nesting can be as deep as the input). */
function emit(root: Point, builder: ReportBuilder, cwd: string | undefined): void {
  const stack: Task[] = [{ point: root, suite: undefined }];
  while (stack.length > 0) {
    const task = stack.pop() as Task;
    const p = task.point;
    if (p.children.length > 0) {
      if (task.failedBefore === undefined) {
        task.failedBefore = builder.failedCount;
        stack.push(task);
        const node: SuiteNode = { parent: task.suite, name: p.name };
        for (let c = p.children.length - 1; c >= 0; c--) stack.push({ point: p.children[c], suite: node, parent: p });
        continue;
      }
      // A suite that failed though none of its tests did (a hook, an error outside a test) is a failure of its own.
      if (!p.ok && !p.directive && builder.failedCount === task.failedBefore) builder.add(toCase(p, pathOf(task.suite), cwd));
      continue;
    }
    // An empty suite (Node marks suites `type: 'suite'`) has no test to report unless it failed.
    if (p.yaml?.type === 'suite' && p.ok) continue;
    builder.add(toCase(p, pathOf(task.suite), cwd, task.parent));
  }
}

function pathOf(node: SuiteNode | undefined): string[] {
  if (!node) return [];
  if (node.path) return node.path;
  const names: string[] = [];
  for (let n: SuiteNode | undefined = node; n; n = n.parent) {
    if (n.path) {
      for (let i = n.path.length - 1; i >= 0; i--) names.push(n.path[i]);
      break;
    }
    names.push(n.name);
  }
  names.reverse();
  node.path = names;
  return names;
}

function toCase(p: Point, suite: string[], cwd: string | undefined, parent?: Point): Omit<TestCase, 'id'> {
  let y = p.yaml;
  const status: TestStatus = p.directive ? 'skipped' : p.ok ? 'passed' : 'failed';
  const declared = declaredLocation(y?.location, cwd) ?? atLocation(y?.at, cwd);
  // Node's runner: a failing `before` hook cancels the suite's tests and keeps its error on the suite only.
  const hook = parent?.yaml;
  if (status === 'failed' && y?.failureType === 'cancelledByParent' && hook && hook.failureType === 'hookFailed' && hook.error !== undefined) {
    y = { ...y, error: `${hook.error.replace(/\n$/, '')}\n(a hook of "${parent.name}" failed, so this test was cancelled)` };
    if (hook.stack !== undefined) y.stack = hook.stack;
  }
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
  if (!f || !l) return declaredLocation(at, cwd);
  const c = /^column:[ \t]*(\d+)$/m.exec(at);
  return declaredLocation(`${f[1].trim().replace(/^['"]|['"]$/g, '')}:${l[1]}${c ? `:${c[1]}` : ''}`, cwd);
}
