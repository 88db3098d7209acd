// S2Engine: all S2 semantics (basins, streams, append, read, tail following) over SQLite, no HTTP.

import { setMaxListeners } from 'node:events';
import { type AppendRequest, prepareAppendJob } from './append-job';
import { AppendWriter } from './append-writer';
import { Catalog, streamNotFound } from './catalog';
import { CommitQueue, type QueuedAppend } from './commit-queue';
import { readBounds, resolveStart } from './read-plan';
import { EngineReadSession, type SessionSource } from './read-session';
import { RecordLog } from './record-log';
import { Store } from './store';
import { type StreamState, streamKey, tailOf } from './stream-state';
import { TailNotifier } from './tail-notifier';
import {
  type AppendAck,
  type AppendInput,
  type AppendOutcome,
  type AutoCreateOptions,
  type BasinConfig,
  type BasinConfigInput,
  type BasinInfo,
  type BasinReconfiguration,
  type EngineOptions,
  type ListBasinsResult,
  type ListOptions,
  type ListStreamsResult,
  type Provisioned,
  type ReadBatch,
  type ReadOptions,
  type ReadQuery,
  type ReadSession,
  type RecordScan,
  S2ApiError,
  type ScanLimits,
  type StreamConfig,
  type StreamConfigInput,
  type StreamInfo,
  type StreamPosition,
  type StreamReconfiguration,
  type WaitOptions,
} from './types';

/*
 * Name validation and the error code used when a name is invalid (all 400):
 * - createBasin: basin name → `bad_json` (it is in the body); other account ops (get/ensure/reconfigure/delete
 *   basin) → `bad_path`.
 * - stream-scoped ops take the basin from the `s2-basin` header → `bad_header`.
 * - createStream: stream name → `bad_json`; other stream ops → `bad_path`.
 * Config values the wire schema would reject (unknown enum values, wrong types) → 400 `bad_json`;
 * semantic errors (retention age 0, unsupported stream_cipher) → 422 `invalid`.
 */
export class S2Engine {
  private readonly store: Store;
  private readonly notifier = new TailNotifier();
  private readonly catalog: Catalog;
  private readonly now: () => number;
  private readonly closing = new AbortController();
  private readonly log: RecordLog;
  private readonly writer: AppendWriter;
  private readonly queue = new CommitQueue((requests) => this.commitGroup(requests));

  constructor(options: EngineOptions = {}) {
    this.now = options.now ?? Date.now;
    // Every live read session listens for the engine's close: hundreds of open tabs are normal, not a leak.
    setMaxListeners(0, this.closing.signal);
    this.store = new Store(options);
    this.catalog = new Catalog(this.store, this.notifier, this.now);
    this.log = new RecordLog(this.store, this.notifier, this.closing.signal);
    this.writer = new AppendWriter(this.store, this.notifier, this.now);
  }

  /** Close the database and end all waiting readers/sessions. Idempotent. */
  close(): void {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    this.notifier.notifyAll();
    this.store.close();
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new S2ApiError(503, 'unavailable', 'the S2 engine is closed');
  }

  // ---- basins (account scope) ----

  /** `GET /basins`: byte-wise ordered, `start_after` exclusive, limit 0/absent/>1000 → 1000. */
  listBasins(options: ListOptions = {}): ListBasinsResult {
    this.assertOpen();
    return this.catalog.listBasins(options);
  }

  /**
   * `POST /basins`. 409 `resource_already_exists` if it exists, unless `requestToken` equals the token the
   * basin was created with and the config is equal (then `result: 'noop'`, still a 201).
   * 422 for retention age 0.
   */
  createBasin(
    name: string,
    config?: BasinConfigInput | null,
    options: { requestToken?: string } = {},
  ): Provisioned<BasinInfo> {
    this.assertOpen();
    return this.catalog.createBasin(name, config, options.requestToken);
  }

  /** `GET /basins/{basin}`. 404 `basin_not_found`. */
  getBasinConfig(name: string): BasinConfig {
    this.assertOpen();
    return this.catalog.basinConfig(this.catalog.basinRow(name, 'path'));
  }

  /** `PUT /basins/{basin}`: created (201) / noop (200, equal config; absent = defaults) / updated (200). */
  ensureBasin(name: string, config?: BasinConfigInput | null): Provisioned<BasinInfo> {
    this.assertOpen();
    return this.catalog.ensureBasin(name, config);
  }

  /** `PATCH /basins/{basin}`: absent = keep, null = reset; nested default_stream_config is patched. */
  reconfigureBasin(name: string, patch: BasinReconfiguration): BasinConfig {
    this.assertOpen();
    return this.catalog.reconfigureBasin(name, patch);
  }

