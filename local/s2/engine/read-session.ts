// A read session (SSE / s2s): catch-up batches, a caught-up signal, then live batches until a bound or idle.

import type { ReadBounds } from './read-plan';
import { type StreamState, tailOf } from './stream-state';
import type { ReadSession, ReadSessionEvent, SequencedRecord, StreamPosition } from './types';

/** Scan result the session needs (a subset of the engine's RecordScan). */
export interface SessionScan {
  records: SequencedRecord[];
  bytes: number;
  next_seq_num: number;
  reached_until: boolean;
  limited: boolean;
  tail: StreamPosition;
}

/** What a session needs from the engine. */
export interface SessionSource {
  /** The live state of the session's stream; throws 404 if it was deleted (or replaced by a new one). */
  current(): StreamState;
  scan(
    state: StreamState,
    from: number,
    limits: { count: number; bytes: number; until?: number },
  ): SessionScan;
  /** Resolves when the tail passes `afterSeqNum` (true), or on abort / timeout / engine close (false). */
  wait(state: StreamState, afterSeqNum: number, signal: AbortSignal, timeoutMs: number): Promise<boolean>;
}

export class EngineReadSession implements ReadSession {
  private readonly abort = new AbortController();
  private readonly detach: Array<() => void> = [];
  private lastTail: StreamPosition;

  /** `signals`: the caller's signal and the engine's close signal; either ends the session. */
  constructor(
    private readonly source: SessionSource,
    private readonly start: number,
    private readonly bounds: ReadBounds,
    signals: ReadonlyArray<AbortSignal | undefined>,
  ) {
    this.lastTail = tailOf(source.current());
    const onAbort = (): void => this.close();
    for (const signal of signals) {
      if (signal === undefined) continue;
      if (signal.aborted) this.abort.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.detach.push(() => signal.removeEventListener('abort', onAbort));
    }
  }

  tail(): StreamPosition {
    try {
      this.lastTail = tailOf(this.source.current());
    } catch {
      // Deleted stream: keep reporting the last tail we saw; the iterator reports the error.
    }
    return this.lastTail;
  }

  close(): void {
    this.abort.abort();
    for (const detach of this.detach.splice(0)) detach();
  }

  [Symbol.asyncIterator](): AsyncIterator<ReadSessionEvent> {
    return this.events();
  }

  private deadlineFromNow(): number {
    return this.bounds.waitMs === null ? Number.POSITIVE_INFINITY : Date.now() + this.bounds.waitMs;
  }

  private async *events(): AsyncGenerator<ReadSessionEvent, void, undefined> {
    try {
      yield* this.run();
    } finally {
      this.close();
    }
  }

  private async *run(): AsyncGenerator<ReadSessionEvent, void, undefined> {
    const { bounds, source } = this;
    const signal = this.abort.signal;
    let next = this.start;
    let count = bounds.count;
    let bytes = bounds.bytes;
    // The idle budget: armed on first reaching the tail, reset by every delivered batch.
    let deadline: number | undefined;
    let following = false;
    while (!signal.aborted) {
      const state = source.current();
      if (next < state.nextSeqNum) {
        const scan = source.scan(state, next, { count, bytes, until: bounds.until });
        if (scan.records.length === 0) {
          if (scan.limited || scan.reached_until) return;
          next = scan.next_seq_num; // everything up to the tail was trimmed
          continue;
        }
        next = scan.next_seq_num;
        count -= scan.records.length;
        bytes -= scan.bytes;
        deadline = this.deadlineFromNow();
        this.lastTail = scan.tail;
        const batch: ReadSessionEvent = following
          ? { type: 'batch', records: scan.records, bytes: scan.bytes, tail: scan.tail }
          : { type: 'batch', records: scan.records, bytes: scan.bytes };
        yield batch;
        if (scan.reached_until || count <= 0 || bytes <= 0) return;
        continue;
      }
      if (!bounds.mayFollow) return;
      deadline ??= this.deadlineFromNow();
      if (deadline <= Date.now()) return;
      if (!following) {
        following = true;
        this.lastTail = tailOf(state);
        yield { type: 'caught_up', tail: this.lastTail };
        if (signal.aborted) return;
      }
      await source.wait(state, next, signal, deadline - Date.now());
    }
  }
}
