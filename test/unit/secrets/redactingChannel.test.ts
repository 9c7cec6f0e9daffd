import { strict as assert } from 'node:assert';
import type * as vscode from 'vscode';
import { registerSecret } from '../../../src/core/secrets';
import { redactingLogChannel } from '../../../src/vscode/redactingChannel';

describe("the editor's log channel redacts every line", () => {
  it('trace/debug/info/warn/error/append/appendLine/replace are masked; other members are the channel’s own', () => {
    const written: string[] = [];
    const fake = {
      name: 'SDLC',
      logLevel: 2,
      shown: 0,
      trace: (m: string) => written.push(`trace ${m}`),
      debug: (m: string) => written.push(`debug ${m}`),
      info: (m: string, ...args: unknown[]) => written.push(`info ${m} ${args.join(' ')}`.trim()),
      warn: (m: string) => written.push(`warn ${m}`),
      error: (m: string | Error) => written.push(`error ${String(m)}`),
      append: (m: string) => written.push(`append ${m}`),
      appendLine: (m: string) => written.push(`appendLine ${m}`),
      replace: (m: string) => written.push(`replace ${m}`),
      show(this: { shown: number }) {
        this.shown++;
      },
    };
    const forget = registerSecret('session-token-abc123');
    try {
      const log = redactingLogChannel(fake as unknown as vscode.LogOutputChannel);
      log.trace('t session-token-abc123');
      log.debug('> git push https://session-token-abc123@github.com/o/r.git');
      log.info('i', 'session-token-abc123');
      log.warn('w ?access_token=zzz999');
      log.error(new Error('e session-token-abc123'));
      log.append('a session-token-abc123');
      log.appendLine('l session-token-abc123');
      log.replace('r session-token-abc123');
      log.show(true);
      assert.equal(log.name, 'SDLC');
      assert.equal(fake.shown, 1);
    } finally {
      forget();
    }
    assert.ok(written.every((l) => !l.includes('session-token-abc123') && !l.includes('zzz999')), written.join('\n'));
    assert.deepEqual(written.slice(0, 4), ['trace t ***', 'debug > git push https://***@github.com/o/r.git', 'info i ***', 'warn w ?access_token=***']);
    assert.match(written[4], /^error Error: e \*\*\*/);
  });
});
