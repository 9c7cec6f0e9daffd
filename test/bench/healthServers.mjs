// Loopback endpoints for the health bench, in their own process so their CPU (TLS handshakes,
// timers) does not run on the prober's event loop. Key and certificate come in the environment
// (BENCH_KEY, BENCH_CERT); prints one line of JSON with the ports, exits when stdin closes.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';

const handler = (req, res) => {
  const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
  setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), delay);
};
const web = http.createServer(handler);
const secure = https.createServer({ key: process.env.BENCH_KEY, cert: process.env.BENCH_CERT }, handler);
const tcp = net.createServer((s) => s.end());
const listen = (s) => new Promise((resolve) => s.listen(0, '127.0.0.1', 1024, resolve));
await Promise.all([listen(web), listen(secure), listen(tcp)]);
process.stdout.write(JSON.stringify({ http: web.address().port, https: secure.address().port, tcp: tcp.address().port }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
