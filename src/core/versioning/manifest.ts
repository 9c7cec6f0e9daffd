import { applyEdits, modify, parseTree, printParseErrorCode, findNodeAtLocation, type Node, type ParseError, type FormattingOptions } from 'jsonc-parser';
import semver from 'semver';
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

/** `package.json` with a new `version`, everything else byte for byte (indentation, key order, final newline, a BOM). */
export function setManifestVersion(text: string, version: string, path = 'package.json'): string {
  parseJsonObject(text, path);
  return edit(text, ['version'], version, (keys) => (keys.includes('name') ? keys.indexOf('name') + 1 : 0));
}

const BOM = '\uFEFF';

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

/** A UTF-8 BOM (npm accepts one) stays in front; the edit is made after it. */
function edit(text: string, path: (string | number)[], value: string, insertAt?: (keys: string[]) => number): string {
  if (text.startsWith(BOM)) return BOM + edit(text.slice(1), path, value, insertAt);
  return applyEdits(text, modify(text, path, value, { formattingOptions: detectFormatting(text), getInsertionIndex: insertAt }));
}

function detectFormatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/**
 * Strict JSON (no comments, no trailing commas), an object at the root, after an optional BOM
 * (offsets then count from after it). A key the tool reads or edits that appears twice at the top
 * is refused: the tool would edit the first while npm reads the last.
 */
function parseJsonObject(withBom: string, path: string): Node {
  const text = withBom.startsWith(BOM) ? withBom.slice(1) : withBom;
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
  const seen = new Set<string>();
  for (const prop of root.children ?? []) {
    const key = prop.children?.[0];
    if (key?.type !== 'string') continue;
    const name = key.value as string;
    if (seen.has(name) && CHECKED_KEYS.has(name)) {
      const { line, column } = position(text, key.offset);
      throw new SdlcError('DuplicateKey', `${path}:${line}:${column}: "${name}" appears twice; npm reads the last one and the tool would edit the first. Keep one.`, { usage: true });
    }
    seen.add(name);
  }
  return root;
}

/** Top-level keys the tool reads or edits: each must appear once. */
const CHECKED_KEYS = new Set(['name', 'version', 'private', 'workspaces', 'packages', ...['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']]);

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

/** The dependency fields of a manifest in which an internal dependency may appear. */
export const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/**
 * The range of a dependency moved to `version`, keeping its operator and any `workspace:` /
 * `npm:name@` prefix (`^1.2.0` → `^1.3.0`, `workspace:~1.2.0` → `workspace:~1.3.0`). null when the
 * range is not a plain operator + version (`*`, `workspace:^`, `1.x`, a URL): those are left alone.
 */
export function updateRange(range: string, version: string): string | null {
  const m = /^((?:workspace:|npm:[^@]+@|npm:@[^@]+@)?)(\^|~|>=|<=|>|<|=)?(v?)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(range.trim());
  if (!m) return null;
  return `${m[1]}${m[2] ?? ''}${m[3]}${version}`;
}

/**
 * `package.json` with every dependency on `name` (in the dependency fields) moved to `version`,
 * format-preserving. Returns the text unchanged when there is none. With `from` (the package's
 * current version), a range it does not satisfy is left alone: it names a published version.
 */
export function setDependencyVersion(text: string, name: string, version: string, path = 'package.json', from?: string | null): string {
  const root = parseJsonObject(text, path);
  let out = text;
  for (const field of DEPENDENCY_FIELDS) {
    const node = findNodeAtLocation(root, [field, name]);
    if (!node || node.type !== 'string') continue;
    const next = from ? movedRange(node.value as string, from, version) : updateRange(node.value as string, version);
    if (next !== null && next !== node.value) out = edit(out, [field, name], next);
  }
  return out;
}

/** The dependencies of a manifest as written (every dependency field, in file order). */
export function dependencyRanges(text: string, path = 'package.json'): Array<{ field: string; name: string; range: string }> {
  const root = parseJsonObject(text, path);
  const out: Array<{ field: string; name: string; range: string }> = [];
  for (const field of DEPENDENCY_FIELDS) {
    for (const prop of findNodeAtLocation(root, [field])?.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (key?.type === 'string' && value?.type === 'string') out.push({ field, name: key.value as string, range: value.value as string });
    }
  }
  return out;
}

/**
 * A dependency range on a workspace package that moves `from` → `to`, as the release writes it; null
 * to leave it: `workspace:` ranges (the package manager resolves them), ranges `from` does not
 * satisfy (they name a published version, installed from the registry), and ranges that are not a
 * plain operator + version. `from` null: no current version known, any plain range follows.
 */
export function movedRange(range: string, from: string | null, to: string): string | null {
  if (range.startsWith('workspace:')) return null;
  if (from !== null) {
    const r = semver.validRange(range);
    if (r === null || !semver.satisfies(from, r, { includePrerelease: true })) return null;
  }
  const next = updateRange(range, to);
  return next !== null && next !== range ? next : null;
}

/**
 * A workspace lockfile with the dependency ranges recorded for its workspace entries (`packages[""]`,
 * `packages["packages/x"]`, not `node_modules/…`) moved as `movedRange` moves them in the manifests,
 * as `npm install` would record them: the lockfile says what the manifests say.
 */
export function setLockfileRanges(text: string, moves: ReadonlyMap<string, { from: string | null; to: string }>, path = 'package-lock.json'): string {
  const root = parseJsonObject(text, path);
  let out = text;
  for (const entry of findNodeAtLocation(root, ['packages'])?.children ?? []) {
    const key = entry.children?.[0]?.value;
    if (typeof key !== 'string' || key.startsWith('node_modules/') || key.includes('/node_modules/')) continue;
    for (const field of DEPENDENCY_FIELDS) {
      for (const prop of findNodeAtLocation(entry.children?.[1] ?? entry, [field])?.children ?? []) {
        const [name, value] = prop.children ?? [];
        const move = name?.type === 'string' ? moves.get(name.value as string) : undefined;
        if (!move || value?.type !== 'string') continue;
        const next = movedRange(value.value as string, move.from, move.to);
        if (next !== null) out = edit(out, ['packages', key, field, name.value as string], next);
      }
    }
  }
  return out;
}

/** A workspace lockfile (root `package-lock.json`) with `packages[dir].version` set, when that entry has a version. */
export function setLockfileWorkspaceVersion(text: string, dir: string, version: string, path = 'package-lock.json'): string {
  const root = parseJsonObject(text, path);
  return findNodeAtLocation(root, ['packages', dir, 'version']) ? edit(text, ['packages', dir, 'version'], version) : text;
}