  /** `DELETE /basins/{basin}` (202): removes the basin, its streams and records at once. 404 if missing. */
  deleteBasin(name: string): void {
    this.assertOpen();
    this.catalog.deleteBasin(name);
  }

  // ---- streams (basin scope) ----

  /** `GET /streams`: a missing basin gives an empty list (as lite). */
  listStreams(basin: string, options: ListOptions = {}): ListStreamsResult {
    this.assertOpen();
    return this.catalog.listStreams(basin, options);
  }

  /** `POST /streams`: config merged over basin defaults at creation. 404 basin, 409 exists, 422 age 0. */
  createStream(
    basin: string,
    name: string,
    config?: StreamConfigInput | null,
    options: { requestToken?: string } = {},
  ): Provisioned<StreamInfo> {
    this.assertOpen();
    return this.catalog.createStream(basin, name, config, options.requestToken);
  }

  /** `GET /streams/{stream}`: fully resolved config. 404 `stream_not_found` / `basin_not_found`. */
  getStreamConfig(basin: string, name: string): StreamConfig {
    this.assertOpen();
    return this.catalog.stream(basin, name).config;
  }

  /** `PUT /streams/{stream}` (bare StreamConfig body): created / noop / updated. Returns StreamInfo. */
  ensureStream(basin: string, name: string, config?: StreamConfigInput | null): Provisioned<StreamInfo> {
    this.assertOpen();
    return this.catalog.ensureStream(basin, name, config);
  }

  /** `PATCH /streams/{stream}`: absent = keep, null = reset to basin default / system default. */
  reconfigureStream(basin: string, name: string, patch: StreamReconfiguration): StreamConfig {
    this.assertOpen();
    return this.catalog.reconfigureStream(basin, name, patch);
  }

  /** `DELETE /streams/{stream}` (202): hard delete; wakes and ends followers. 404 if missing. */
  deleteStream(basin: string, name: string): void {
    this.assertOpen();
    this.catalog.deleteStream(basin, name);
  }

  /** `GET /streams/{stream}/records/tail`. Auto-creates if the basin has `create_stream_on_read`. */
  checkTail(basin: string, stream: string, options: AutoCreateOptions = {}): StreamPosition {
    this.assertOpen();
    return tailOf(this.catalog.streamFor(basin, stream, 'read', options.createConfig));
  }

  // ---- records ----

  /**
   * `POST /streams/{stream}/records`. Atomic; order: validate (422) → resolve stream (auto-create on append,
   * 404) → fencing (412) → match_seq_num (412) → timestamps (422 client-require) → commands → commit → wake.
   * A `fencing_token` over 36 bytes is 422 here; the wire layer answers 400 `bad_json` for JSON bodies first.
   */
  append(basin: string, stream: string, input: AppendInput, options: AutoCreateOptions = {}): AppendAck {
    const outcome = this.appendMany(basin, stream, [input], options)[0] as AppendOutcome;
    if (!outcome.ok) throw outcome.error;
    return outcome.ack;
  }

  /**
   * Several appends to one stream in ONE transaction (one fsync), each with exactly the semantics of a lone
   * `append` against the state the inputs before it left. Applying stops at the first failing input: the
   * result holds the acks of the inputs before it, then its error; nothing of it or of later inputs is
   * written. Acks are returned only after the commit.
   */
  appendMany(
    basin: string,
    stream: string,
    inputs: readonly AppendInput[],
    options: AutoCreateOptions = {},
  ): AppendOutcome[] {
    return this.commitGroup([{ basin, stream, inputs, options }])[0] as AppendOutcome[];
  }

  /**
   * `appendMany` deferred to the next group commit, which every append queued in the same event-loop turn
   * (any stream, any writer) shares. Resolves after the commit; a closed engine resolves with a 503 outcome.
   */
  queueAppend(request: QueuedAppend): Promise<AppendOutcome[]> {
    return this.queue.enqueue(request);
  }

