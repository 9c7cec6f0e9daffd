/**
 * A real smart-HTTP git remote for tests: a Node HTTP server on 127.0.0.1 (port 0) that runs
 * `git http-backend` as a CGI script over a temp directory of bare repositories.
 *
 *   const server = await startGitHttpServer({ auth: { user: 'u', password: 'p' } });
 *   const url = await server.createBareRepo('app');  // http://127.0.0.1:PORT/app.git
 *   server.urlWithCredentials('app')                  // http://u:p@127.0.0.1:PORT/app.git
 *   await server.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, testGitEnv } from './repos';

export interface GitHttpServer {
  /** base URL, `http://127.0.0.1:PORT` */
  url: string;
  /** directory holding the bare repositories */
  root: string;
  /** Creates `<root>/<name>.git` (bare, default branch main) and returns its URL (without credentials). */
  createBareRepo(name: string): Promise<string>;
  /** URL of a repository, without credentials. */
  repoUrl(name: string): string;
  /** URL of a repository with user:password in it (the configured ones unless given). */
  urlWithCredentials(name: string, user?: string, password?: string): string;
  /** number of requests answered, by status code */
  readonly requests: Map<number, number>;
  /** While stalled, requests are accepted and never answered (a remote that hangs). */
  stall(on: boolean): void;
  /** Resolves when the next request arrives. */
  nextRequest(): Promise<void>;
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  auth?: { user: string; password: string };
}

export async function startGitHttpServer(options: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-git-http-')));
  const children = new Set<ChildProcess>();
  const requests = new Map<number, number>();
  const count = (status: number) => requests.set(status, (requests.get(status) ?? 0) + 1);
  let stalled = false;
  let waiters: Array<() => void> = [];

  const server = http.createServer((req, res) => {
    const arrived = waiters;
    waiters = [];
    for (const w of arrived) w();
    if (stalled) return; // closed by close()
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let user = 'anonymous';
    if (options.auth) {
      const header = req.headers.authorization ?? '';
      const m = /^Basic (.+)$/i.exec(header);
      const [u, ...p] = m ? Buffer.from(m[1], 'base64').toString('utf8').split(':') : [];
      if (u !== options.auth.user || p.join(':') !== options.auth.password) {
        count(401);
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
        res.end('Unauthorized\n');
        req.resume();
        return;
      }
      user = u;
    }
    const env: NodeJS.ProcessEnv = {
      ...testGitEnv(),
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REMOTE_USER: user,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
    };
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    child.on('close', () => children.delete(child));
    child.on('error', () => {
      if (!res.headersSent) res.writeHead(500).end();
    });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});

    // CGI response: headers, a blank line, then the body.
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
      if (end < 0) return;
      const sepLength = end === crlf ? 4 : 2;
      const headerText = head.subarray(0, end).toString('latin1');
      const body = head.subarray(end + sepLength);
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of headerText.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = parseInt(v, 10) || 200;
        else headers[k] = v;
      }
      headersDone = true;
      count(status);
      res.writeHead(status, headers);
      if (body.length) res.write(body);
    });
    child.stdout.on('end', () => {
      if (!headersDone) {
        count(502);
        res.writeHead(502).end();
      } else res.end();
    });
    child.stderr.resume();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const repoName = (name: string) => (name.endsWith('.git') ? name : `${name}.git`);

  return {
    url: base,
    root,
    requests,
    stall: (on) => {
      stalled = on;
    },
    nextRequest: () => new Promise<void>((resolve) => waiters.push(resolve)),
    repoUrl: (name) => `${base}/${repoName(name)}`,
    urlWithCredentials: (name, user = options.auth?.user ?? 'user', password = options.auth?.password ?? 'password') =>
      `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${repoName(name)}`,
    async createBareRepo(name) {
      const dir = path.join(root, repoName(name));
      await fs.mkdir(dir, { recursive: true });
      await git(dir, ['init', '-q', '--bare', '-b', 'main']);
      await git(dir, ['config', 'http.receivepack', 'true']);
      return `${base}/${repoName(name)}`;
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
