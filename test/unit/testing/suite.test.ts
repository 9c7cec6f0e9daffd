import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SdlcError } from '../../../src/core/errors';
import { detectSuites, guessKind } from '../../../src/core/testing/suite';

describe('testing/suite', () => {
  it('guesses the kind from the name', () => {
    const cases: Record<string, string> = {
      test: 'unit',
      'test:unit': 'unit',
      'test:e2e': 'acceptance',
      'test:acceptance': 'acceptance',
      'test:security': 'security',
      'audit:test': 'security',
      'test:regression': 'regression',
      'test:integration': 'integration',
      'test:int': 'integration',
      'test-api': 'integration',
      'test:components': 'unit',
    };
    for (const [name, kind] of Object.entries(cases)) assert.equal(guessKind(name), kind, name);
  });

  describe('detectSuites', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sdlc-detect-'));
    });
    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('finds test scripts, leaves out watch/coverage variants, adds a reporter for mocha and node --test', async () => {
      const scripts = {
        build: 'tsc',
        test: 'mocha',
        'test:unit': 'node --test',
        'test:integration': 'node --test test/integration',
        'test:e2e': 'playwright test',
        'test:watch': 'mocha --watch',
        'test:coverage': 'c8 mocha',
        'security:test': 'npm audit',
        pretest: 'npm run build',
        'test:api': 'mocha --reporter spec',
      };
      await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts }));
      const suites = await detectSuites(dir);
      assert.deepEqual(
        suites.map((s) => [s.name, s.kind, (s.command as string[]).join(' '), s.report?.format ?? null]),
        [
          ['test', 'unit', 'npm test --silent -- --reporter json', 'mocha-json'],
          ['test:unit', 'unit', 'npm run test:unit --silent -- --test-reporter=tap', 'tap'],
          ['test:integration', 'integration', 'npm run test:integration --silent', null],
          ['test:e2e', 'acceptance', 'npm run test:e2e --silent', null],
          ['security:test', 'security', 'npm run security:test --silent', null],
          ['test:api', 'integration', 'npm run test:api --silent', null],
        ],
      );
      assert.ok(suites.every((s) => s.cwd === dir && s.origin === 'detected'));
    });

    it('no package.json → no suites; invalid JSON → a clear error', async () => {
      assert.deepEqual(await detectSuites(dir), []);
      await fs.writeFile(path.join(dir, 'package.json'), '{ nope');
      await assert.rejects(detectSuites(dir), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidPackageJson');
    });
  });
});