  /**
   * Unary `GET /streams/{stream}/records`. count ≤ 1000 (default 1000), bytes ≤ 1 MiB (default), wait ≤ 60 s
   * (default 0). Stored records are returned at once, without `tail`. With none and `wait > 0` it long-polls
   * for the next append and returns those records with `tail`, or `{ records: [] }` when the wait expires or
   * the signal aborts. 416 `{tail}` per spec §5.2 (as a rejected promise).
   */
  async read(basin: string, stream: string, query: ReadQuery, options: ReadOptions = {}): Promise<ReadBatch> {
    this.assertOpen();
    this.catalog.checkNames(basin, stream);
    const bounds = readBounds(query, 'unary');
    const state = this.catalog.streamFor(basin, stream, 'read', options.createConfig);
    const start = resolveStart(state, query, bounds.mayFollow, (t) => this.log.firstAtOrAfter(state, t));
    const limits = { count: bounds.count, bytes: bounds.bytes, until: bounds.until };
    const scan = this.log.scan(state, start, limits);
    if (scan.records.length > 0 || scan.limited || scan.reached_until || !bounds.mayFollow) {
      return { records: scan.records };
    }
    const deadline = Date.now() + (bounds.waitMs ?? 0);
    const signal = options.signal;
    while (Date.now() < deadline && signal?.aborted !== true && !this.closing.signal.aborted) {
      const current = this.liveState(state);
      if (current.nextSeqNum > scan.next_seq_num) {
        const live = this.log.scan(current, scan.next_seq_num, limits);
        return live.records.length > 0 ? { records: live.records, tail: live.tail } : { records: [] };
      }
      await this.log.wait(current, scan.next_seq_num, signal, deadline - Date.now());
    }
    return { records: [] };
  }

  /**
   * Read session (SSE / s2s). Validates and resolves the start synchronously, so errors (400/404/416/422)
   * throw here, before the response starts. Then iterate: catch-up batches, `caught_up` on reaching the tail
   * (if the session may follow), live batches, and a normal end when count/bytes/until is exhausted or the
   * `wait` idle budget (armed at the tail, reset by each batch) expires. No limits and no wait = forever.
   * Resume (SDK retry or `Last-Event-ID`) = a new session with `seq_num` = last + 1 and reduced count/bytes.
   */
  openReadSession(basin: string, stream: string, query: ReadQuery, options: ReadOptions = {}): ReadSession {
    this.assertOpen();
    this.catalog.checkNames(basin, stream);
    const bounds = readBounds(query, 'session');
    const state = this.catalog.streamFor(basin, stream, 'read', options.createConfig);
    const start = resolveStart(state, query, bounds.mayFollow, (t) => this.log.firstAtOrAfter(state, t));
    const source: SessionSource = {
      current: () => this.liveState(state),
      scan: (current, from, limits) => this.log.scan(current, from, limits),
      wait: (current, after, signal, timeoutMs) => this.log.wait(current, after, signal, timeoutMs),
    };
    return new EngineReadSession(source, start, bounds, [options.signal, this.closing.signal]);
  }

  // ---- primitives (what read/openReadSession are built on) ----

  /**
   * Scan stored records from `startSeqNum` (below the trim point starts at the first surviving record).
   * Never waits, never 416s. 404 if the stream is missing.
   */
  scan(basin: string, stream: string, startSeqNum: number, limits: ScanLimits): RecordScan {
    this.assertOpen();
    return this.log.scan(this.catalog.stream(basin, stream), startSeqNum, limits);
  }

  /**
   * Resolve when the stream's tail seq num is > `afterSeqNum` (at once if already) → `true`; also `true`
   * if the stream is deleted meanwhile (the next scan then throws 404). `false` on timeout, abort or close.
   * Event-driven: woken by `append`, no polling.
   */
  async waitForTail(
    basin: string,
    stream: string,
    afterSeqNum: number,
    options: WaitOptions = {},
  ): Promise<boolean> {
    this.assertOpen();
    const state = this.catalog.stream(basin, stream);
    return this.log.wait(state, afterSeqNum, options.signal, options.timeoutMs ?? Number.POSITIVE_INFINITY);
  }

  /** Call `listener` with the new tail after every committed append to the stream. Returns unsubscribe. */
  subscribe(basin: string, stream: string, listener: (tail: StreamPosition) => void): () => void {
    return this.notifier.subscribe(streamKey(basin, stream), (tail) => {
      if (tail !== null) listener(tail);
    });
  }

  // ---- internals ----

  private commitGroup(requests: readonly AppendRequest[]): AppendOutcome[][] {
    this.assertOpen();
    return this.writer.commit(requests.map((request) => prepareAppendJob(this.catalog, request)));
  }

  /** The stream as it is now; 404 if `state`'s stream was deleted or replaced by a new one of that name. */
  private liveState(state: StreamState): StreamState {
    this.assertOpen();
    let current: StreamState;
    try {
      current = this.catalog.stream(state.basin, state.name);
    } catch (error) {
      if (error instanceof S2ApiError && error.status === 404) throw streamNotFound();
      throw error;
    }
    if (current.id !== state.id) throw streamNotFound();
    return current;
  }
}
