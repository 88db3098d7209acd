// Driving an upstream event source: abortable iteration, and releasing a source that will not be read.
import type { EventSource, EventSourceFactory } from './types';

export const ABORTED = Symbol('aborted');

/**
 * Steps through an upstream iterator, answering ABORTED as soon as the signal fires, even while the upstream
 * is silent. Not `Promise.race([next, aborted])` per step: each race leaves a reaction on the one abort
 * promise, holding that step's result, so a generation kept every event it had streamed until it ended
 * (about 600 bytes per event). Here only the pending step can be woken, and nothing outlives its step.
 */
export class AbortableSteps<T> {
  private wakePending: ((aborted: typeof ABORTED) => void) | undefined;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => this.wakePending?.(ABORTED), { once: true });
  }

  next(): Promise<IteratorResult<T> | typeof ABORTED> {
    if (this.signal.aborted) return Promise.resolve(ABORTED);
    const next = this.iterator.next();
    return new Promise((resolve, reject) => {
      this.wakePending = resolve;
      // Settling an answered promise is a no-op: a step that loses to the abort is simply dropped, and its
      // rejection is handled here rather than surfacing as unhandled.
      next.then(resolve, reject);
    });
  }
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
