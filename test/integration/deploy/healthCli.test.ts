import { strict as assert } from 'node:assert';
import type { HealthDocument } from '../../../src/cli/health';
import { parseError, runInProcess } from '../cli/cliRunner';
import { initRepo, removeDir, tempDir, writeFile } from '../cli/tempRepo';
import { closedPort, selfSignedCertificate, SwitchableEndpoint, TcpEndpoint } from './endpoints';

describe('sdlc health', function () {
  this.timeout(20000);
  let dir: string;
  let web: SwitchableEndpoint;
  let secure: SwitchableEndpoint;
  let tcp: TcpEndpoint;

  before(async () => {
    const cert = await selfSignedCertificate(5);
    web = await SwitchableEndpoint.start();
    secure = await SwitchableEndpoint.start({ tls: cert });
    tcp = await TcpEndpoint.start();
    dir = initRepo(tempDir());
    writeFile(dir, 'certs/ca.pem', cert.cert);
    writeFile(
      dir,
      '.sdlc.json',
      JSON.stringify({
        environments: [
          { name: 'staging', health: web.url },
          {
            name: 'production',
            health: [{ name: 'db', host: '127.0.0.1', port: tcp.port }],
            targets: ['eu-1', { name: 'us-1', health: { name: 'api', url: secure.url, caFile: 'certs/ca.pem', warnDays: 14 } }],
          },
          { name: 'preview' },
        ],
      }),
    );
  });
  after(async () => {
    await web.close();
    await secure.close();
    await tcp.close();
    removeDir(dir);
  });

  it('probes every environment once; a certificate expiring soon is degraded but not a failure', async () => {
    const r = await runInProcess(['health', '--json', '--cwd', dir]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as HealthDocument;
    assert.equal(doc.healthy, true);
    assert.deepEqual(doc.environments.map((e) => [e.name, e.state]), [['staging', 'healthy'], ['production', 'degraded'], ['preview', 'unknown']]);
    const prod = doc.environments[1];
    assert.deepEqual(prod.checks.map((c) => [c.target, c.name, c.type, c.state]), [[null, 'db', 'tcp', 'healthy'], ['us-1', 'api', 'http', 'degraded']]);
    assert.ok(prod.checks[1].certificate!.daysLeft < 6);
  });

  it('exits 1 when an environment is unhealthy, and --env limits the probe', async () => {
    web.mode = 'unhealthy';
    try {
      const all = await runInProcess(['health', '--json', '--cwd', dir]);
      assert.equal(all.code, 1);
      const doc = JSON.parse(all.stdout) as HealthDocument;
      assert.equal(doc.healthy, false);
      assert.equal(doc.environments[0].checks[0].status, 503);
      const prod = await runInProcess(['health', '--env', 'production', '--json', '--cwd', dir]);
      assert.equal(prod.code, 0, prod.stderr);
      assert.deepEqual((JSON.parse(prod.stdout) as HealthDocument).environments.map((e) => e.name), ['production']);
      const text = await runInProcess(['health', '--cwd', dir]);
      assert.equal(text.code, 1);
      assert.match(text.stdout, /✗ staging: unhealthy/);
      assert.match(text.stdout, /UNHEALTHY/);
    } finally {
      web.mode = 'healthy';
    }
  });

  it('refused and timeout are unhealthy', async () => {
    const port = await closedPort();
    const d = initRepo(tempDir());
    try {
      web.mode = 'hang';
      writeFile(d, '.sdlc.json', JSON.stringify({ environments: [{ name: 'a', health: { url: `http://127.0.0.1:${port}/` } }, { name: 'b', health: { url: web.url, timeoutMs: 150 } }] }));
      const r = await runInProcess(['health', '--json', '--cwd', d]);
      assert.equal(r.code, 1);
      const doc = JSON.parse(r.stdout) as HealthDocument;
      assert.deepEqual(doc.environments.map((e) => e.checks[0].error), ['refused', 'timeout']);
    } finally {
      web.mode = 'healthy';
      removeDir(d);
    }
  });

  it('bad input: unknown environment, an environment without checks, an incomplete check (exit 2)', async () => {
    const unknown = await runInProcess(['health', '--env', 'qa', '--json', '--cwd', dir]);
    assert.equal(unknown.code, 2);
    const e1 = parseError(unknown.stderr);
    assert.equal(e1.code, 'UnknownEnvironment');
    assert.match(e1.message, /known: staging, production, preview/);
    const none = await runInProcess(['health', '--env', 'preview', '--json', '--cwd', dir]);
    assert.equal(none.code, 2);
    assert.equal(parseError(none.stderr).code, 'NoHealthChecks');
    const d = initRepo(tempDir());
    try {
      writeFile(d, '.sdlc.json', JSON.stringify({ environments: [{ name: 'a', health: { type: 'tcp', host: 'db' } }] }));
      const r = await runInProcess(['health', '--json', '--cwd', d]);
      assert.equal(r.code, 2);
      assert.match(parseError(r.stderr).message, /a tcp check needs "host" and "port"/);
    } finally {
      removeDir(d);
    }
  });
});
