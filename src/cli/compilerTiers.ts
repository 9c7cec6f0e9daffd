/**
 * V8 settings for a short CLI process: TurboFan held back and the young generation held at its first
 * size while `sdlc repo` reads, scavenges on the main thread for the whole process. Each is left as it
 * is when node was started with a flag for it, and only set on the V8 versions it was measured with.
 *
 * V8's optimizing compiler (TurboFan) held back while a command does short work. A `sdlc repo` whose
 * ahead/behind counts are all kept from an earlier run does one pass over each of its inputs (10,000
 * refs, as many configuration entries, the JSON), ~150 ms in all: TurboFan still compiles ~19 of its
 * functions on a second thread, which costs that run ~130 ms of CPU, ~3,000 page faults and 30–60 ms of
 * wall time on the bench machine (two cores, the git processes on the other), and the optimized code
 * hardly runs before the process exits. Work that loops over many thousands of commits (counting a
 * graph) needs it, so it is turned back on there.
 *
 * The flag is turned back on before the command returns: the code cache (codeCache.ts), written as
 * the process exits, records V8's flags, and one made under other flags is rejected by the next run.
 */
import { setFlagsFromString } from 'node:v8';

/**
 * The V8 versions whose `--turbofan` flag this was measured with (node 20: 11.3; node 22 and 24 have
 * it too). V8 prints an unknown flag's name to stdout, where it would break a JSON document, so on
 * any other version nothing is changed.
 */
const KNOWN_V8_MAJORS = [11, 12, 13];

/** Flags by which whoever started node chose the compilers (node's arguments: NODE_OPTIONS takes none of them). */
const COMPILER_FLAGS = /(?:^|\s)--(?:no-)?(?:opt|turbofan|jitless|max-opt)\b/;
/** Flags by which whoever started node chose how the young generation is collected. */
const SCAVENGE_FLAGS = /(?:^|\s)--(?:no-)?(?:parallel-scavenge|single-threaded-gc|single-threaded)\b/;
/** Flags by which whoever started node chose the young generation's size. */
const YOUNG_GENERATION_FLAGS = /(?:^|\s)--(?:semi-space-growth-factor|min-semi-space-size|max-semi-space-size)\b/;

/** The major version of a V8 version string (`11.3.244.8-node.33` → 11). */
const major = (v8Version: string) => Number(v8Version.split('.')[0]);
/** Whether node was started with one of these flags (they are then left as they are). */
const startedWith = (flags: RegExp) => flags.test(process.execArgv.join(' '));

/** Holds TurboFan back; the function returned (safe to call more than once) turns it back on. */
export function holdOptimizingCompiler(v8Version = process.versions.v8): () => void {
  if (!KNOWN_V8_MAJORS.includes(major(v8Version)) || startedWith(COMPILER_FLAGS)) return () => undefined;
  return setUntil('--no-turbofan', '--turbofan');
}

/** Sets `flag` now; the function returned (safe to call more than once) sets `back`. */
function setUntil(flag: string, back: string): () => void {
  setFlagsFromString(flag);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    setFlagsFromString(back);
  };
}

/**
 * Scavenges (V8's collections of the young generation) on the main thread alone, for the whole
 * process. A `sdlc repo` on 5,000 branches keeps nearly everything it allocates (the refs, the
 * configuration, the document), so each of its ~7 scavenges copies most of what it finds; in parallel
 * they also wait for helper threads that the git processes hold off the second of two cores. On the
 * bench machine its scavenges took 42 ms in all with helpers and 29 ms without, the process 4–5 ms
 * less (30 interleaved pairs). Set first (cliEntry) and never turned back, so every code cache is
 * checked and written under one set of flags (this flag is not among those a cache records, measured
 * on node 20, but a later V8 may count it).
 */
export function scavengeOnMainThread(v8Version = process.versions.v8): void {
  if (!KNOWN_V8_MAJORS.includes(major(v8Version)) || startedWith(SCAVENGE_FLAGS)) return;
  setFlagsFromString('--no-parallel-scavenge');
}

/**
 * Holds V8's young generation at its first size (1 MB semi-spaces) while a command does short work:
 * on the bench machine a page of fresh memory costs ~10 µs to touch, and a `sdlc repo` on 5,000
 * branches grew the young generation to 4 MB semi-spaces (~1,000 pages more) for data it keeps anyway.
 * Held, it runs more, smaller scavenges and was 16 ms faster (40 interleaved pairs); a bump or changelog
 * over 10,000 commits allocates more short-lived objects and is slower held, so only `repo` holds it.
 * Like TurboFan, the flag is part of what a code cache is checked against: it is set after the
 * cache was checked and put back before the command returns. Only on V8 11 (node 20), the version
 * this was measured with.
 */
export function holdYoungGeneration(v8Version = process.versions.v8): () => void {
  if (major(v8Version) !== 11 || startedWith(YOUNG_GENERATION_FLAGS)) return () => undefined;
  return setUntil('--semi-space-growth-factor=1', '--semi-space-growth-factor=2');
}
