/**
 * Health checks of the environments deployments land on, as Prometheus' blackbox exporter and
 * Uptime Kuma do them: HTTP(S) (expected status, optional body text, timeout), TCP connect, and TLS
 * certificate expiry (warn under N days). One probe never throws: every outcome — refused, timed
 * out, wrong status, untrusted certificate — is a result with a state and a message a person reads.
 * Probing many checks runs them concurrently (they wait on the network, not on this machine).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { PeerCertificate } from 'node:tls';

export type HealthCheckType = 'http' | 'tcp' | 'tls';

export interface HttpCheckSpec {
  type: 'http';
  /** Shown in results; default: the URL. */
  name?: string;
  url: string;
  /** Expected status code(s); default: any 2xx or 3xx. */
  expectStatus?: number | number[];
  /** Text the body must contain (first 256 KiB). */
  bodyContains?: string;
  timeoutMs?: number;
  /** https: warn when the certificate expires in fewer days than this (default 14). */
  warnDays?: number;
  /** https: PEM of the CA(s) to trust in addition to the system's (self-signed endpoints). */
  ca?: string;
  /** https: do not verify the certificate (its expiry is still checked). */
  insecure?: boolean;
}

export interface TcpCheckSpec {
  type: 'tcp';
  name?: string;
  host: string;
  port: number;
  timeoutMs?: number;
}

export interface TlsCheckSpec {
  type: 'tls';
  name?: string;
  host: string;
  /** Default 443. */
  port?: number;
  /** SNI name; default: host. */
  servername?: string;
  /** Warn when the certificate expires in fewer days than this (default 14). */
  warnDays?: number;
  timeoutMs?: number;
  ca?: string;
  insecure?: boolean;
}

export type HealthCheckSpec = HttpCheckSpec | TcpCheckSpec | TlsCheckSpec;

/** healthy: all good; degraded: answers but needs attention (certificate expiring); unhealthy: fails. */
export type HealthState = 'healthy' | 'degraded' | 'unhealthy';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Whole and fractional days until validTo (negative when expired). */
  daysLeft: number;
}

export interface ProbeResult {
  /** Stable key of the check (see checkKey). */
  check: string;
  name: string;
  type: HealthCheckType;
  state: HealthState;
  /** Milliseconds from start to the answer (or to the failure). */
  latencyMs: number;
  /** ISO time the probe started. */
  at: string;
  message: string;
  /** HTTP status, when one arrived. */
  status?: number;
  certificate?: CertificateInfo;
  /** Machine-readable failure class. */
  error?: 'timeout' | 'refused' | 'dns' | 'tls' | 'status' | 'body' | 'expired' | 'network';
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_WARN_DAYS = 14;
const BODY_LIMIT = 256 * 1024;
const DAY_MS = 86_400_000;

export interface ProbeOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  signal?: AbortSignal;
}

/** A key that identifies a check across rounds (history is kept per key). */
export function checkKey(spec: HealthCheckSpec): string {
  switch (spec.type) {
    case 'http':
      return `http ${spec.url}`;
    case 'tcp':
      return `tcp ${spec.host}:${spec.port}`;
    case 'tls':
      return `tls ${spec.servername ?? spec.host}@${spec.host}:${spec.port ?? 443}`;
  }
}

export function checkName(spec: HealthCheckSpec): string {
  if (spec.name) return spec.name;
  switch (spec.type) {
    case 'http':
      return spec.url;
    case 'tcp':
      return `${spec.host}:${spec.port} (tcp)`;
    case 'tls':
      return `${spec.host}:${spec.port ?? 443} (tls)`;
  }
}

