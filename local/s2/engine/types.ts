// Public types of the local S2 storage engine: wire-shaped configs, positions, records and the one error class.

/*
 * Conventions:
 * - Field names mirror the S2 JSON wire format (snake_case) so the HTTP layer can serialize engine results
 *   verbatim (after turning record bytes into strings/base64 per `s2-format`).
 * - Sequence numbers and timestamps are JS numbers (u64 on the wire; safe up to 2^53).
 * - Record header names/values and bodies are raw bytes (`Uint8Array`); the wire layer decodes JSON
 *   (raw UTF-8 or base64) or protobuf into bytes before calling the engine.
 */

export type StorageClass = 'standard' | 'express';
export type TimestampingMode = 'client-prefer' | 'client-require' | 'arrival';
export type EncryptionAlgorithm = 'aegis-256' | 'aes-256-gcm';

/** `{ age: secs }` (age > 0) or `{ infinite: {} }`. */
export type RetentionPolicy = { age: number } | { infinite: Record<string, never> };

/** Fully resolved stream config, as returned by get/reconfigure stream config. All fields present. */
export interface StreamConfig {
  storage_class: StorageClass;
  retention_policy: RetentionPolicy;
  timestamping: { mode: TimestampingMode; uncapped: boolean };
  delete_on_empty: { min_age_secs: number };
}

/**
 * Partial stream config as sent by clients (create/ensure stream body, basin `default_stream_config`,
 * `s2-stream-config` header). `null`/absent = not set (inherit basin default, then system default).
 */
export interface StreamConfigInput {
  storage_class?: StorageClass | null;
  retention_policy?: RetentionPolicy | null;
  timestamping?: { mode?: TimestampingMode | null; uncapped?: boolean | null } | null;
  delete_on_empty?: { min_age_secs?: number | null } | null;
}

/** PATCH body for a stream (and basin `default_stream_config`): absent = keep, `null` = reset. */
export type StreamReconfiguration = StreamConfigInput;

/**
 * Basin `default_stream_config` as stored and returned: only explicitly set fields, others `null`.
 * The whole value is `null` when nothing is set.
 */
export interface StreamConfigDefaults {
  storage_class: StorageClass | null;
  retention_policy: RetentionPolicy | null;
  timestamping: { mode: TimestampingMode | null; uncapped: boolean | null } | null;
  delete_on_empty: { min_age_secs: number | null } | null;
}

/** Basin config as returned by get/reconfigure basin config (all keys present). */
export interface BasinConfig {
  default_stream_config: StreamConfigDefaults | null;
  stream_cipher: EncryptionAlgorithm | null;
  create_stream_on_append: boolean;
  create_stream_on_read: boolean;
}

/** Basin config as sent by clients on create/ensure. Absent fields take their defaults. */
export interface BasinConfigInput {
  default_stream_config?: StreamConfigInput | null;
  stream_cipher?: EncryptionAlgorithm | null;
  create_stream_on_append?: boolean;
  create_stream_on_read?: boolean;
}

/** PATCH body for a basin: absent = keep; `null` resets `default_stream_config`/`stream_cipher`. */
export interface BasinReconfiguration {
  default_stream_config?: StreamReconfiguration | null;
  stream_cipher?: EncryptionAlgorithm | null;
  create_stream_on_append?: boolean;
  create_stream_on_read?: boolean;
}

export interface BasinInfo {
  name: string;
  location: null;
  /** RFC 3339. */
  created_at: string;
  deleted_at: string | null;
  state: 'active' | 'deleting';
}

export interface StreamInfo {
  name: string;
  /** RFC 3339. */
  created_at: string;
  deleted_at: string | null;
  cipher: null;
}

export interface ListOptions {
  prefix?: string;
  /** Exclusive; compared by UTF-8 bytes. */
  start_after?: string;
  /** 0, absent or > 1000 means 1000. */
  limit?: number;
}

export interface ListBasinsResult {
  basins: BasinInfo[];
  has_more: boolean;
}

export interface ListStreamsResult {
  streams: StreamInfo[];
  has_more: boolean;
}

/** Value of the `s2-provision-result` header (201 for `created`, else 200). */
export type ProvisionResult = 'created' | 'updated' | 'noop';

export interface Provisioned<T> {
  info: T;
  result: ProvisionResult;
}

/** `seq_num` = next seq num to assign (for a tail) or a record's seq num; `timestamp` in ms. */
export interface StreamPosition {
  seq_num: number;
  timestamp: number;
}

export type Header = readonly [name: Uint8Array, value: Uint8Array];

export interface AppendRecord {
  timestamp?: number | null;
  headers?: readonly Header[];
  body?: Uint8Array;
}

export interface AppendInput {
  records: readonly AppendRecord[];
  /** `null`/absent = no check. */
  match_seq_num?: number | null;
  /** `null`/absent = no check; `""` IS a check against the empty token. */
  fencing_token?: string | null;
}

export interface AppendAck {
  start: StreamPosition;
  end: StreamPosition;
  tail: StreamPosition;
}

/** One input's result in a grouped append: its ack, or the error that input alone failed with. */
export type AppendOutcome = { ok: true; ack: AppendAck } | { ok: false; error: S2ApiError };

export interface SequencedRecord {
  seq_num: number;
  timestamp: number;
  headers: Header[];
  body: Uint8Array;
}

