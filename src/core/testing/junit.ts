import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { errorMessage } from '../errors';
import { locationFromStack, parseLocation, relativeFile } from './location';
import { malformed } from './malformed';
import { ReportBuilder, toMs, type ParseOptions, type TestCase, type TestReport, type TestStatus } from './model';

/** Reports below this size are fully validated (precise line/column on error); larger ones are checked for truncation only, to stay fast. */
const VALIDATE_BELOW = 2 * 1024 * 1024;

const ARRAY_TAGS = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped']);

let parser: XMLParser | undefined;

function xmlParser(): XMLParser {
  parser ??= new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    jPath: false,
    // Captured output can be huge and is not part of the result: keep it unparsed.
    stopNodes: ['*.system-out', '*.system-err'],
    isArray: (tag: string, _path: unknown, _leaf?: boolean, isAttribute?: boolean) => !isAttribute && ARRAY_TAGS.has(tag),
  });
  return parser;
}

type XmlNode = Record<string, unknown>;

/**
 * Parses a JUnit XML report (Surefire, jest-junit, pytest, Gradle, …): `<testsuites>` or a single
 * `<testsuite>` root, nested suites, `failure` / `error` / `skipped`, `file` and `line` attributes,
 * `time` in seconds. Throws only `SdlcError('MalformedReport')`.
 */
export function parseJUnit(text: string, options: ParseOptions = {}): TestReport {
  if (typeof text !== 'string' || text.trim() === '') throw malformed('junit', 'the report is empty.');
  if (text.length < VALIDATE_BELOW) {
    let result: ReturnType<typeof XMLValidator.validate>;
    try {
      result = XMLValidator.validate(text);
    } catch (e) {
      throw malformed('junit', errorMessage(e), e);
    }
    if (result !== true) {
      const { msg, line, col } = result.err;
      throw malformed('junit', `${msg} (line ${line}, column ${col}).`);
    }
  }
  let doc: XmlNode;
  try {
    doc = xmlParser().parse(text) as XmlNode;
  } catch (e) {
    throw malformed('junit', errorMessage(e), e);
  }
  const rootName = doc.testsuites !== undefined ? 'testsuites' : doc.testsuite !== undefined ? 'testsuite' : undefined;
  if (!rootName) throw malformed('junit', 'no <testsuites> or <testsuite> root element.');
  if (!endsWithRoot(text, rootName)) throw malformed('junit', `the document does not end with </${rootName}>; it looks truncated.`);

  const builder = new ReportBuilder();
  const cwd = options.cwd;
  let duration: number | undefined;
  if (rootName === 'testsuites') {
    const root = asNode(doc.testsuites);
    duration = toMs(root['@time'], 1000);
    walkSuite(root, [], undefined, builder, cwd, true);
  } else {
    const suites = doc.testsuite as unknown[];
    let sum = 0;
    for (const s of suites) {
      const node = asNode(s);
      sum += toMs(node['@time'], 1000) ?? 0;
      walkSuite(node, [], undefined, builder, cwd, false);
    }
    duration = sum > 0 ? sum : undefined;
  }
  return builder.build(duration);
}

function walkSuite(node: XmlNode, path: string[], inheritedFile: string | undefined, builder: ReportBuilder, cwd: string | undefined, isRoot: boolean): void {
  const name = isRoot ? undefined : str(node['@name']);
  const suitePath = name ? [...path, name] : path;
  const file = str(node['@file']) ?? inheritedFile;
  const cases = node.testcase as unknown[] | undefined;
  if (cases) for (const c of cases) addCase(asNode(c), suitePath, file, builder, cwd);
  const children = node.testsuite as unknown[] | undefined;
  if (children) for (const c of children) walkSuite(asNode(c), suitePath, file, builder, cwd, false);
}

function addCase(node: XmlNode, suite: string[], suiteFile: string | undefined, builder: ReportBuilder, cwd: string | undefined): void {
  const name = str(node['@name']) ?? '';
  const classname = str(node['@classname']);
  const last = suite.length > 0 ? suite[suite.length - 1] : undefined;
  // pytest / Gradle put the class in `classname`; jest-junit repeats the title there — only a distinct class is a suite level.
  const path = classname && classname !== last && classname !== name && !classname.endsWith(name) ? [...suite, classname] : suite;
  const file = relativeFile(str(node['@file']) ?? suiteFile, cwd);
  const failure = first(node.failure) ?? first(node.error);
  const status: TestStatus = failure !== undefined ? 'failed' : node.skipped !== undefined ? 'skipped' : 'passed';
  const test: Omit<TestCase, 'id'> = { file, suite: path, name, status };
  const duration = toMs(typeof node['@time'] === 'string' ? node['@time'].replace(/,/g, '') : undefined, 1000);
  if (duration !== undefined) test.durationMs = duration;
  const line = str(node['@line']);
  const declared = file && line ? parseLocation(`${file}:${line}`, cwd) : undefined;
  if (failure !== undefined) {
    const message = typeof failure === 'string' ? undefined : str(failure['@message']);
    const body = typeof failure === 'string' ? failure : str(failure['#text']);
    const messageOrBody = message ?? messageOf(body) ?? str(typeof failure === 'string' ? undefined : failure['@type']);
    if (messageOrBody !== undefined) test.message = messageOrBody;
    if (body !== undefined) test.stack = body;
    const location = locationFromStack(body, cwd) ?? declared;
    if (location) test.location = location;
  } else if (status === 'skipped') {
    const skipped = first(node.skipped);
    const message = skipped !== undefined && typeof skipped !== 'string' ? str(skipped['@message']) : undefined;
    if (message) test.message = message;
    if (declared) test.location = declared;
  } else if (declared) {
    test.location = declared;
  }
  builder.add(test);
}

function endsWithRoot(text: string, root: string): boolean {
  let end = text.length;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  // Trailing comments are allowed after the root element.
  while (text.startsWith('-->', end - 3)) {
    const open = text.lastIndexOf('<!--', end - 3);
    if (open < 0) return false;
    end = open;
    while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  }
  const tail = text.slice(Math.max(0, end - root.length - 16), end);
  if (new RegExp(`</${root}\\s*>$`).test(tail)) return true;
  // A self-closing root: `<testsuites/>` / `<testsuite name="x" tests="0"/>`.
  if (!tail.endsWith('/>')) return false;
  const lastOpen = text.lastIndexOf('<', end);
  return lastOpen >= 0 && new RegExp(`^<${root}[\\s/>]`).test(text.slice(lastOpen, lastOpen + root.length + 2));
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function asNode(value: unknown): XmlNode {
  return value !== null && typeof value === 'object' ? (value as XmlNode) : {};
}

function first(value: unknown): XmlNode | string | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const v: unknown = value[0];
  if (typeof v === 'string') return v;
  return asNode(v);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The part of a failure body before its stack frames (jest-junit puts the whole error in the body). */
function messageOf(body: string | undefined): string | undefined {
  if (!body) return undefined;
  const frame = /\n\s*at\s/.exec(body);
  return (frame ? body.slice(0, frame.index) : body).trim() || undefined;
}
