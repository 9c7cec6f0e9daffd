import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from './model';

/** Frames scanned at most: a stack is short; a runaway message is not worth scanning whole. */
const MAX_FRAMES = 200;

/**
 * The failure location from a JavaScript stack trace: the first frame in the project (under `cwd`
 * when given), skipping node_modules and Node's internals. Understands V8 frames with or without
 * the leading `at ` (Node's TAP reporter drops it), `file://` URLs, relative paths (mocha prints
 * them relative to its cwd) and Windows paths.
 */
export function locationFromStack(stack: string | undefined, cwd?: string): SourceLocation | undefined {
  if (!stack) return undefined;
  const root = cwd ? path.resolve(cwd) : undefined;
  let start = 0;
  for (let i = 0; i < MAX_FRAMES && start < stack.length; i++) {
    let end = stack.indexOf('\n', start);
    if (end < 0) end = stack.length;
    const frame = parseFrame(stack.slice(start, end));
    start = end + 1;
    if (!frame) continue;
    const file = resolveFrameFile(frame.file, root);
    if (file) return { file, line: frame.line, column: frame.column };
  }
  return undefined;
}

interface Frame {
  file: string;
  line: number;
  column: number;
}

const POSITION = /^(.+):(\d+):(\d+)$/;

/** One line of a V8 stack: `at fn (file:12:5)`, `at file:12:5`, `fn (file:12:5)`. */
export function parseFrame(rawLine: string): Frame | undefined {
  let text = rawLine.trim();
  if (text.length === 0 || text.length > 4096) return undefined;
  if (text.endsWith(')')) {
    const open = text.lastIndexOf('(');
    if (open < 0) return undefined;
    text = text.slice(open + 1, -1);
  } else {
    if (!text.startsWith('at ')) return undefined;
    text = text.slice(3).trim();
    if (text.startsWith('async ')) text = text.slice(6);
  }
  const m = POSITION.exec(text);
  if (!m) return undefined;
  const line = Number(m[2]);
  const column = Number(m[3]);
  if (!(line >= 1) || !(column >= 0) || !Number.isSafeInteger(line) || !Number.isSafeInteger(column)) return undefined;
  return { file: m[1], line, column };
}

function resolveFrameFile(raw: string, root: string | undefined): string | undefined {
  let file = raw;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  if (file.startsWith('node:') || file.startsWith('internal/') || file.startsWith('<') || file.includes(' ')) {
    // `node:internal/...`, `<anonymous>`, `eval at x` — not a source file a person can open.
    if (!looksAbsolute(file)) return undefined;
  }
  if (/[\\/]node_modules[\\/]/.test(file) || file.startsWith('node_modules')) return undefined;
  if (root) {
    const abs = path.resolve(root, file);
    if (abs !== root && !abs.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) return undefined;
    return abs;
  }
  return file;
}

function looksAbsolute(file: string): boolean {
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('\\\\');
}

/** `path:line[:column]` as printed by Node's TAP reporter (`location:`). */
export function parseLocation(text: string | undefined, cwd?: string): SourceLocation | undefined {
  if (!text) return undefined;
  const m = /^(.+?):(\d+)(?::(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  let file = m[1];
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  const line = Number(m[2]);
  if (!(line >= 1) || !Number.isSafeInteger(line)) return undefined;
  const column = m[3] === undefined ? undefined : Number(m[3]);
  return { file: cwd ? path.resolve(cwd, file) : file, line, ...(column !== undefined && Number.isSafeInteger(column) ? { column } : {}) };
}

/**
 * A location a report declares (`file` + `line` attributes, TAP's `location:`, node-tap's `at:`),
 * kept only when it is a place in the project: inside `cwd` when given (like stack-derived
 * locations), else a relative path that does not climb out with `..` or an absolute path. A report
 * is input: `file="/root/.ssh/id_rsa"` or `../../../../etc/passwd` must not become a location the
 * editor opens.
 */
export function declaredLocation(text: string | undefined, cwd?: string): SourceLocation | undefined {
  const loc = parseLocation(text, cwd);
  if (!loc) return undefined;
  if (cwd) return isInside(loc.file, path.resolve(cwd)) ? loc : undefined;
  return escapes(loc.file) ? undefined : loc;
}

/**
 * A test's file as an identity label: relative to the project (forward slashes) when inside it.
 * With a project root, a file outside it is no file of the project: undefined (it would be offered
 * as the test's location). Without one, the label is kept unless it climbs out with `..`.
 */
export function relativeFile(file: string | undefined, cwd?: string): string | undefined {
  if (!file) return undefined;
  if (!cwd) return escapes(file) ? undefined : file;
  const root = path.resolve(cwd);
  const abs = path.resolve(root, file);
  if (!isInside(abs, root)) return undefined;
  const rel = path.relative(root, abs);
  return rel === '' ? file : rel.split(path.sep).join('/');
}

function isInside(abs: string, root: string): boolean {
  return abs === root || abs.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** A relative path whose `..` segments reach above where it starts. */
function escapes(file: string): boolean {
  if (looksAbsolute(file)) return false;
  let depth = 0;
  for (const part of file.split(/[\\/]/)) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}
