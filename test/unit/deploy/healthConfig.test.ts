import { strict as assert } from 'node:assert';
import { environmentChecks } from '../../../src/core/deploy/healthConfig';
import { validateConfigText } from '../../../src/core/config/config';
import { SdlcError } from '../../../src/core/errors';

const read = (files: Record<string, string>) => async (file: string) => {
  if (file in files) return files[file];
  throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
};

describe('deploy/healthConfig', () => {
  it('turns .sdlc.json health (URL, check, list; environment and targets) into probe specs', async () => {
    const { config, problems } = validateConfigText(
      JSON.stringify({
        environments: [
          {
            name: 'production',
            health: 'https://example.com/healthz',
            targets: [
              'eu-1',
              { name: 'us-1', health: [{ name: 'db', host: 'db.internal', port: 5432 }, { type: 'tls', url: 'https://us.example.com:8443/', warnDays: 7, caFile: 'ca.pem' }, { url: 'https://us.example.com/', expectStatus: [200, 204], bodyContains: 'ok', timeoutMs: 900 }] },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(problems, []);
    const checks = await environmentChecks(config.environments![0], '/repo', read({ '/repo/ca.pem': 'PEM' }));
    assert.deepEqual(
      checks.map((c) => [c.target, c.spec]),
      [
        [null, { type: 'http', url: 'https://example.com/healthz' }],
        ['us-1', { type: 'tcp', host: 'db.internal', port: 5432, name: 'db' }],
        ['us-1', { type: 'tls', host: 'us.example.com', port: 8443, ca: 'PEM', warnDays: 7 }],
        ['us-1', { type: 'http', url: 'https://us.example.com/', timeoutMs: 900, expectStatus: [200, 204], bodyContains: 'ok' }],
      ],
    );
  });

  it('the validator reports bad health shapes with positions; incomplete checks and unreadable CA files are usage errors', async () => {
    const { problems } = validateConfigText('{ "environments": [{ "name": "a", "health": { "type": "udp", "port": 0 } }] }');
    assert.deepEqual(problems.map((p) => p.path).sort(), ['environments[0].health.port', 'environments[0].health.type']);
    const bad = async (health: unknown) => environmentChecks({ name: 'a', health: health as never }, '/repo', read({}));
    await assert.rejects(bad({ type: 'http' }), (e: unknown) => e instanceof SdlcError && e.usage && /needs "url"/.test(e.message));
    await assert.rejects(bad({ type: 'tls' }), (e: unknown) => e instanceof SdlcError && /needs "host"/.test(e.message));
    await assert.rejects(bad({ url: 'https://x/', caFile: 'nope.pem' }), (e: unknown) => e instanceof SdlcError && /Cannot read the CA file \/repo\/nope.pem/.test(e.message));
  });
});
