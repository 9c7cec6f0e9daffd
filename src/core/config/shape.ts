/**
 * The shape of `.sdlc.json`, as validator rules. `media/sdlc.schema.json` (the JSON Schema the
 * editor uses for completion) describes the same keys; a unit test keeps the two in step.
 */
import type { Rule } from './validate';

export const TEST_KINDS = ['unit', 'integration', 'regression', 'security', 'acceptance'] as const;
export const REPORT_FORMATS = ['junit', 'tap', 'mocha-json'] as const;
/** Ecosystems a package folder can be assigned to (`versioning.ecosystems`). */
export const ECOSYSTEM_IDS = ['npm', 'lerna', 'cargo', 'python', 'maven', 'gradle', 'go', 'helm', 'dotnet'] as const;
export const STRATEGY_TYPES = ['big-bang', 'phased', 'continuous', 'pull'] as const;

const str: Rule = { type: 'string' };
const nonEmpty: Rule = { type: 'string', check: (v) => (v.trim() ? undefined : 'must not be empty') };
const bool: Rule = { type: 'boolean' };
const strings: Rule = { type: 'array', items: nonEmpty };

const httpUrl: Rule = {
  type: 'string',
  check: (v) => {
    try {
      const url = new URL(v);
      return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : `expected an http(s) URL, got ${JSON.stringify(v)}`;
    } catch {
      return `expected an http(s) URL, got ${JSON.stringify(v)}`;
    }
  },
};

const test: Rule = {
  type: 'object',
  required: ['name', 'kind', 'command'],
  properties: {
    name: nonEmpty,
    kind: { type: 'string', enum: TEST_KINDS },
    command: nonEmpty,
    cwd: str,
    env: { type: 'map', values: str },
    timeout: { type: 'number', min: 1 },
    report: {
      type: 'object',
      required: ['format'],
      properties: { format: { type: 'string', enum: REPORT_FORMATS }, path: nonEmpty },
    },
  },
};

const packageTarget: Rule = {
  type: 'object',
  required: ['name', 'command', 'artifacts'],
  properties: {
    name: nonEmpty,
    command: nonEmpty,
    cwd: str,
    artifacts: { type: 'anyOf', of: [nonEmpty, { type: 'array', items: nonEmpty, minItems: 1 }] },
  },
};

/** A health check of an environment or target (deployments): a URL string is an HTTP check. */
export const HEALTH_CHECK_TYPES = ['http', 'tcp', 'tls'] as const;
const healthCheck: Rule = {
  type: 'object',
  properties: {
    name: nonEmpty,
    type: { type: 'string', enum: HEALTH_CHECK_TYPES },
    url: httpUrl,
    host: nonEmpty,
    port: { type: 'number', min: 1, integer: true },
    expectStatus: { type: 'anyOf', of: [{ type: 'number', min: 100, integer: true }, { type: 'array', items: { type: 'number', min: 100, integer: true }, minItems: 1 }] },
    bodyContains: str,
    timeoutMs: { type: 'number', min: 1 },
    warnDays: { type: 'number', min: 0 },
    caFile: nonEmpty,
    insecure: bool,
  },
};
const healthChecks: Rule = { type: 'anyOf', of: [httpUrl, healthCheck, { type: 'array', items: { type: 'anyOf', of: [httpUrl, healthCheck] } }] };

const freezeWindow: Rule = {
  type: 'object',
  properties: {
    name: nonEmpty,
    environments: strings,
    weekly: { type: 'object', required: ['from', 'to'], properties: { from: nonEmpty, to: nonEmpty } },
    from: nonEmpty,
    to: nonEmpty,
    timeZone: nonEmpty,
  },
};

const environment: Rule = {
  type: 'object',
  required: ['name'],
  properties: {
    name: nonEmpty,
    protected: bool,
    deploy: {
      type: 'object',
      required: ['workflow'],
      properties: {
        workflow: nonEmpty,
        ref: nonEmpty,
        inputs: { type: 'map', values: { type: 'anyOf', of: [str, { type: 'number' }, bool] } },
      },
    },
    health: healthChecks,
    healthInterval: { type: 'number', min: 1 },
    targets: { type: 'array', items: { type: 'anyOf', of: [nonEmpty, { type: 'object', required: ['name'], properties: { name: nonEmpty, health: healthChecks } }] } },
    strategy: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: STRATEGY_TYPES },
        waves: { type: 'array', items: nonEmpty, minItems: 1 },
        branch: nonEmpty,
        gate: { type: 'object', properties: { health: bool, approval: bool, healthSeconds: { type: 'number', min: 0 }, rollback: bool } },
      },
    },
  },
};

export const CONFIG_RULE: Rule = {
  type: 'object',
  properties: {
    $schema: str,
    packages: strings,
    versioning: {
      type: 'object',
      properties: {
        tagFormat: { type: 'string', check: (v) => (v.includes('${version}') ? undefined : 'must contain ${version}') },
        changelog: { type: 'anyOf', of: [nonEmpty, { type: 'boolean', const: false }] },
        preset: nonEmpty,
        versionFiles: { type: 'array', items: { type: 'object', required: ['path', 'pattern'], properties: { path: nonEmpty, pattern: nonEmpty } } },
        ecosystems: { type: 'map', values: { type: 'string', enum: ECOSYSTEM_IDS } },
        exclude: strings,
        helm: { type: 'object', properties: { appVersion: bool } },
      },
    },
    tests: { type: 'array', items: test, uniqueBy: 'name' },
    testKinds: { type: 'map', values: { type: 'string', enum: TEST_KINDS } },
    packageTargets: { type: 'array', items: packageTarget, uniqueBy: 'name' },
    environments: { type: 'array', items: environment, uniqueBy: 'name' },
    promotion: strings,
    freezeWindows: { type: 'array', items: freezeWindow },
    audit: { type: 'object', properties: { path: nonEmpty } },
  },
};