/** Probes one check once. Never throws. */
export async function probe(spec: HealthCheckSpec, options: ProbeOptions = {}): Promise<ProbeResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const base = { check: checkKey(spec), name: checkName(spec), type: spec.type, at: new Date(started).toISOString() };
  const t0 = performanceNow();
  const elapsed = () => Math.max(0, performanceNow() - t0);
  try {
    const outcome = await (spec.type === 'http' ? probeHttp(spec, now, options.signal) : spec.type === 'tcp' ? probeTcp(spec, options.signal) : probeTls(spec, now, options.signal));
    return { ...base, latencyMs: round(elapsed()), ...outcome };
  } catch (e) {
    const failure = classifyNetworkError(e, spec);
    return { ...base, latencyMs: round(elapsed()), state: 'unhealthy', ...failure };
  }
}

export interface ProbeAllOptions extends ProbeOptions {
  /** Probes in flight at once (default 256). */
  concurrency?: number;
}

/** Probes every check concurrently (bounded), results in the order of `specs`. */
export async function probeAll(specs: readonly HealthCheckSpec[], options: ProbeAllOptions = {}): Promise<ProbeResult[]> {
  const limit = Math.max(1, options.concurrency ?? 256);
  const results = new Array<ProbeResult>(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      results[i] = await probe(specs[i], options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, specs.length) }, worker));
  return results;
}

/** The worst of several states (no states: healthy). */
export function worstState(states: Iterable<HealthState>): HealthState {
  let worst: HealthState = 'healthy';
  for (const s of states) {
    if (s === 'unhealthy') return 'unhealthy';
    if (s === 'degraded') worst = 'degraded';
  }
  return worst;
}

type Outcome = Pick<ProbeResult, 'state' | 'message' | 'status' | 'certificate' | 'error'>;

