import * as assert from 'node:assert/strict';
import { GitHubError } from '../../../src/core/github/github';
import { Poller, type TickResult } from '../../../src/core/github/poller';
import { FakeClock, settle } from './fakeClock';

const S = 1000;

function setup(results: Array<TickResult | Error> = [], options: { base?: number; max?: number } = {}) {
  const clock = new FakeClock();
  const runs: number[] = [];
  let next = 0;
  let gate: Promise<void> | undefined;
  const poller = new Poller({
    clock,
    baseIntervalMs: options.base ?? 30 * S,
    maxIntervalMs: options.max ?? 300 * S,
    tick: async () => {
      runs.push(clock.now());
      if (gate) await gate;
      const r = results[Math.min(next++, results.length - 1)] ?? 'unchanged';
      if (r instanceof Error) throw r;
      return r;
    },
  });
  const start = clock.now();
  /** Seconds since start of each run. */
  const at = () => runs.map((t) => (t - start) / S);
  const block = (p: Promise<void> | undefined): void => {
    gate = p;
  };
  return { clock, poller, runs, at, block };
}

describe('Poller', () => {
  it('does not run before start and waits the base interval after start', async () => {
    const { clock, poller, at } = setup(['changed']);
    await clock.advance(100 * S);
    assert.deepEqual(at(), []);
    poller.start();
    await clock.advance(29 * S);
    assert.deepEqual(at(), []);
    await clock.advance(1 * S);
    assert.deepEqual(at(), [130]);
    poller.dispose();
  });

  it('doubles the interval while nothing changes, up to the maximum', async () => {
    const { clock, poller, at } = setup(['unchanged'], { base: 30 * S, max: 200 * S });
    poller.start();
    await clock.advance(1000 * S);
    // 30, then waits of 60, 120, 200, 200, 200 ...
    assert.deepEqual(at(), [30, 90, 210, 410, 610, 810]);
    assert.equal(poller.intervalMs, 200 * S);
    poller.dispose();
  });

  it('goes back to the base interval when a run reports a change', async () => {
    const { clock, poller, at } = setup(['unchanged', 'unchanged', 'changed', 'unchanged']);
    poller.start();
    await clock.advance(400 * S);
    // 30 → +60 = 90 → +120 = 210 (changed) → +30 = 240 → +60 = 300 → +120 = 420
    assert.deepEqual(at(), [30, 90, 210, 240, 300]);
    poller.dispose();
  });

  it('backs off on errors too', async () => {
    const { clock, poller, at } = setup([new Error('boom')]);
    poller.start();
    await clock.advance(250 * S);
    assert.deepEqual(at(), [30, 90, 210]);
    poller.dispose();
  });

  it('waits until a primary rate limit resets', async () => {
    const clock0 = new FakeClock();
    const resetAt = new Date(clock0.now() + 30 * S + 1000 * S); // resets 1000 s after the first run
    const { clock, poller, at } = setup([new GitHubError('RateLimited', 'limited', { status: 403, resetAt }), 'changed']);
    poller.start();
    await clock.advance(1000 * S);
    assert.deepEqual(at(), [30]);
    assert.equal(poller.nextRunAt, resetAt.getTime() + 1000);
    await clock.advance(30 * S);
    assert.deepEqual(at(), [30]);
    await clock.advance(1 * S);
    assert.deepEqual(at(), [30, 1031]);
    poller.dispose();
  });

  it('waits at least as long as a secondary rate limit asks', async () => {
    const { clock, poller, at } = setup([new GitHubError('SecondaryRateLimit', 'slow down', { status: 403, retryAfterSeconds: 500 }), 'changed']);
    poller.start();
    await clock.advance(600 * S);
    assert.deepEqual(at(), [30, 530, 560, 590]);
    poller.dispose();
  });

  it('does not run while paused and runs at once on resume when a run came due', async () => {
    const { clock, poller, at } = setup(['changed']);
    poller.start();
    poller.pause();
    await clock.advance(100 * S);
    assert.deepEqual(at(), []);
    assert.equal(clock.pendingTimers, 0);
    poller.resume();
    await settle();
    await clock.advance(0);
    assert.deepEqual(at(), [100]);
    await clock.advance(30 * S);
    assert.deepEqual(at(), [100, 130]);
    poller.dispose();
  });

  it('on resume before the run is due, waits the rest of the interval', async () => {
    const { clock, poller, at } = setup(['changed']);
    poller.start();
    await clock.advance(10 * S);
    poller.pause();
    await clock.advance(5 * S);
    poller.resume();
    await clock.advance(14 * S);
    assert.deepEqual(at(), []);
    await clock.advance(1 * S);
    assert.deepEqual(at(), [30]);
    poller.dispose();
  });

  it('trigger runs at once, even while paused, and the schedule restarts from it', async () => {
    const { clock, poller, at } = setup(['unchanged', 'changed']);
    poller.start();
    await clock.advance(10 * S);
    await poller.trigger();
    assert.deepEqual(at(), [10]);
    assert.equal(poller.nextRunAt, clock.now() + 60 * S);
    poller.pause();
    await poller.trigger();
    assert.deepEqual(at(), [10, 10]);
    await clock.advance(100 * S);
    assert.deepEqual(at(), [10, 10]);
    poller.dispose();
  });

  it('never runs two ticks at once; a trigger during a run queues one more', async () => {
    const { clock, poller, runs, block } = setup(['changed']);
    let release!: () => void;
    block(new Promise<void>((r) => (release = r)));
    poller.start();
    await clock.advance(30 * S);
    assert.equal(runs.length, 1);
    assert.equal(poller.isRunning, true);
    const t1 = poller.trigger();
    const t2 = poller.trigger();
    await clock.advance(500 * S); // timers must not start another run meanwhile
    assert.equal(runs.length, 1);
    block(undefined);
    release();
    await Promise.all([t1, t2]);
    assert.equal(runs.length, 2);
    poller.dispose();
  });

  it('stops for good after dispose, also when disposed during a run', async () => {
    const { clock, poller, runs, block } = setup(['changed']);
    let release!: () => void;
    block(new Promise<void>((r) => (release = r)));
    poller.start();
    await clock.advance(30 * S);
    poller.dispose();
    block(undefined);
    release();
    await settle();
    await clock.advance(1000 * S);
    assert.equal(runs.length, 1);
    assert.equal(clock.pendingTimers, 0);
    await poller.trigger();
    assert.equal(runs.length, 1);
  });

  it('start twice schedules once', async () => {
    const { clock, poller, at } = setup(['changed']);
    poller.start();
    poller.start();
    await clock.advance(30 * S);
    assert.deepEqual(at(), [30]);
    poller.dispose();
  });
});
