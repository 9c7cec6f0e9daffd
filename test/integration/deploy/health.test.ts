import { strict as assert } from 'node:assert';
import { probe, probeAll, type HealthCheckSpec } from '../../../src/core/deploy/health';
import { HealthHistory } from '../../../src/core/deploy/healthHistory';
import { closedPort, selfSignedCertificate, SwitchableEndpoint, TcpEndpoint, type Certificate } from './endpoints';

const DAY = 86_400_000;

describe('deploy/health: probes against real loopback endpoints', function () {
  this.timeout(20000);
  let http: SwitchableEndpoint;
  let https: SwitchableEndpoint;
  let longCert: Certificate;
  let shortCert: Certificate;

  before(async () => {
    [longCert, shortCert] = await Promise.all([selfSignedCertificate(90), selfSignedCertificate(3)]);
    http = await SwitchableEndpoint.start();
    https = await SwitchableEndpoint.start({ tls: longCert });
  });
  after(async () => {
    await http.close();
    await https.close();
  });
  beforeEach(() => {
    for (const e of [http, https]) {
      e.mode = 'healthy';
      e.delayMs = 300;
    }
    https.setCertificate(longCert);
  });

  it('HTTP: healthy, then unhealthy when the endpoint answers 503, then healthy again', async () => {
    const spec: HealthCheckSpec = { type: 'http', url: http.url };
    const a = await probe(spec);
    assert.equal(a.state, 'healthy', a.message);
    assert.equal(a.status, 200);
    http.mode = 'unhealthy';
    const b = await probe(spec);
    assert.equal(b.state, 'unhealthy');
    assert.equal(b.status, 503);
    assert.equal(b.error, 'status');
    assert.match(b.message, /HTTP 503, expected 2xx or 3xx/);
    http.mode = 'healthy';
    assert.equal((await probe(spec)).state, 'healthy');
  });

  it('HTTP: expected status and body text', async () => {
    http.mode = 'unhealthy';
    assert.equal((await probe({ type: 'http', url: http.url, expectStatus: [503] })).state, 'healthy');
    http.mode = 'healthy';
    assert.equal((await probe({ type: 'http', url: http.url, expectStatus: 204 })).state, 'unhealthy');
    assert.equal((await probe({ type: 'http', url: http.url, bodyContains: 'systems go' })).state, 'healthy');
    const wrongBody = await probe({ type: 'http', url: http.url, bodyContains: 'database: up' });
    assert.equal(wrongBody.state, 'unhealthy');
    assert.equal(wrongBody.error, 'body');
    assert.match(wrongBody.message, /does not contain "database: up"/);
  });

  it('HTTP: a slow endpoint is healthy within the timeout, a timeout past it, and the latency shows it', async () => {
    http.mode = 'slow';
    http.delayMs = 250;
    const slow = await probe({ type: 'http', url: http.url, timeoutMs: 3000 });
    assert.equal(slow.state, 'healthy', slow.message);
    assert.ok(slow.latencyMs >= 240, `latency ${slow.latencyMs}`);
    http.mode = 'hang';
    const started = Date.now();
    const timedOut = await probe({ type: 'http', url: http.url, timeoutMs: 200 });
    assert.equal(timedOut.state, 'unhealthy');
    assert.equal(timedOut.error, 'timeout');
    assert.match(timedOut.message, /no answer within 200 ms/);
    assert.ok(Date.now() - started < 2000, 'the timeout ends the probe');
  });

  it('HTTP: connection refused is unhealthy with a clear message', async () => {
    const port = await closedPort();
    const r = await probe({ type: 'http', url: `http://127.0.0.1:${port}/healthz` });
    assert.equal(r.state, 'unhealthy');
    assert.equal(r.error, 'refused');
    assert.match(r.message, /connection refused/);
  });

  it('HTTPS: an untrusted self-signed certificate is a TLS error; trusted through ca it is healthy with its expiry', async () => {
    const untrusted = await probe({ type: 'http', url: https.url });
    assert.equal(untrusted.state, 'unhealthy');
    assert.equal(untrusted.error, 'tls');
    const trusted = await probe({ type: 'http', url: https.url, ca: longCert.cert });
    assert.equal(trusted.state, 'healthy', trusted.message);
    assert.ok(trusted.certificate && trusted.certificate.daysLeft > 89 && trusted.certificate.daysLeft <= 90, JSON.stringify(trusted.certificate));
    assert.match(trusted.certificate.subject, /CN=localhost/);
  });

  it('HTTPS and TLS: a certificate expiring within warnDays is degraded; past its end (clock moved) unhealthy', async () => {
    https.setCertificate(shortCert);
    const viaHttp = await probe({ type: 'http', url: https.url, ca: shortCert.cert, warnDays: 14 });
    assert.equal(viaHttp.state, 'degraded', viaHttp.message);
    assert.match(viaHttp.message, /expires in 2 days|expires in 3 days/);
    const tlsSpec: HealthCheckSpec = { type: 'tls', host: '127.0.0.1', port: https.port, ca: shortCert.cert, warnDays: 14 };
    const viaTls = await probe(tlsSpec);
    assert.equal(viaTls.state, 'degraded', viaTls.message);
    assert.equal((await probe({ ...tlsSpec, warnDays: 1 })).state, 'healthy');
    const later = await probe(tlsSpec, { now: () => Date.now() + 5 * DAY });
    assert.equal(later.state, 'unhealthy');
    assert.equal(later.error, 'expired');
    // switched back to the long certificate: healthy again
    https.setCertificate(longCert);
    assert.equal((await probe({ ...tlsSpec, ca: longCert.cert })).state, 'healthy');
  });

  it('TLS: insecure skips verification but still reports the expiry; a plain-HTTP port is a TLS error', async () => {
    https.setCertificate(shortCert);
    const insecure = await probe({ type: 'tls', host: '127.0.0.1', port: https.port, insecure: true });
    assert.equal(insecure.state, 'degraded');
    const plain = await probe({ type: 'tls', host: '127.0.0.1', port: http.port, timeoutMs: 2000 });
    assert.equal(plain.state, 'unhealthy');
    assert.ok(plain.error === 'tls' || plain.error === 'network', `${plain.error}: ${plain.message}`);
  });

  it('TCP: connect succeeds on a listener, is refused once it is closed', async () => {
    const tcp = await TcpEndpoint.start();
    const spec: HealthCheckSpec = { type: 'tcp', host: '127.0.0.1', port: tcp.port };
    assert.equal((await probe(spec)).state, 'healthy');
    await tcp.close();
    const refused = await probe(spec);
    assert.equal(refused.state, 'unhealthy');
    assert.equal(refused.error, 'refused');
  });

  it('probes many checks concurrently: 30 slow endpoints take about as long as one', async () => {
    http.mode = 'slow';
    http.delayMs = 300;
    const specs: HealthCheckSpec[] = Array.from({ length: 30 }, (_, i) => ({ type: 'http', url: `${http.url}?n=${i}`, timeoutMs: 5000 }));
    const started = performance.now();
    const results = await probeAll(specs);
    const wall = performance.now() - started;
    assert.equal(results.length, 30);
    assert.ok(results.every((r) => r.state === 'healthy'));
    assert.deepEqual(results.map((r) => r.check), specs.map((s) => `http ${(s as { url: string }).url}`), 'results in the order of the checks');
    assert.ok(wall < 300 * 5, `one round of 30 × 300 ms probes took ${Math.round(wall)} ms (sequential would be ≥ 9000)`);
  });

  it('history: p50 / p95 latency and uptime of real probes', async () => {
    const history = new HealthHistory();
    const spec: HealthCheckSpec = { type: 'http', url: http.url };
    for (let i = 0; i < 4; i++) history.record(await probe(spec));
    http.mode = 'unhealthy';
    history.record(await probe(spec));
    const stats = history.stats(`http ${http.url}`, Date.now());
    assert.equal(stats.samples, 5);
    assert.equal(stats.uptime, 0.8);
    assert.equal(stats.last, 'unhealthy');
    assert.ok(stats.p50 !== null && stats.p95 !== null && stats.p50 <= stats.p95);
  });
});