function probeHttp(spec: HttpCheckSpec, now: () => number, signal?: AbortSignal): Promise<Outcome> {
  const url = new URL(spec.url);
  const secure = url.protocol === 'https:';
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<Outcome>((resolve, reject) => {
    const requestOptions: https.RequestOptions & { secureContext?: tls.SecureContext } = {
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'sdlc-workbench-health', accept: '*/*', connection: 'close' },
      signal,
    };
    if (secure) {
      if (spec.ca) requestOptions.secureContext = secureContextFor(spec.ca);
      if (spec.insecure) requestOptions.rejectUnauthorized = false;
    }
    const req = (secure ? https : http).request(url, requestOptions, (res) => {
      const certificate = secure ? certificateOf((res.socket as tls.TLSSocket).getPeerCertificate?.(), now()) : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < BODY_LIMIT) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        const expected = spec.expectStatus === undefined ? null : Array.isArray(spec.expectStatus) ? spec.expectStatus : [spec.expectStatus];
        const statusOk = expected ? expected.includes(status) : status >= 200 && status < 400;
        if (!statusOk) {
          return resolve({ state: 'unhealthy', status, error: 'status', message: `HTTP ${status}, expected ${expected ? expected.join(' or ') : '2xx or 3xx'}`, ...(certificate ? { certificate } : {}) });
        }
        if (spec.bodyContains !== undefined) {
          const body = Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8');
          if (!body.includes(spec.bodyContains)) {
            return resolve({ state: 'unhealthy', status, error: 'body', message: `HTTP ${status} but the body does not contain ${JSON.stringify(spec.bodyContains)}`, ...(certificate ? { certificate } : {}) });
          }
        }
        const warn = certificate ? certificateVerdict(certificate, spec.warnDays) : null;
        if (warn) return resolve({ status, certificate, ...warn, message: `HTTP ${status}; ${warn.message}` });
        resolve({ state: 'healthy', status, message: `HTTP ${status}`, ...(certificate ? { certificate } : {}) });
      });
    });
    const timer = setTimeout(() => req.destroy(new TimeoutError(timeoutMs)), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

function probeTcp(spec: TcpCheckSpec, signal?: AbortSignal): Promise<Outcome> {
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<Outcome>((resolve, reject) => {
    const socket = net.connect({ host: spec.host, port: spec.port, signal });
    const timer = setTimeout(() => socket.destroy(new TimeoutError(timeoutMs)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ state: 'healthy', message: `connected to ${spec.host}:${spec.port}` });
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function probeTls(spec: TlsCheckSpec, now: () => number, signal?: AbortSignal): Promise<Outcome> {
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const port = spec.port ?? 443;
  return new Promise<Outcome>((resolve, reject) => {
    const options: tls.ConnectionOptions = { host: spec.host, port, servername: spec.servername ?? (net.isIP(spec.host) ? undefined : spec.host) };
    if (spec.ca) options.secureContext = secureContextFor(spec.ca);
    if (spec.insecure) options.rejectUnauthorized = false;
    const socket = tls.connect(options);
    const onAbort = () => socket.destroy(new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => socket.destroy(new TimeoutError(timeoutMs)), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const certificate = certificateOf(socket.getPeerCertificate(), now());
      socket.destroy();
      if (!certificate) return resolve({ state: 'unhealthy', error: 'tls', message: 'the server sent no certificate' });
      const warn = certificateVerdict(certificate, spec.warnDays);
      resolve(warn ? { certificate, ...warn } : { state: 'healthy', certificate, message: `certificate valid for ${Math.floor(certificate.daysLeft)} more days` });
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
  });
}

/**
 * One secure context per extra CA, reused: building one from the system roots plus the CA parses
 * ~150 certificates (tens of ms of CPU), which done per probe would stall a round of many probes.
 */
const secureContexts = new Map<string, tls.SecureContext>();
function secureContextFor(ca: string): tls.SecureContext {
  let context = secureContexts.get(ca);
  if (!context) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, ca] });
    if (secureContexts.size >= 64) secureContexts.clear();
    secureContexts.set(ca, context);
  }
  return context;
}

function certificateOf(peer: PeerCertificate | undefined, nowMs: number): CertificateInfo | undefined {
  if (!peer || !peer.valid_to) return undefined;
  const validTo = new Date(peer.valid_to);
  const validFrom = new Date(peer.valid_from);
  return {
    subject: formatName(peer.subject),
    issuer: formatName(peer.issuer),
    validFrom: validFrom.toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.round(((validTo.getTime() - nowMs) / DAY_MS) * 100) / 100,
  };
}

function certificateVerdict(cert: CertificateInfo, warnDays = DEFAULT_WARN_DAYS): Pick<Outcome, 'state' | 'message' | 'error'> | null {
  if (cert.daysLeft <= 0) return { state: 'unhealthy', error: 'expired', message: `the certificate expired on ${cert.validTo}` };
  if (cert.daysLeft < warnDays) {
    return { state: 'degraded', message: `the certificate expires in ${Math.floor(cert.daysLeft)} day${Math.floor(cert.daysLeft) === 1 ? '' : 's'} (${cert.validTo}), under the ${warnDays}-day warning` };
  }
  return null;
}

function formatName(name: Partial<Record<string, string | string[]>> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT_SDLC';
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function classifyNetworkError(e: unknown, spec: HealthCheckSpec): Pick<ProbeResult, 'message' | 'error'> {
  const where = spec.type === 'http' ? spec.url : `${spec.host}:${spec.type === 'tcp' ? spec.port : (spec.port ?? 443)}`;
  if (e instanceof TimeoutError) return { error: 'timeout', message: `timed out: ${where} gave no answer within ${e.ms} ms` };
  const err = e as NodeJS.ErrnoException & { reason?: string };
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return { error: 'refused', message: `connection refused by ${where} (nothing listening?)` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { error: 'dns', message: `cannot resolve the host of ${where}` };
  if (code === 'CERT_HAS_EXPIRED') return { error: 'expired', message: `the certificate of ${where} has expired` };
  if (/CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|EPROTO/.test(code)) {
    return { error: 'tls', message: `TLS error with ${where}: ${err.message}${code ? ` (${code})` : ''}` };
  }
  if (code === 'ECONNRESET') return { error: 'network', message: `${where} closed the connection (${code})` };
  return { error: 'network', message: `${where}: ${err.message ?? String(e)}${code ? ` (${code})` : ''}` };
}

function performanceNow(): number {
  return performance.now();
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
