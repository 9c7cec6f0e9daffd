/** `sdlc … | head`: a reader that goes away before the CLI writes must not crash it with EPIPE. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliProcessCommand, projectRoot } from './cliRunner';

describe('sdlc with a closed stdout (sdlc … | head)', () => {
  it('exits with the command\'s own code and no EPIPE stack when the reader closed the pipe first', async () => {
    const { args } = cliProcessCommand();
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [...args, '--help'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // the reader is gone before the first write
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.doesNotMatch(result.stderr, /EPIPE|Unhandled 'error' event/);
    assert.equal(result.code, 0, result.stderr);
  });
});
