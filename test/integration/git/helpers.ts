import * as assert from 'node:assert/strict';
import type { Logger } from '../../../src/core/log';
import { GitError, type GitErrorCode } from '../../../src/core/git/gitError';

/** A logger that keeps every line, to assert on `> git …` lines. */
export function captureLogger(): Logger & { lines: string[]; gitLines(): string[] } {
  const lines: string[] = [];
  const push = (m: string | Error) => lines.push(m instanceof Error ? m.message : m);
  return {
    lines,
    gitLines: () => lines.filter((l) => l.startsWith('> git ')),
    trace: push,
    debug: push,
    info: push,
    warn: push,
    error: push,
  };
}

/** Awaits `promise`, expecting a GitError with `code`; returns it. */
export async function rejectsWith(promise: Promise<unknown>, code: GitErrorCode): Promise<GitError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof GitError, `expected a GitError, got ${String(e)}`);
    assert.equal(e.gitCode, code, `expected ${code}, got ${e.gitCode}: ${e.message}`);
    assert.ok(e.message.length > 20);
    return e;
  }
  assert.fail(`expected GitError ${code}, but it succeeded`);
}

export const GIT_LINE = /^> git .+ \[\d+ms\]/;
