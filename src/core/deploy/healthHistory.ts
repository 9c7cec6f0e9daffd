/**
 * What the probes of a check said over time: latency percentiles (p50 / p95 of the answers) and
 * uptime (share of probes that were not unhealthy) over a sliding window, one hour by default.
 * Time comes from the caller (an injectable clock), so the window is testable without waiting.
 */
import type { HealthState, ProbeResult } from './health';

export interface HealthSample {
  /** Milliseconds since the epoch. */
  at: number;
  latencyMs: number;
  state: HealthState;
}

export interface HealthStats {
  samples: number;
  /** Median latency of the probes in the window that got an answer; null without any. */
  p50: number | null;
  p95: number | null;
  /** 0..1, null without samples. */
  uptime: number | null;
  last: HealthState | null;
}

export const HOUR_MS = 3_600_000;

export class HealthHistory {
  private readonly samples = new Map<string, HealthSample[]>();

  constructor(private readonly windowMs = HOUR_MS) {}

  /** Records a probe; returns the previous state of the check (null for its first probe). */
  record(result: Pick<ProbeResult, 'check' | 'latencyMs' | 'state' | 'at'>, at = Date.parse(result.at)): HealthState | null {
    const list = this.samples.get(result.check) ?? [];
    const previous = list.length > 0 ? list[list.length - 1].state : null;
    list.push({ at, latencyMs: result.latencyMs, state: result.state });
    this.samples.set(result.check, list);
    this.trim(result.check, at);
    return previous;
  }

  stats(check: string, now: number): HealthStats {
    this.trim(check, now);
    const list = this.samples.get(check) ?? [];
    if (list.length === 0) return { samples: 0, p50: null, p95: null, uptime: null, last: null };
    const answered = list.filter((s) => s.state !== 'unhealthy').map((s) => s.latencyMs);
    const up = list.filter((s) => s.state !== 'unhealthy').length;
    return {
      samples: list.length,
      p50: percentile(answered, 50),
      p95: percentile(answered, 95),
      uptime: up / list.length,
      last: list[list.length - 1].state,
    };
  }

  checks(): string[] {
    return [...this.samples.keys()];
  }

  private trim(check: string, now: number): void {
    const list = this.samples.get(check);
    if (!list) return;
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < list.length && list[drop].at < from) drop++;
    if (drop > 0) list.splice(0, drop);
  }
}

/** Nearest-rank percentile (p in 0..100) of the values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Delay before the next background probe: the interval while healthy, doubled per consecutive
 * failure up to `max` (so a down endpoint is not hammered), back to the interval on success.
 */
export function nextProbeDelay(intervalMs: number, consecutiveFailures: number, maxMs = Math.max(intervalMs, 5 * 60_000)): number {
  if (consecutiveFailures <= 0) return intervalMs;
  return Math.min(maxMs, intervalMs * 2 ** Math.min(consecutiveFailures, 20));
}
