// Drives an engine read session into a transport (SSE or s2s): batches, heartbeats, backpressure, teardown.
import type { ReadSession, ReadSessionEvent, StreamPosition } from '../engine/index';
import { drained, type WireResponse } from './http-io';

/** Default gap between heartbeats while nothing else is sent (S2 sends them 5–15 s apart). */
export const DEFAULT_HEARTBEAT_MS = 10_000;

type BatchEvent = Extract<ReadSessionEvent, { type: 'batch' }>;

/** How one transport writes session events. Each write returns false when the transport is backed up. */
export interface ReadSessionSink {
  batch(event: BatchEvent): boolean;
  heartbeat(tail: StreamPosition): boolean;
  /** The session is over normally (limits reached, wait budget spent). */
  end(): void;
  /** The session failed after it started. */
  fail(error: unknown): void;
}

export interface PumpOptions {
  heartbeatMs: number;
  /** Aborted when the client goes away or the server shuts down. */
  signal: AbortSignal;
}

/**
 * Pumps `session` into `sink` until it ends, fails or `signal` aborts. A heartbeat is due whenever
 * nothing was written for `heartbeatMs`; the engine's `caught_up` event is written as one at once.
 */
export async function pumpReadSession(
  session: ReadSession,
  sink: ReadSessionSink,
  res: WireResponse,
  options: PumpOptions,
): Promise<void> {
  const { signal, heartbeatMs } = options;
  let timer: NodeJS.Timeout | undefined;
  const beat = (): void => {
    if (signal.aborted) return;
    let tail: StreamPosition;
    try {
      tail = session.tail();
    } catch {
      return;
    }
    sink.heartbeat(tail);
    arm();
  };
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(beat, heartbeatMs);
  };
  const stop = (): void => session.close();
  signal.addEventListener('abort', stop, { once: true });
  const iterator = session[Symbol.asyncIterator]();
  try {
    arm();
    while (!signal.aborted) {
      const step = await iterator.next();
      if (step.done || signal.aborted) break;
      const event = step.value;
      let writable: boolean;
      switch (event.type) {
        case 'batch':
          writable = sink.batch(event);
          break;
        case 'caught_up':
          writable = sink.heartbeat(event.tail);
          break;
      }
      arm();
      if (!writable) await drained(res);
    }
    if (!signal.aborted) sink.end();
  } catch (error) {
    if (!signal.aborted) sink.fail(error);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
    session.close();
  }
}
