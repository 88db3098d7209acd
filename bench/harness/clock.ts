// One wall clock for every benchmark process, so a stamp taken in the server can be compared with the client's.
import { performance } from 'node:perf_hooks';

/** Milliseconds since the epoch with sub-millisecond resolution; comparable across processes on one machine. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
