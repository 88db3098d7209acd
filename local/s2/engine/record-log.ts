// The record log of each stream, read side: scans, timestamp lookups and tail waits (appends: append-writer).

import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS } from './append-validation';
import { decodeHeaders } from './header-codec';
import { meteredBytes } from './metering';
import type { Store } from './store';
import { type StreamState, tailOf } from './stream-state';
import type { TailNotifier } from './tail-notifier';
import type { RecordScan, ScanLimits, SequencedRecord } from './types';

// setTimeout overflows above 2^31-1 ms; longer waits simply wake early and re-check their deadline.
const MAX_TIMER_MS = 2_147_483_647;

export class RecordLog {
  constructor(
    private readonly store: Store,
    private readonly notifier: TailNotifier,
    private readonly closing: AbortSignal,
  ) {}

  scan(state: StreamState, startSeqNum: number, limits: ScanLimits): RecordScan {
    const maxCount = Math.min(limits.count, MAX_BATCH_RECORDS);
    const maxBytes = Math.min(limits.bytes, MAX_BATCH_BYTES);
    const records: SequencedRecord[] = [];
    let bytes = 0;
    let reachedUntil = false;
    let limited = maxCount <= 0;
    if (!limited && startSeqNum < state.nextSeqNum) {
      for (const [seqNum, timestamp, headerBlob, body] of this.store.sql.scanRecords.iterate(
        state.id,
        startSeqNum,
        maxCount,
      )) {
        if (limits.until !== undefined && timestamp >= limits.until) {
          reachedUntil = true;
          break;
        }
        const headers = decodeHeaders(headerBlob);
        const size = meteredBytes({ headers, body });
        if (bytes + size > maxBytes) {
          limited = true;
          break;
        }
        records.push({ seq_num: seqNum, timestamp, headers, body });
        bytes += size;
      }
      if (records.length === maxCount) limited = true;
    }
    const last = records[records.length - 1];
    const stopped = limited || reachedUntil;
    const next = last !== undefined ? last.seq_num + 1 : stopped ? startSeqNum : state.nextSeqNum;
    return { records, bytes, next_seq_num: next, reached_until: reachedUntil, limited, tail: tailOf(state) };
  }
  /** First seq num whose timestamp is ≥ `timestamp` (the tail if none): records are contiguous and sorted. */
  firstAtOrAfter(state: StreamState, timestamp: number): number {
    let lo = state.trimPoint;
    let hi = state.nextSeqNum;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = this.store.sql.firstRecordAtOrAfter.get(state.id, mid);
      if (row === undefined || row.timestamp >= timestamp) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  wait(
    state: StreamState,
    afterSeqNum: number,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<boolean> {
    if (this.closing.aborted || signal?.aborted === true || timeoutMs <= 0) return Promise.resolve(false);
    if (state.nextSeqNum > afterSeqNum) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (woke: boolean): void => {
        unsubscribe();
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(woke);
      };
      const onAbort = (): void => finish(false);
      const unsubscribe = this.notifier.subscribe(state.key, (tail) => {
        if (tail === null) finish(!this.closing.aborted);
        else if (tail.seq_num > afterSeqNum) finish(true);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(timeoutMs))
        timer = setTimeout(() => finish(false), Math.min(timeoutMs, MAX_TIMER_MS));
    });
  }
}
