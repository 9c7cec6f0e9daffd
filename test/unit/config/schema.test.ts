import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_RULE } from '../../../src/core/config/shape';
import type { Rule } from '../../../src/core/config/validate';
import { validateConfigText } from '../../../src/core/config/config';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: string[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  description?: string;
  definitions?: Record<string, Schema>;
};

const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../../media/sdlc.schema.json'), 'utf8')) as Schema;

/** Flattens a shape to `path → description` lines: JSON types, keys, required keys, enums. */
function flattenSchema(s: Schema, at: string, out: Map<string, string>): void {
  if (s.$ref) return flattenSchema(schema.definitions![s.$ref.replace('#/definitions/', '')], at, out);
  if (s.anyOf) {
    out.set(at, `anyOf ${s.anyOf.map((a) => typeOf(a)).sort().join('|')}`);
    for (const a of s.anyOf) if (typeOf(a) === 'array' || typeOf(a) === 'object') flattenSchema(a, at, out);
    return;
  }
  const types = Array.isArray(s.type) ? s.type : [s.type!];
  if (types.length > 1) return void out.set(at, `anyOf ${[...types].sort().join('|')}`);
  const type = types[0];
  if (type === 'object' && s.properties) {
    out.set(at, `object {${Object.keys(s.properties).sort().join(',')}} required {${[...(s.required ?? [])].sort().join(',')}} closed ${s.additionalProperties === false}`);
    for (const [k, v] of Object.entries(s.properties)) flattenSchema(v, `${at}.${k}`, out);
  } else if (type === 'object') {
    out.set(at, 'map');
    flattenSchema(s.additionalProperties as Schema, `${at}.*`, out);
  } else if (type === 'array') {
    if (!out.has(at)) out.set(at, 'array');
    flattenSchema(s.items!, `${at}[]`, out);
  } else if (s.enum) out.set(at, `${type} enum ${s.enum.join(',')}`);
  else if (!out.has(at)) out.set(at, type);
}
function typeOf(s: Schema): string {
  if (s.$ref) return typeOf(schema.definitions![s.$ref.replace('#/definitions/', '')]);
  return Array.isArray(s.type) ? s.type.join('|') : s.type!;
}

function flattenRule(r: Rule, at: string, out: Map<string, string>): void {
  switch (r.type) {
    case 'anyOf':
      out.set(at, `anyOf ${r.of.map((a) => (a.type === 'map' ? 'object' : a.type)).sort().join('|')}`);
      for (const a of r.of) if (a.type === 'array' || a.type === 'object') flattenRule(a, at, out);
      return;
    case 'object':
      out.set(at, `object {${Object.keys(r.properties).sort().join(',')}} required {${[...(r.required ?? [])].sort().join(',')}} closed true`);
      for (const [k, v] of Object.entries(r.properties)) flattenRule(v, `${at}.${k}`, out);
      return;
    case 'map':
      out.set(at, 'map');
      return flattenRule(r.values, `${at}.*`, out);
    case 'array':
      if (!out.has(at)) out.set(at, 'array');
      return flattenRule(r.items, `${at}[]`, out);
    case 'string':
      if (!out.has(at)) out.set(at, r.enum ? `string enum ${r.enum.join(',')}` : 'string');
      return;
    default:
      if (!out.has(at)) out.set(at, r.type);
  }
}

describe('config schema (media/sdlc.schema.json) and validator agree', () => {
  it('on every key, type, required key and enum', () => {
    const fromSchema = new Map<string, string>();
    const fromRule = new Map<string, string>();
    flattenSchema(schema, '$', fromSchema);
    flattenRule(CONFIG_RULE, '$', fromRule);
    assert.deepEqual(Object.fromEntries([...fromSchema].sort()), Object.fromEntries([...fromRule].sort()));
    assert.ok(fromRule.size > 40, `walked ${fromRule.size} paths`);
  });

  it('is draft-07 and every property has a description', () => {
    assert.equal((schema as { $schema?: string }).$schema, 'http://json-schema.org/draft-07/schema#');
    const missing: string[] = [];
    const walk = (s: Schema, at: string) => {
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        if (!v.description) missing.push(`${at}.${k}`);
        walk(v, `${at}.${k}`);
      }
      if (s.items) walk(s.items, `${at}[]`);
    };
    walk(schema, '$');
    assert.deepEqual(missing, []);
  });

  it('the validator accepts the `$schema` key pointing at the schema', () => {
    assert.deepEqual(validateConfigText('{ "$schema": "./node_modules/x/media/sdlc.schema.json" }').problems, []);
  });
});
