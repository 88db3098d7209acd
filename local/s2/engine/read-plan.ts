// Read query rules (S2 §5.1–5.3): bound validation, unary caps, may-follow, and start-position resolution.

import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS } from './append-validation';
import { type StreamState, tailOf } from './stream-state';
import { type ReadQuery, S2ApiError } from './types';

const MAX_UNARY_WAIT_SECS = 60;

export interface ReadBounds {
  /** Remaining record budget; `Infinity` = unbounded. */
  count: number;
  /** Remaining metered-bytes budget; `Infinity` = unbounded. */
  bytes: number;
  until: number | undefined;
  /** Idle budget in ms once at the tail; `null` = wait forever. */
  waitMs: number | null;
  /** `(count, bytes, until all unbounded) || wait > 0`: reaching the tail does not end the read. */
  mayFollow: boolean;
}

function checkQueryNumber(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new S2ApiError(400, 'bad_query', `${name} must be a non-negative integer`);
  }
}

/** Validates a read query (400 / 422) and derives its bounds; unary reads are capped per S2. */
export function readBounds(query: ReadQuery, mode: 'unary' | 'session'): ReadBounds {
  for (const key of ['seq_num', 'timestamp', 'tail_offset', 'count', 'bytes', 'until', 'wait'] as const) {
    checkQueryNumber(key, query[key]);
  }
  const starts = [query.seq_num, query.timestamp, query.tail_offset].filter((v) => v !== undefined);
  if (starts.length > 1) {
    throw new S2ApiError(422, 'invalid', 'only one of seq_num, timestamp, or tail_offset can be provided');
  }
  if (query.timestamp !== undefined && query.until !== undefined && query.timestamp >= query.until) {
    throw new S2ApiError(422, 'invalid', 'start `timestamp` exceeds or equal to `until`');
  }
  if (mode === 'unary') {
    const waitSecs = Math.min(query.wait ?? 0, MAX_UNARY_WAIT_SECS);
    return {
      count: Math.min(query.count ?? MAX_BATCH_RECORDS, MAX_BATCH_RECORDS),
      bytes: Math.min(query.bytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES),
      until: query.until,
      waitMs: waitSecs * 1000,
      mayFollow: waitSecs > 0,
    };
  }
  const unbounded = query.count === undefined && query.bytes === undefined && query.until === undefined;
  return {
    count: query.count ?? Number.POSITIVE_INFINITY,
    bytes: query.bytes ?? Number.POSITIVE_INFINITY,
    until: query.until,
    waitMs: query.wait === undefined ? null : query.wait * 1000,
    mayFollow: unbounded || (query.wait ?? 0) > 0,
  };
}

function rangeNotSatisfiable(state: StreamState): S2ApiError {
  const tail = tailOf(state);
  return new S2ApiError(416, 'range_not_satisfiable', 'range not satisfiable', { tail });
}

/**
 * The first seq num to read, or 416 `{tail}`: past the tail without clamp, or exactly at the tail when the
 * read cannot follow. `firstAtOrAfter(t)` gives the first seq num with timestamp ≥ t (the tail if none).
 */
export function resolveStart(
  state: StreamState,
  query: ReadQuery,
  mayFollow: boolean,
  firstAtOrAfter: (timestamp: number) => number,
): number {
  const tail = state.nextSeqNum;
  let start: number;
  if (query.timestamp !== undefined) {
    if (query.timestamp > state.lastTimestamp) {
      if (query.clamp !== true) throw rangeNotSatisfiable(state);
      start = tail;
    } else {
      start = firstAtOrAfter(query.timestamp);
    }
  } else if (query.seq_num !== undefined) {
    start = query.seq_num;
    if (start > tail) {
      if (query.clamp !== true) throw rangeNotSatisfiable(state);
      start = tail;
    }
  } else {
    start = Math.max(0, tail - (query.tail_offset ?? 0));
  }
  if (start === tail && !mayFollow) throw rangeNotSatisfiable(state);
  return start;
}
