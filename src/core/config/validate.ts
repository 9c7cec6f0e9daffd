/**
 * A small table-driven validator over jsonc-parser's syntax tree, so every problem carries the
 * position of the node it is about. Rules describe shapes (see shape.ts); the result is the value
 * with everything invalid left out, plus the problems: unknown keys are warnings, wrong types,
 * missing required keys and failed checks are errors.
 */
import { getNodeValue, type Node } from 'jsonc-parser';

export type Rule =
  | { type: 'string'; enum?: readonly string[]; check?: (value: string) => string | undefined }
  | { type: 'boolean'; const?: boolean }
  | { type: 'number'; min?: number; integer?: boolean }
  | { type: 'array'; items: Rule; minItems?: number; uniqueBy?: string }
  | { type: 'object'; properties: Readonly<Record<string, Rule>>; required?: readonly string[] }
  /** An object with free keys, every value following `values` (env vars, workflow inputs). */
  | { type: 'map'; values: Rule }
  /** The first alternative whose JSON type matches the value decides. */
  | { type: 'anyOf'; of: readonly Rule[] };

export interface ConfigProblem {
  severity: 'error' | 'warning';
  message: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  /** Where in the document, e.g. `tests[1].kind`; '' for the root. */
  path: string;
  offset: number;
  length: number;
}

const INVALID = Symbol('invalid');

export function validateTree(root: Node, rule: Rule, text: string): { value: unknown; problems: ConfigProblem[] } {
  const lines = lineStarts(text);
  const problems: ConfigProblem[] = [];
  const report = (severity: ConfigProblem['severity'], node: Node, path: string, message: string) => {
    const { line, column } = position(lines, node.offset);
    problems.push({ severity, message, line, column, path, offset: node.offset, length: node.length });
  };

  const visit = (node: Node, r: Rule, path: string): unknown => {
    switch (r.type) {
      case 'string': {
        if (node.type !== 'string') return wrongType(node, path, 'a string');
        const value = node.value as string;
        if (r.enum && !r.enum.includes(value)) {
          report('error', node, path, `${JSON.stringify(value)} is not one of ${r.enum.map((e) => JSON.stringify(e)).join(', ')}`);
          return INVALID;
        }
        const failed = r.check?.(value);
        if (failed) {
          report('error', node, path, failed);
          return INVALID;
        }
        return value;
      }
      case 'boolean':
        if (node.type !== 'boolean') return wrongType(node, path, r.const === undefined ? 'true or false' : String(r.const));
        if (r.const !== undefined && node.value !== r.const) return wrongType(node, path, String(r.const));
        return node.value as boolean;
      case 'number': {
        if (node.type !== 'number') return wrongType(node, path, r.integer ? 'an integer' : 'a number');
        const value = node.value as number;
        if ((r.integer && !Number.isInteger(value)) || (r.min !== undefined && value < r.min)) {
          report('error', node, path, `expected ${r.integer ? 'an integer' : 'a number'}${r.min !== undefined ? ` ≥ ${r.min}` : ''}, got ${value}`);
          return INVALID;
        }
        return value;
      }
      case 'array': {
        if (node.type !== 'array') return wrongType(node, path, 'an array');
        const items = node.children ?? [];
        if (r.minItems !== undefined && items.length < r.minItems) {
          report('error', node, path, `expected at least ${r.minItems} item${r.minItems === 1 ? '' : 's'}`);
        }
        const out: unknown[] = [];
        const seen = new Map<string, number>();
        items.forEach((child, i) => {
          const value = visit(child, r.items, `${path}[${i}]`);
          if (value === INVALID) return;
          if (r.uniqueBy) {
            const key = (value as Record<string, unknown>)[r.uniqueBy];
            if (typeof key === 'string') {
              const first = seen.get(key);
              if (first !== undefined) {
                const keyNode = propertyValueNode(child, r.uniqueBy) ?? child;
                report('error', keyNode, `${path}[${i}].${r.uniqueBy}`, `duplicate ${r.uniqueBy} ${JSON.stringify(key)} (also ${path}[${first}])`);
                return;
              }
              seen.set(key, i);
            }
          }
          out.push(value);
        });
        return out;
      }
      case 'object':
      case 'map': {
        if (node.type !== 'object') return wrongType(node, path, 'an object');
        const out: Record<string, unknown> = {};
        let ok = true;
        for (const prop of node.children ?? []) {
          const [keyNode, valueNode] = prop.children ?? [];
          if (!keyNode || !valueNode) continue;
          const key = keyNode.value as string;
          const childPath = path ? `${path}.${key}` : key;
          const childRule = r.type === 'map' ? r.values : Object.hasOwn(r.properties, key) ? r.properties[key] : undefined;
          if (!childRule) {
            const known = Object.keys((r as { properties: Record<string, Rule> }).properties);
            report('warning', keyNode, childPath, `unknown key ${JSON.stringify(key)}${suggest(key, known)}`);
            continue;
          }
          const value = visit(valueNode, childRule, childPath);
          if (value !== INVALID) out[key] = value;
          else if (r.type === 'object' && r.required?.includes(key)) ok = false;
        }
        if (r.type === 'object') {
          for (const key of r.required ?? []) {
            if (!(key in out) && propertyValueNode(node, key) === undefined) {
              report('error', node, path, `missing required key ${JSON.stringify(key)}`);
              ok = false;
            }
          }
        }
        return ok ? out : INVALID;
      }
      case 'anyOf': {
        const alternative = r.of.find((alt) => matchesType(node, alt));
        if (!alternative) return wrongType(node, path, r.of.map(describe).join(' or '));
        return visit(node, alternative, path);
      }
    }
  };

  const wrongType = (node: Node, path: string, expected: string): typeof INVALID => {
    report('error', node, path, `expected ${expected}, got ${describeNode(node)}`);
    return INVALID;
  };

  const value = visit(root, rule, '');
  return { value: value === INVALID ? undefined : value, problems };
}

function matchesType(node: Node, rule: Rule): boolean {
  switch (rule.type) {
    case 'object':
    case 'map':
      return node.type === 'object';
    case 'anyOf':
      return rule.of.some((r) => matchesType(node, r));
    default:
      return node.type === rule.type;
  }
}

function describe(rule: Rule): string {
  switch (rule.type) {
    case 'string':
      return 'a string';
    case 'boolean':
      return rule.const === undefined ? 'true or false' : String(rule.const);
    case 'number':
      return 'a number';
    case 'array':
      return rule.items.type === 'string' ? 'an array of strings' : 'an array';
    case 'object':
    case 'map':
      return 'an object';
    case 'anyOf':
      return rule.of.map(describe).join(' or ');
  }
}

function describeNode(node: Node): string {
  if (node.type === 'string') return `the string ${JSON.stringify(node.value)}`;
  if (node.type === 'number' || node.type === 'boolean') return String(getNodeValue(node));
  if (node.type === 'null') return 'null';
  return node.type === 'array' ? 'an array' : 'an object';
}

function propertyValueNode(objectNode: Node, key: string): Node | undefined {
  if (objectNode.type !== 'object') return undefined;
  const prop = objectNode.children?.find((p) => p.children?.[0]?.value === key);
  return prop?.children?.[1];
}

/** ` (did you mean "tests"?)` for a key one or two edits away from a known one. */
function suggest(key: string, known: readonly string[]): string {
  const close = known.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
  return close ? ` (did you mean ${JSON.stringify(close)}?)` : '';
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset. */
export function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}
