/**
 * Polls with backoff: `tick()` runs every `baseIntervalMs` while things change; each run that
 * reports `unchanged` (e.g. every answer was a 304) or fails doubles the wait, up to
 * `maxIntervalMs`; a change brings it back to the base. A primary rate limit waits until it resets,
 * a secondary one at least as long as GitHub asked. Paused (window unfocused) it does not run; on
 * resume it runs at once if a run came due meanwhile. Time comes from a `Clock` so tests advance
 * virtual time instead of sleeping.
 */
import { errorMessage } from '../errors';
import { silentLogger, type Logger } from '../log';
import { GitHubError } from './github';

export type TickResult = 'changed' | 'unchanged';

/** The time source of the poller; `systemClock` in production, a fake one in tests. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface PollerOptions {
  tick: () => Promise<TickResult>;
  /** Wait after a run that changed something (default 30 s). */
  baseIntervalMs?: number;
  /** Longest wait between runs while nothing changes or runs fail (default 5 min). */
  maxIntervalMs?: number;
  /** Added to a rate-limit reset time, so the next run comes after it (default 1 s). */
  resetMarginMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export class Poller {
  readonly baseIntervalMs: number;
  readonly maxIntervalMs: number;
  private readonly resetMarginMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private interval: number;
  private timer: unknown;
  private due: number | undefined;
  private started = false;
  private paused = false;
  private disposed = false;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: PollerOptions) {
    this.baseIntervalMs = Math.max(1, options.baseIntervalMs ?? 30_000);
    this.maxIntervalMs = Math.max(this.baseIntervalMs, options.maxIntervalMs ?? 300_000);
    this.resetMarginMs = options.resetMarginMs ?? 1000;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger;
    this.interval = this.baseIntervalMs;
  }

  /** Current backoff: the wait after the last run (before rate-limit waits). */
  get intervalMs(): number {
    return this.interval;
  }

  /** When the next run is due (clock time), undefined when none is scheduled. */
  get nextRunAt(): number | undefined {
    return this.due;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Starts polling: the first run comes after the base interval (the caller has just loaded). */
  start(): void {
    if (this.disposed || this.started) return;
    this.started = true;
    this.schedule(this.interval);
  }

  /** Stops running until `resume()`; a run in progress finishes. */
  pause(): void {
    if (this.disposed || this.paused) return;
    this.paused = true;
    this.cancelTimer();
  }

  /** Runs at once if a run came due while paused, else waits out the rest of the interval. */
  resume(): void {
    if (this.disposed || !this.paused) return;
    this.paused = false;
    if (!this.started || this.running) return;
    const due = this.due ?? this.clock.now();
    this.arm(Math.max(0, due - this.clock.now()));
  }

  /**
   * Runs now (also while paused, e.g. the user pressed Refresh) and resolves when done. During a
   * run, one more run follows it.
   */
  trigger(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running.then(() => this.running);
    }
    return this.run();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
    this.due = undefined;
  }

  private run(): Promise<void> {
    this.cancelTimer();
    const run = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.disposed) return;
      if (this.again) {
        this.again = false;
        void this.run();
      }
    });
    this.running = run;
    return run;
  }

  private async runOnce(): Promise<void> {
    let wait: number;
    try {
      const result = await this.options.tick();
      this.interval = result === 'changed' ? this.baseIntervalMs : Math.min(this.interval * 2, this.maxIntervalMs);
      wait = this.interval;
    } catch (e) {
      this.interval = Math.min(this.interval * 2, this.maxIntervalMs);
      wait = this.interval;
      if (e instanceof GitHubError && e.githubCode === 'RateLimited' && e.details.resetAt) {
        wait = Math.max(wait, e.details.resetAt.getTime() - this.clock.now() + this.resetMarginMs);
        this.log.warn(`polling waits for the rate limit to reset (${Math.round(wait / 1000)} s)`);
      } else if (e instanceof GitHubError && e.githubCode === 'SecondaryRateLimit' && e.details.retryAfterSeconds !== undefined) {
        wait = Math.max(wait, e.details.retryAfterSeconds * 1000);
        this.log.warn(`polling slows down as GitHub asked (${Math.round(wait / 1000)} s)`);
      } else {
        this.log.warn(`polling failed, next try in ${Math.round(wait / 1000)} s: ${errorMessage(e)}`);
      }
    }
    if (!this.disposed && this.started && !this.again) this.schedule(wait);
  }

  private schedule(ms: number): void {
    this.due = this.clock.now() + ms;
    if (!this.paused && !this.disposed) this.arm(ms);
  }

  private arm(ms: number): void {
    this.cancelTimer();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.paused && !this.disposed && !this.running) void this.run();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
