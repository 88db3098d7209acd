// Driving an upstream event source: abortable iteration, and releasing a source that will not be read.
import type { EventSource, EventSourceFactory } from './types';

export const ABORTED = Symbol('aborted');

/** Resolves with ABORTED once the signal fires; made once per source, then raced against every step. */
export function whenAborted(signal: AbortSignal): Promise<typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(ABORTED), { once: true }));
}

/** The next upstream step, or ABORTED as soon as `aborted` settles, even while the upstream is silent. */
export async function nextOrAbort<T>(
  iterator: AsyncIterator<T>,
  aborted: Promise<typeof ABORTED>,
  signal: AbortSignal,
): Promise<IteratorResult<T> | typeof ABORTED> {
  if (signal.aborted) return ABORTED;
  const next = iterator.next();
  // The race may leave `next` pending; its eventual rejection must not surface as unhandled.
  next.catch(() => undefined);
  return Promise.race([next, aborted]);
}

/**
 * Ends an iterator without waiting: an async generator parked in an `await` only handles `return()` after
 * that await settles, and a stalled upstream may never settle, so nobody may block on it.
 */
export function closeIterator(iterator: AsyncIterator<unknown>): void {
  void Promise.resolve()
    .then(() => iterator.return?.())
    .catch(() => undefined);
}

/** A source handed over for a claim that failed: a factory is simply never called (R19). */
export function releaseSource(source: EventSource | EventSourceFactory): void {
  if (typeof source === 'function') return;
  try {
    closeIterator(source[Symbol.asyncIterator]());
  } catch {
    // A source whose iterator cannot even be created holds nothing to release.
  }
}
