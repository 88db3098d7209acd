// The record log of each stream: atomic appends (checks, timestamps, commands), scans and tail waits.

import { type Command, MAX_BATCH_BYTES, MAX_BATCH_RECORDS } from './append-validation';
import { decodeHeaders, encodeHeaders } from './header-codec';
import { meteredBytes } from './metering';
import type { Store } from './store';
import { type StreamState, tailOf } from './stream-state';
import type { TailNotifier } from './tail-notifier';
import {
  type AppendAck,
  type AppendInput,
  type AppendRecord,
  type RecordScan,
  S2ApiError,
  type ScanLimits,
  type SequencedRecord,
  type StreamPosition,
} from './types';

const EMPTY = Buffer.alloc(0);
// setTimeout overflows above 2^31-1 ms; longer waits simply wake early and re-check their deadline.
const MAX_TIMER_MS = 2_147_483_647;

function asBuffer(bytes: Uint8Array | undefined): Buffer {
  if (bytes === undefined || bytes.length === 0) return EMPTY;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

interface NextState {
  fencingToken: string;
  trimPoint: number;
}

export class RecordLog {
  private readonly commit: (
    state: StreamState,
    records: readonly AppendRecord[],
    timestamps: readonly number[],
    next: NextState,
  ) => void;

  constructor(
    private readonly store: Store,
    private readonly notifier: TailNotifier,
    private readonly now: () => number,
    private readonly closing: AbortSignal,
  ) {
    const sql = this.store.sql;
    // One transaction per batch: records, the trim, and the stream's new tail/token/trim point.
    this.commit = this.store.db.transaction((state, records, timestamps, next) => {
      const start = state.nextSeqNum;
      for (let i = 0; i < records.length; i++) {
        const record = records[i] as AppendRecord;
        sql.insertRecord.run(
          state.id,
          start + i,
          timestamps[i] as number,
          encodeHeaders(record.headers),
          asBuffer(record.body),
        );
      }
      if (next.trimPoint > state.trimPoint) sql.deleteRecordsBelow.run(state.id, next.trimPoint);
      const last = timestamps[timestamps.length - 1] as number;
      sql.updateStreamState.run(start + records.length, last, next.fencingToken, next.trimPoint, state.id);
    });
  }

  /**
   * Append a validated batch to a resolved stream: fencing (412) → match_seq_num (412) → timestamps (422)
   * → commands → one transaction → update the cached state → wake followers.
   */
  append(state: StreamState, input: AppendInput, commands: ReadonlyMap<number, Command>): AppendAck {
    const token = input.fencing_token;
    if (token !== undefined && token !== null && token !== state.fencingToken) {
      throw new S2ApiError(412, 'fencing_token_mismatch', 'fencing token mismatch', {
        fencing_token_mismatch: state.fencingToken,
      });
    }
    const match = input.match_seq_num;
    if (match !== undefined && match !== null && match !== state.nextSeqNum) {
      throw new S2ApiError(412, 'seq_num_mismatch', 'sequence number mismatch', {
        seq_num_mismatch: state.nextSeqNum,
      });
    }
    const timestamps = this.assignTimestamps(state, input.records);
    const next = applyCommands(state, commands);
    try {
      this.commit(state, input.records, timestamps, next);
    } catch (error) {
      throw new S2ApiError(500, 'storage', `append failed: ${(error as Error).message}`);
    }
    const start: StreamPosition = { seq_num: state.nextSeqNum, timestamp: timestamps[0] as number };
    state.nextSeqNum += input.records.length;
    state.lastTimestamp = timestamps[timestamps.length - 1] as number;
    state.fencingToken = next.fencingToken;
    state.trimPoint = next.trimPoint;
    const tail = tailOf(state);
    this.notifier.notify(state.key, tail);
    return { start, end: { ...tail }, tail };
  }

  /** S2 §6: pick per mode, cap at arrival unless uncapped, then never below the previous timestamp. */
  private assignTimestamps(state: StreamState, records: readonly AppendRecord[]): number[] {
    const now = this.now();
    const { mode, uncapped } = state.config.timestamping;
    const timestamps: number[] = new Array(records.length);
    let previous = state.lastTimestamp;
    for (let i = 0; i < records.length; i++) {
      const client = (records[i] as AppendRecord).timestamp;
      let ts: number;
      switch (mode) {
        case 'arrival':
          ts = now;
          break;
        case 'client-prefer':
          ts = client ?? now;
          break;
        case 'client-require':
          if (client === undefined || client === null) {
            throw new S2ApiError(422, 'invalid', 'record timestamp was required but was missing');
          }
          ts = client;
          break;
      }
      if (!uncapped && ts > now) ts = now;
      if (ts < previous) ts = previous;
      timestamps[i] = ts;
      previous = ts;
    }
    return timestamps;
  }

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

/** S2 §4.5: fences in order (last wins); trim point = max(old, min(payload, trim_seq + 1)). */
function applyCommands(state: StreamState, commands: ReadonlyMap<number, Command>): NextState {
  let fencingToken = state.fencingToken;
  let trimPoint = state.trimPoint;
  for (const [index, command] of commands) {
    switch (command.op) {
      case 'fence':
        fencingToken = command.token;
        break;
      case 'trim': {
        const ceiling = state.nextSeqNum + index + 1;
        const point = command.seqNum < BigInt(ceiling) ? Number(command.seqNum) : ceiling;
        trimPoint = Math.max(trimPoint, point);
        break;
      }
    }
  }
  return { fencingToken, trimPoint };
}
