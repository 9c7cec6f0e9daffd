/**
 * TOML through a concrete syntax tree with source ranges (toml-eslint-parser): a version is found by
 * its key path and only the characters between its quotes are replaced, so comments, order,
 * whitespace and line endings stay byte for byte.
 */
import type { AST } from 'toml-eslint-parser' with { 'resolution-mode': 'import' };
import { badInput, locate, splice } from './text';
import type { SourceLocation } from './types';

type TomlModule = typeof import('toml-eslint-parser', { with: { 'resolution-mode': 'import' } });
let loading: Promise<TomlModule> | undefined;

/** toml-eslint-parser is ESM-only: loaded once with a dynamic import (esbuild bundles it). */
function load(): Promise<TomlModule> {
  loading ??= import('toml-eslint-parser');
  return loading;
}

export type TomlDocument = AST.TOMLProgram;
export type TomlNode = AST.TOMLContentNode;

/** Parses TOML; a syntax error → usage error at file:line:column. */
export async function parseToml(text: string, file: string): Promise<TomlDocument> {
  const toml = await load();
  try {
    return toml.parseTOML(text);
  } catch (e) {
    if (e instanceof toml.ParseError) {
      throw badInput('InvalidToml', { file, line: e.lineNumber, column: e.column + 1 }, `not valid TOML (${e.message.replace(/\s+at line.*$/, '')}). Fix the file and try again.`);
    }
    throw e;
  }
}

/** Every key-value of the document with its full key path (table keys + dotted keys + inline tables). */
export function* entries(doc: TomlDocument): Generator<{ path: string[]; node: TomlNode; keyValue: AST.TOMLKeyValue }> {
  const top = doc.body[0];
  for (const item of top.body) {
    if (item.type === 'TOMLKeyValue') yield* keyValue([], item);
    else if (item.kind === 'standard') for (const kv of item.body) yield* keyValue(item.resolvedKey.map(String), kv);
  }
}

function* keyValue(prefix: string[], kv: AST.TOMLKeyValue): Generator<{ path: string[]; node: TomlNode; keyValue: AST.TOMLKeyValue }> {
  const path = [...prefix, ...kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value))];
  yield { path, node: kv.value, keyValue: kv };
  if (kv.value.type === 'TOMLInlineTable') for (const inner of kv.value.body) yield* keyValue(path, inner);
}

/** The node at a key path (`['workspace', 'package', 'version']`), or undefined. */
export function find(doc: TomlDocument, path: readonly string[]): TomlNode | undefined {
  for (const e of entries(doc)) if (same(e.path, path)) return e.node;
  return undefined;
}

/** Is there a table (header or implied by dotted keys) at this path? */
export function hasTable(doc: TomlDocument, path: readonly string[]): boolean {
  for (const item of doc.body[0].body) if (item.type === 'TOMLTable' && same(item.resolvedKey.map(String), path)) return true;
  for (const e of entries(doc)) if (e.path.length > path.length && same(e.path.slice(0, path.length), path)) return true;
  return false;
}

/** Tables of an array of tables (`[[package]]`), each with its key-values by name. */
export function arrayTables(doc: TomlDocument, name: string): Map<string, TomlNode>[] {
  const out: Map<string, TomlNode>[] = [];
  for (const item of doc.body[0].body) {
    if (item.type !== 'TOMLTable' || item.kind !== 'array' || item.resolvedKey.length !== 2 || item.resolvedKey[0] !== name) continue;
    const fields = new Map<string, TomlNode>();
    for (const kv of item.body) for (const e of keyValue([], kv)) fields.set(e.path.join('.'), e.node);
    out.push(fields);
  }
  return out;
}

export function stringValue(node: TomlNode | undefined): string | null {
  return node?.type === 'TOMLValue' && node.kind === 'string' ? node.value : null;
}

export function booleanValue(node: TomlNode | undefined): boolean | null {
  return node?.type === 'TOMLValue' && node.kind === 'boolean' ? node.value : null;
}

export function nodeLocation(file: string, node: { loc: { start: { line: number; column: number } } }): SourceLocation {
  return { file, line: node.loc.start.line, column: node.loc.start.column + 1 };
}

/**
 * `text` with a single-line string value replaced by `value` (quotes and style kept). `value` must
 * need no escaping (versions and requirements never do).
 */
export function setString(text: string, file: string, node: TomlNode, value: string): string {
  if (node.type !== 'TOMLValue' || node.kind !== 'string' || node.multiline) {
    throw badInput('InvalidVersion', locate(file, text, node.range[0]), 'expected a one-line string ("1.2.3") here.');
  }
  if (/["'\\\r\n]/.test(value)) throw badInput('InvalidVersion', locate(file, text, node.range[0]), `"${value}" cannot be written as a TOML string here.`);
  return splice(text, node.range[0] + 1, node.range[1] - 1, value);
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