export interface ReadBatch {
  records: SequencedRecord[];
  tail?: StreamPosition;
}

/**
 * Read query, mirroring `GET /streams/{stream}/records` query params.
 * At most one of `seq_num`/`timestamp`/`tail_offset`; none = `tail_offset: 0`.
 * `wait` is in seconds; absent = 0 when any of count/bytes/until is set, else infinite (sessions only;
 * unary reads cap wait at 60 and clamp count ≤ 1000, bytes ≤ 1 MiB).
 */
export interface ReadQuery {
  seq_num?: number;
  timestamp?: number;
  tail_offset?: number;
  clamp?: boolean;
  count?: number;
  bytes?: number;
  until?: number;
  wait?: number;
}

/** Options for operations that may auto-create a stream. */
export interface AutoCreateOptions {
  /** Parsed `s2-stream-config` header: config applied if the stream is auto-created. */
  createConfig?: StreamConfigInput | null;
}

export interface ReadOptions extends AutoCreateOptions {
  /** Aborting ends a long-poll / session early (unary read then returns `{ records: [] }`). */
  signal?: AbortSignal;
}

/**
 * Events of a read session (SSE / s2s). The wire layer maps them to frames:
 * - `batch`: non-empty records (≤ 1000 records, ≤ 1 MiB); `bytes` is the metered size of `records` (for SSE
 *   ids `last_seq,cum_count,cum_bytes`). `tail` is set on live batches (after the session reached the tail)
 *   and absent on catch-up batches, as in s2-lite; send it as the batch's `tail` when present.
 * - `caught_up`: the session reached the tail and is now following; send a ping with `tail` right away.
 * Normal end of the iterator = send `[DONE]` (SSE) / end the s2s stream. A thrown `S2ApiError` mid-session
 * (e.g. the stream was deleted) = send an `error` event / terminal frame.
 */
export type ReadSessionEvent =
  | { type: 'batch'; records: SequencedRecord[]; tail?: StreamPosition; bytes: number }
  | { type: 'caught_up'; tail: StreamPosition };

export interface ReadSession extends AsyncIterable<ReadSessionEvent> {
  /** Current tail of the stream (for heartbeat pings every ≤ 15 s while idle). */
  tail(): StreamPosition;
  /** Stop the session; a pending iteration step ends the iterator. Idempotent. */
  close(): void;
}

/** Limits for one low-level scan of stored records. Each scan returns at most 1000 records / 1 MiB. */
export interface ScanLimits {
  /** Max records (≥ 0). */
  count: number;
  /** Max metered bytes (≥ 0). A record that would exceed it is not returned (records are never split). */
  bytes: number;
  /** Exclusive timestamp bound: the scan stops before the first record with `timestamp >= until`. */
  until?: number;
}

/** Result of a low-level scan. */
export interface RecordScan {
  records: SequencedRecord[];
  /** Metered bytes of `records`. */
  bytes: number;
  /** Seq num to continue from: last returned + 1; the tail if only trimmed records lay ahead; else the start. */
  next_seq_num: number;
  /** A record with `timestamp >= until` was found: the read is over. */
  reached_until: boolean;
  /** The count or bytes limit stopped the scan (with no records: the caller's budget is spent). */
  limited: boolean;
  /** Stream tail at scan time. */
  tail: StreamPosition;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Give up after this many ms (resolves `false`). Absent = wait until the signal aborts. */
  timeoutMs?: number;
}

export interface EngineOptions {
  /** Directory for `s2.sqlite`; created if missing. Omit (or use `memory: true`) for an in-memory store. */
  dataDir?: string;
  memory?: boolean;
  /**
   * SQLite `synchronous` level. `full` (default) fsyncs the WAL on every commit, so an acknowledged append
   * survives a power loss; `normal` survives process crashes only.
   */
  synchronous?: 'full' | 'normal';
  /** Clock in epoch ms (tests). Default `Date.now`. */
  now?: () => number;
}

/** The S2 error codes the engine produces. */
export type S2ErrorCode =
  | 'bad_header'
  | 'bad_path'
  | 'bad_query'
  | 'bad_json'
  | 'invalid'
  | 'basin_not_found'
  | 'stream_not_found'
  | 'resource_already_exists'
  | 'basin_deletion_pending'
  | 'stream_deletion_pending'
  | 'seq_num_mismatch'
  | 'fencing_token_mismatch'
  | 'range_not_satisfiable'
  | 'storage'
  | 'unavailable';

/** The exact JSON error body the wire layer sends (never add fields). */
export type S2ErrorBody =
  | { code: string; message: string }
  | { fencing_token_mismatch: string }
  | { seq_num_mismatch: number }
  | { tail: StreamPosition };

/**
 * Every engine failure. `status` is the HTTP status; `body` is the exact JSON body to send.
 * 412 bodies are bare `{fencing_token_mismatch}` / `{seq_num_mismatch}`; 416 is bare `{tail}`.
 */
export class S2ApiError extends Error {
  readonly status: number;
  readonly code: S2ErrorCode;
  readonly body: S2ErrorBody;

  constructor(status: number, code: S2ErrorCode, message: string, body?: S2ErrorBody) {
    super(message);
    this.name = 'S2ApiError';
    this.status = status;
    this.code = code;
    this.body = body ?? { code, message };
  }
}
