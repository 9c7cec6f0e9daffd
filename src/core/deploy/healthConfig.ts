/**
 * From `.sdlc.json` `environments[].health` / `targets[].health` (a URL, a check, or a list) to the
 * probe specs of health.ts, and the health of whole environments: the worst state of their checks.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentConfig, HealthCheckConfig, HealthConfig } from '../config/config';
import { SdlcError } from '../errors';
import { probeAll, worstState, type HealthCheckSpec, type HealthState, type ProbeAllOptions, type ProbeResult } from './health';

export interface EnvironmentCheck {
  environment: string;
  /** The target the check belongs to; null for the environment's own checks. */
  target: string | null;
  spec: HealthCheckSpec;
}

/** Every check of an environment and its targets. `readFile` resolves `caFile` (relative to root). */
export async function environmentChecks(env: EnvironmentConfig, root: string, readFile: (file: string) => Promise<string> = (f) => fs.readFile(f, 'utf8')): Promise<EnvironmentCheck[]> {
  const out: EnvironmentCheck[] = [];
  const add = async (health: HealthConfig | undefined, target: string | null, at: string) => {
    if (health === undefined) return;
    const list = Array.isArray(health) ? health : [health];
    for (const [i, item] of list.entries()) {
      out.push({ environment: env.name, target, spec: await toSpec(item, root, readFile, Array.isArray(health) ? `${at}[${i}]` : at) });
    }
  };
  await add(env.health, null, `environments "${env.name}" health`);
  for (const t of env.targets ?? []) {
    if (typeof t !== 'string') await add(t.health, t.name, `environments "${env.name}" target "${t.name}" health`);
  }
  return out;
}

async function toSpec(item: string | HealthCheckConfig, root: string, readFile: (file: string) => Promise<string>, at: string): Promise<HealthCheckSpec> {
  if (typeof item === 'string') return { type: 'http', url: item };
  const type = item.type ?? (item.url ? 'http' : 'tcp');
  let ca: string | undefined;
  if (item.caFile) {
    const file = path.resolve(root, item.caFile);
    try {
      ca = await readFile(file);
    } catch (e) {
      throw new SdlcError('InvalidConfig', `Cannot read the CA file ${file} of ${at}: ${(e as Error).message}. Fix caFile in .sdlc.json.`, { usage: true, cause: e });
    }
  }
  const common = { ...(item.name ? { name: item.name } : {}), ...(item.timeoutMs !== undefined ? { timeoutMs: item.timeoutMs } : {}) };
  const tlsOptions = { ...(ca ? { ca } : {}), ...(item.insecure ? { insecure: true } : {}), ...(item.warnDays !== undefined ? { warnDays: item.warnDays } : {}) };
  switch (type) {
    case 'http':
      if (!item.url) throw new SdlcError('InvalidConfig', `${at}: an http check needs "url". Add it in .sdlc.json.`, { usage: true });
      return {
        type: 'http',
        url: item.url,
        ...common,
        ...tlsOptions,
        ...(item.expectStatus !== undefined ? { expectStatus: item.expectStatus } : {}),
        ...(item.bodyContains !== undefined ? { bodyContains: item.bodyContains } : {}),
      };
    case 'tcp':
      if (!item.host || item.port === undefined) throw new SdlcError('InvalidConfig', `${at}: a tcp check needs "host" and "port" (or "url" for an http check). Add them in .sdlc.json.`, { usage: true });
      return { type: 'tcp', host: item.host, port: item.port, ...common };
    case 'tls': {
      const host = item.host ?? (item.url ? new URL(item.url).hostname : undefined);
      const port = item.port ?? (item.url ? Number(new URL(item.url).port || 443) : undefined);
      if (!host) throw new SdlcError('InvalidConfig', `${at}: a tls check needs "host" (and "port", default 443). Add it in .sdlc.json.`, { usage: true });
      return { type: 'tls', host, ...(port !== undefined ? { port } : {}), ...common, ...tlsOptions };
    }
  }
}

export interface EnvironmentHealth {
  name: string;
  /** unknown: the environment has no checks. */
  state: HealthState | 'unknown';
  checks: Array<ProbeResult & { target: string | null }>;
}

/** Probes the checks of several environments in one concurrent round. */
export async function probeEnvironments(checks: readonly EnvironmentCheck[], environments: readonly string[], options: ProbeAllOptions = {}): Promise<EnvironmentHealth[]> {
  const results = await probeAll(
    checks.map((c) => c.spec),
    options,
  );
  return environments.map((name) => {
    const mine = results.map((r, i) => ({ ...r, target: checks[i].target })).filter((_, i) => checks[i].environment === name);
    return { name, state: mine.length === 0 ? 'unknown' : worstState(mine.map((r) => r.state)), checks: mine };
  });
}
