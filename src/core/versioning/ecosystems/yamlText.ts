/** YAML through the `yaml` Document API: a scalar is found by its key and only its source range is replaced. */
import { isMap, isScalar, parseDocument, Scalar } from 'yaml';
import { badInput, locate, splice } from './text';
import type { SourceLocation } from './types';

export interface YamlScalarSite {
  value: string;
  /** The scalar's characters in the source, quotes included. */
  start: number;
  end: number;
  quote: '' | '"' | "'";
  location: SourceLocation;
}

/** Parses YAML; a syntax error → usage error at file:line:column. */
export function parseYaml(text: string, file: string) {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const [offset] = error.pos;
    throw badInput('InvalidYaml', locate(file, text, offset), `not valid YAML (${error.message.split('\n')[0]}). Fix the file and try again.`);
  }
  return doc;
}

/** A top-level scalar (`version: 1.2.3`); null when the key is absent. */
export function yamlScalar(text: string, file: string, key: string): YamlScalarSite | null {
  const doc = parseYaml(text, file);
  if (!isMap(doc.contents)) return null;
  const node = doc.contents.get(key, true);
  if (node === undefined) return null;
  if (!isScalar(node) || !node.range || (node.type !== Scalar.PLAIN && node.type !== Scalar.QUOTE_DOUBLE && node.type !== Scalar.QUOTE_SINGLE)) {
    throw badInput('InvalidVersion', locate(file, text, (node as { range?: [number] }).range?.[0] ?? 0), `"${key}" must be a one-line value such as 1.2.3.`);
  }
  const [start, end] = node.range;
  const quote = node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.QUOTE_SINGLE ? "'" : '';
  return { value: String(node.source ?? node.value), start, end, quote, location: locate(file, text, start) };
}

/** A top-level sequence of strings (`packages: [...]`). */
export function yamlStrings(text: string, file: string, key: string): string[] {
  const doc = parseYaml(text, file);
  const value = doc.toJS() as Record<string, unknown> | null;
  const list = value && typeof value === 'object' ? value[key] : undefined;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

/** `text` with the scalar's value replaced, its quoting kept. */
export function yamlSetScalar(text: string, site: YamlScalarSite, value: string): string {
  return splice(text, site.start, site.end, `${site.quote}${value}${site.quote}`);
}
