/**
 * Real loopback endpoints for health checks that a test switches healthy / unhealthy / slow / hanging,
 * over HTTP or HTTPS (certificates made with `openssl` in a temp folder, argument arrays, no shell),
 * and a TCP listener that can be closed to refuse connections.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type EndpointMode = 'healthy' | 'unhealthy' | 'slow' | 'hang';

export interface Certificate {
  key: string;
  cert: string;
}

/** A self-signed certificate for localhost / 127.0.0.1 valid for `days` days (P-256, fast). */
export async function selfSignedCertificate(days: number, commonName = 'localhost'): Promise<Certificate> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sdlc-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    await new Promise<void>((resolve, reject) =>
      execFile(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', String(days), '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
        (e, _out, stderr) => (e ? reject(new Error(`openssl failed: ${stderr}`)) : resolve()),
      ),
    );
    return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export class SwitchableEndpoint {
  mode: EndpointMode = 'healthy';
  /** Delay of the answer in `slow` mode. */
  delayMs = 300;
  body = 'ok: all systems go';
  unhealthyStatus = 503;
  requests = 0;
  private constructor(
    private readonly server: http.Server | https.Server,
    readonly url: string,
  ) {}

  static async start(options: { tls?: Certificate } = {}): Promise<SwitchableEndpoint> {
    const ref: { endpoint?: SwitchableEndpoint } = {};
    const handler: http.RequestListener = (req, res) => ref.endpoint!.handle(req, res);
    const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    ref.endpoint = new SwitchableEndpoint(server, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/healthz`);
    return ref.endpoint;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Serve another certificate from now on (e.g. one about to expire). */
  setCertificate(cert: Certificate): void {
    (this.server as https.Server).setSecureContext({ key: cert.key, cert: cert.cert });
  }

  private handle(_req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests++;
    switch (this.mode) {
      case 'healthy':
        res.writeHead(200, { 'content-type': 'text/plain' }).end(this.body);
        return;
      case 'unhealthy':
        res.writeHead(this.unhealthyStatus, { 'content-type': 'text/plain' }).end('down');
        return;
      case 'slow': {
        const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end(this.body), this.delayMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'hang':
        return; // never answers; closed by close()
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A TCP listener (accepts and closes) and a port with nothing listening. */
export class TcpEndpoint {
  private constructor(private readonly server: net.Server, readonly port: number) {}
  static async start(): Promise<TcpEndpoint> {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TcpEndpoint(server, (server.address() as AddressInfo).port);
  }
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port that was free a moment ago (connections to it are refused). */
export async function closedPort(): Promise<number> {
  const tcp = await TcpEndpoint.start();
  await tcp.close();
  return tcp.port;
}
