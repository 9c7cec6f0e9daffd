/**
 * Response validation with ONE shared Ajv for the whole description: the components are added
 * once (`gh#/components/...`) and referenced, not inlined, so a schema such as `repository` is
 * compiled once per process instead of once per operation (openapi-backend's validateResponse
 * dereferences and compiles every operation separately: seconds on a loaded machine).
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

type Obj = Record<string, unknown>;

const ID = 'gh';

function rebaseRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebaseRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Obj = {};
  for (const [k, v] of Object.entries(node as Obj)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${ID}${v}` : rebaseRefs(v);
  }
  return out;
}

function statusKey(map: Obj, status: number): string | undefined {
  const keys = [String(status), `${Math.floor(status / 100)}XX`, 'default'];
  return keys.find((k) => k in map);
}

export class ResponseValidator {
  private readonly ajv: Ajv;
  private readonly operations = new Map<string, Obj>();
  private readonly bodyValidators = new Map<string, ValidateFunction | null>();
  private readonly headerValidators = new Map<string, ValidateFunction | null>();

  constructor(
    private readonly document: Obj,
    customize: (ajv: Ajv) => Ajv,
  ) {
    this.ajv = customize(new Ajv({ strict: false, inlineRefs: false, validateSchema: false, logger: false, allErrors: false }));
    this.ajv.addSchema({ $id: ID, components: document.components }, undefined, undefined, false);
    for (const item of Object.values((document.paths ?? {}) as Obj)) {
      for (const op of Object.values(item as Obj)) {
        const id = (op as Obj | null)?.operationId;
        if (typeof id === 'string') this.operations.set(id, op as Obj);
      }
    }
  }

  private resolve(node: unknown): Obj | undefined {
    let cur = node as Obj | undefined;
    for (let i = 0; i < 10 && cur && typeof cur.$ref === 'string'; i++) {
      const ref = cur.$ref as string;
      cur = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((acc, part) => (acc as Obj | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], this.document) as Obj | undefined;
    }
    return cur;
  }

  /** The response object the description declares for this status (exact, NXX, default). */
  declared(operationId: string, status: number): Obj | undefined {
    const responses = this.operations.get(operationId)?.responses as Obj | undefined;
    if (!responses) return undefined;
    const key = statusKey(responses, status);
    return key === undefined ? undefined : this.resolve(responses[key]);
  }

  /** Errors of a body against the declared response (an empty list when it conforms). */
  validateBody(operationId: string, status: number, body: unknown): ErrorObject[] | Array<{ message: string }> {
    const response = this.declared(operationId, status);
    if (!response) return [];
    const content = response.content as Obj | undefined;
    if (!content) {
      return body === undefined ? [] : [{ message: `${operationId} declares no body for status ${status}` }];
    }
    const json = content['application/json'] as Obj | undefined;
    if (!json?.schema) return [];
    const cacheKey = `${operationId} ${status}`;
    let validate = this.bodyValidators.get(cacheKey);
    if (validate === undefined) {
      validate = this.ajv.compile(rebaseRefs(json.schema) as Obj);
      this.bodyValidators.set(cacheKey, validate);
    }
    if (!validate) return [];
    return validate(body === undefined ? null : body) ? [] : [...(validate.errors ?? [])];
  }

  /** Types of the declared response headers that are present (e.g. `Link`). */
  validateHeaders(operationId: string, status: number, headers: Record<string, string>): ErrorObject[] {
    const cacheKey = `${operationId} ${status}`;
    let validate = this.headerValidators.get(cacheKey);
    if (validate === undefined) {
      const declared = (this.declared(operationId, status)?.headers ?? {}) as Obj;
      const properties: Obj = {};
      for (const [name, h] of Object.entries(declared)) {
        const schema = this.resolve(h)?.schema;
        if (schema) properties[name.toLowerCase()] = rebaseRefs(schema);
      }
      validate = Object.keys(properties).length ? this.ajv.compile({ type: 'object', properties }) : null;
      this.headerValidators.set(cacheKey, validate);
    }
    if (!validate) return [];
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
    return validate(lower) ? [] : [...(validate.errors ?? [])];
  }
}
