// In-memory view of one stream's row (config, tail, fencing token, trim point), cached by the catalog.

import type { StreamRow } from './store';
import type { StreamConfig, StreamInfo, StreamPosition } from './types';

export interface StreamState {
  readonly id: number;
  readonly basin: string;
  readonly name: string;
  /** Notifier / cache key. */
  readonly key: string;
  readonly createdAt: string;
  readonly requestToken: string | null;
  config: StreamConfig;
  nextSeqNum: number;
  lastTimestamp: number;
  fencingToken: string;
  trimPoint: number;
}

/** Basin names never contain `/`, so this key is unambiguous. */
export function streamKey(basin: string, name: string): string {
  return `${basin}/${name}`;
}

export function streamStateFromRow(row: StreamRow): StreamState {
  return {
    id: row.id,
    basin: row.basin,
    name: row.name,
    key: streamKey(row.basin, row.name),
    createdAt: row.created_at,
    requestToken: row.request_token,
    config: JSON.parse(row.config) as StreamConfig,
    nextSeqNum: row.next_seq_num,
    lastTimestamp: row.last_timestamp,
    fencingToken: row.fencing_token,
    trimPoint: row.trim_point,
  };
}

export function tailOf(state: StreamState): StreamPosition {
  return { seq_num: state.nextSeqNum, timestamp: state.lastTimestamp };
}

export function streamInfoOf(state: { name: string; created_at: string } | StreamState): StreamInfo {
  const createdAt = 'createdAt' in state ? state.createdAt : state.created_at;
  return { name: state.name, created_at: createdAt, deleted_at: null, cipher: null };
}
