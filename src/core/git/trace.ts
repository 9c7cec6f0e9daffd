/**
 * Timing of git work for benchmarks (the editor bench's breakdown of the first screen): when a
 * global array `__sdlcGitTrace` exists (a bench running in the same process creates it), every git
 * process and every snapshot is recorded with when it was asked for, started and ended
 * (performance.now()), and the moments the editor marks (traceMark: VS Code asking the Repositories
 * view for its items). Off otherwise: one global lookup per call.
 */
export interface GitTraceEvent {
  /** `git <args>` (credentials redacted), `turn: …` (the repository's queue) or `view: …` (a mark). */
  what: string;
  root: string;
  /** When the call was made; it may then wait for the repository's turn. */
  askedAt: number;
  startedAt: number;
  endedAt: number;
  failed?: boolean;
}

export function gitTraceSink(): GitTraceEvent[] | undefined {
  const sink = (globalThis as { __sdlcGitTrace?: unknown }).__sdlcGitTrace;
  return Array.isArray(sink) ? (sink as GitTraceEvent[]) : undefined;
}

/** Records an instant (asked, started and ended at once) when a bench listens: e.g. VS Code asking a view for its items. */
export function traceMark(what: string, root = ''): void {
  const sink = gitTraceSink();
  if (!sink) return;
  const now = performance.now();
  sink.push({ what, root, askedAt: now, startedAt: now, endedAt: now });
}
