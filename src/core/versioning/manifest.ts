import { applyEdits, modify, parseTree, printParseErrorCode, findNodeAtLocation, type Node, type ParseError, type FormattingOptions } from 'jsonc-parser';
import { SdlcError } from '../errors';
import { parseVersion } from './nextVersion';

/** A manifest as read: its parsed tree and what it says. */
export interface ManifestInfo {
  name: string | null;
  /** The `version` as written, null when there is none. */
  version: string | null;
  private: boolean;
  workspaces: string[];
}

/** Parses `package.json` text; invalid JSON → SdlcError (usage) with path:line:column. */
export function readManifest(text: string, path = 'package.json'): ManifestInfo {
  const root = parseJsonObject(text, path);
  const get = (key: string) => findNodeAtLocation(root, [key]);
  const str = (n: Node | undefined) => (n && n.type === 'string' ? (n.value as string) : null);
  const ws = get('workspaces');
  const wsList = ws?.type === 'array' ? ws : ws?.type === 'object' ? findNodeAtLocation(ws, ['packages']) : undefined;
  return {
    name: str(get('name')),
    version: str(get('version')),
    private: get('private')?.value === true,
    workspaces: (wsList?.children ?? []).filter((n) => n.type === 'string').map((n) => n.value as string),
  };
}

/** The manifest's version, checked: missing or not semver → a clear usage error. */
export function manifestVersion(text: string, path = 'package.json'): string {
  const node = findNodeAtLocation(parseJsonObject(text, path), ['version']);
  if (!node) throw new SdlcError('MissingVersion', `${path} has no "version" field; add one (e.g. "version": "0.1.0") before bumping.`, { usage: true });
  if (node.type !== 'string') throw new SdlcError('InvalidVersion', `The "version" in ${path} must be a string such as "1.2.3".`, { usage: true });
  parseVersion(node.value as string, `version in ${path}`);
  return node.value as string;
}

/** `package.json` with a new `version`, everything else byte for byte (indentation, key order, final newline). */
export function setManifestVersion(text: string, version: string, path = 'package.json'): string {
  parseJsonObject(text, path);
  return edit(text, ['version'], version, (keys) => (keys.includes('name') ? keys.indexOf('name') + 1 : 0));
}

/**
 * `package-lock.json` / `npm-shrinkwrap.json` with the root package's new version: the top-level
 * `version` and `packages[""].version` (lockfile v2/v3), each only where present.
 */
export function setLockfileVersion(text: string, version: string, path = 'package-lock.json'): string {
  const root = parseJsonObject(text, path);
  let out = text;
  if (findNodeAtLocation(root, ['version'])) out = edit(out, ['version'], version);
  if (findNodeAtLocation(root, ['packages', '', 'version'])) out = edit(out, ['packages', '', 'version'], version);
  return out;
}

function edit(text: string, path: (string | number)[], value: string, insertAt?: (keys: string[]) => number): string {
  return applyEdits(text, modify(text, path, value, { formattingOptions: detectFormatting(text), getInsertionIndex: insertAt }));
}

function detectFormatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** Strict JSON (no comments, no trailing commas), an object at the root. */
function parseJsonObject(text: string, path: string): Node {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length) {
    const e = errors[0];
    const { line, column } = position(text, e.offset);
    throw new SdlcError('InvalidJson', `${path}:${line}:${column}: not valid JSON (${describe(printParseErrorCode(e.error))}).`, { usage: true });
  }
  if (!root || root.type !== 'object') {
    throw new SdlcError('InvalidJson', `${path}:1:1: expected a JSON object.`, { usage: true });
  }
  return root;
}

/** 1-based line and column of an offset. */
export function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
