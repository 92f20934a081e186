/**
 * Measures for the bounded-memory and linear-time promises (issue 15 part B): heap after a real
 * GC, and time per call against an in-process baseline on the same input (never absolute times).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after two full collections. */
export function settledHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Median nanoseconds per call of fn(input) over `reps` calls, in 7 rounds (first one discarded as warm-up). */
export function nsPerCall<T>(fn: (x: T) => unknown, input: T, reps: number): number {
  const rounds: number[] = [];
  for (let r = 0; r < 8; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn(input);
    rounds.push(Number(process.hrtime.bigint() - t0) / reps);
  }
  rounds.shift();
  rounds.sort((a, b) => a - b);
  return rounds[rounds.length >> 1]!;
}

/** Ratio of fn's time to JSON.stringify's on the same input, in the same process. */
export function ratioToStringify<T>(fn: (x: T) => unknown, input: T, reps: number): number {
  const base = nsPerCall((x) => JSON.stringify(x), input, reps);
  const own = nsPerCall(fn, input, reps);
  return own / Math.max(base, 1);
}

/** Best (minimum) nanoseconds per call over 9 rounds of `reps` calls: on a loaded machine the minimum is the least noisy estimate. */
export function bestNsPerCall<T>(fn: (x: T) => unknown, input: T, reps: number): number {
  let best = Infinity;
  for (let r = 0; r < 9; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn(input);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / reps);
  }
  return best;
}

/** As ratioToStringify, from the best rounds of each side. */
export function bestRatioToStringify<T>(fn: (x: T) => unknown, input: T, reps: number): number {
  fn(input);
  const base = bestNsPerCall((x) => JSON.stringify(x), input, reps);
  return bestNsPerCall(fn, input, reps) / Math.max(base, 1);
}
