import { strict as assert } from 'node:assert';
import { parseCommandLine } from '../../../src/cli/args';
import { COMMANDS } from '../../../src/cli/commands';
import { SdlcError } from '../../../src/core/errors';

describe('cli/args: parseCommandLine', () => {
  const ok: Array<{ argv: string[]; command: string | null; positionals?: string[]; values?: Record<string, unknown>; global?: Record<string, unknown> }> = [
    { argv: [], command: null },
    { argv: ['--help'], command: null, global: { help: true } },
    { argv: ['-h'], command: null, global: { help: true } },
    { argv: ['--version'], command: null, global: { version: true } },
    { argv: ['repo'], command: 'repo', global: { json: false, verbose: false, cwd: undefined } },
    { argv: ['repo', '--json'], command: 'repo', global: { json: true } },
    { argv: ['--json', 'repo', '--cwd', '/tmp/x'], command: 'repo', global: { json: true, cwd: '/tmp/x' } },
    { argv: ['repo', '--cwd=/tmp/y', '--verbose'], command: 'repo', global: { cwd: '/tmp/y', verbose: true } },
    { argv: ['repo', '--help'], command: 'repo', global: { help: true } },
    { argv: ['audit', 'verify', '--json'], command: 'audit verify', global: { json: true } },
    { argv: ['audit', 'verify', '--file', 'a.jsonl'], command: 'audit verify', values: { file: 'a.jsonl' } },
    { argv: ['audit', 'record', '--action', 'deploy.manual', '--subject', 'env=prod', '--subject', 'ref=v1'], command: 'audit record', values: { action: 'deploy.manual', subject: ['env=prod', 'ref=v1'] } },
    { argv: ['bump'], command: 'bump', positionals: [] },
    { argv: ['bump', 'minor', '--dry-run', '--preid', 'rc'], command: 'bump', positionals: ['minor'], values: { 'dry-run': true, preid: 'rc' } },
    { argv: ['release', '--tag', 'v1', '--asset', 'a.tgz', '--asset', 'b.zip', '--draft'], command: 'release', values: { tag: 'v1', asset: ['a.tgz', 'b.zip'], draft: true } },
    { argv: ['deploy', '--env', 'prod', '--ref', 'v1', '--yes'], command: 'deploy', values: { env: 'prod', ref: 'v1', yes: true } },
    { argv: ['test', '--report', 'r.xml', '--format', 'junit'], command: 'test', values: { report: 'r.xml', format: 'junit' } },
    { argv: ['audit', '--help'], command: null, global: { help: true } },
  ];
  for (const c of ok) {
    it(`accepts: sdlc ${c.argv.join(' ')}`, () => {
      const parsed = parseCommandLine(c.argv, COMMANDS);
      assert.equal(parsed.command?.name ?? null, c.command);
      if (c.positionals) assert.deepEqual(parsed.positionals, c.positionals);
      if (c.values) assert.deepEqual(parsed.values, c.values);
      for (const [k, v] of Object.entries(c.global ?? {})) assert.deepEqual(parsed.global[k as keyof typeof parsed.global], v, k);
    });
  }

  const bad: Array<{ argv: string[]; code: string; message?: RegExp }> = [
    { argv: ['repo', '--frobnicate'], code: 'UnknownOption', message: /--frobnicate/ },
    { argv: ['--nope'], code: 'UnknownOption' },
    { argv: ['repo', '--tag', 'v1'], code: 'UnknownOption', message: /Unknown option '--tag' for 'sdlc repo'/ },
    { argv: ['repo', '--cwd'], code: 'BadUsage', message: /--cwd/ },
    { argv: ['repo', '--json=yes'], code: 'BadUsage' },
    { argv: ['frob'], code: 'UnknownCommand', message: /Unknown command 'frob'/ },
    { argv: ['audit'], code: 'UnknownCommand', message: /needs a subcommand: 'sdlc audit verify'/ },
    { argv: ['audit', 'wipe'], code: 'UnknownCommand', message: /Unknown command 'sdlc audit wipe'/ },
    { argv: ['repo', 'extra'], code: 'BadUsage', message: /Unexpected argument 'extra'/ },
    { argv: ['bump', 'minor', 'major'], code: 'BadUsage', message: /Unexpected argument 'major'/ },
  ];
  for (const c of bad) {
    it(`refuses (usage, ${c.code}): sdlc ${c.argv.join(' ')}`, () => {
      assert.throws(
        () => parseCommandLine(c.argv, COMMANDS),
        (e: unknown) => {
          assert.ok(e instanceof SdlcError, String(e));
          assert.equal(e.code, c.code, e.message);
          assert.equal(e.usage, true);
          if (c.message) assert.match(e.message, c.message);
          return true;
        },
      );
    });
  }
});
