// Basins and streams: CRUD, ensure, reconfigure, listing and the cached stream state used by the data path.

import {
  checkStreamConfigInput,
  normalizeBasinConfig,
  reconfigureBasinConfig,
  reconfigureStreamConfig,
  resolveStreamConfig,
  sameConfig,
} from './config';
import { assertBasinName, assertStreamName, type NameSource } from './names';
import type { BasinRow, Store } from './store';
import { type StreamState, streamInfoOf, streamKey, streamStateFromRow } from './stream-state';
import type { TailNotifier } from './tail-notifier';
import {
  type BasinConfig,
  type BasinConfigInput,
  type BasinInfo,
  type BasinReconfiguration,
  type ListBasinsResult,
  type ListOptions,
  type ListStreamsResult,
  type Provisioned,
  S2ApiError,
  type StreamConfig,
  type StreamConfigInput,
  type StreamInfo,
  type StreamReconfiguration,
} from './types';

const LIST_LIMIT_MAX = 1000;

function listLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isSafeInteger(limit) || limit <= 0 || limit > LIST_LIMIT_MAX) {
    return LIST_LIMIT_MAX;
  }
  return limit;
}

/** Rows after `start_after` with `prefix`, `limit` of them, and whether more exist. */
function page<T extends { name: string }>(
  query: (startAfter: string, prefix: string, limit: number) => T[],
  options: ListOptions,
): { rows: T[]; hasMore: boolean } {
  const prefix = options.prefix ?? '';
  const limit = listLimit(options.limit);
  const candidates = query(options.start_after ?? '', prefix, limit + 1);
  const rows: T[] = [];
  for (const row of candidates) {
    if (!row.name.startsWith(prefix)) break;
    rows.push(row);
  }
  const hasMore = rows.length > limit;
  return { rows: rows.slice(0, limit), hasMore };
}

function basinInfoOf(row: BasinRow): BasinInfo {
  return { name: row.name, location: null, created_at: row.created_at, deleted_at: null, state: 'active' };
}

export const basinNotFound = (): S2ApiError => new S2ApiError(404, 'basin_not_found', 'basin not found');
export const streamNotFound = (): S2ApiError => new S2ApiError(404, 'stream_not_found', 'stream not found');

export class Catalog {
  private readonly streams = new Map<string, StreamState>();

  constructor(
    private readonly store: Store,
    private readonly notifier: TailNotifier,
    private readonly now: () => number,
  ) {}

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  // ---- basins ----

  listBasins(options: ListOptions): ListBasinsResult {
    const { rows, hasMore } = page((a, p, l) => this.store.sql.listBasins.all(a, p, l), options);
    return { basins: rows.map(basinInfoOf), has_more: hasMore };
  }

  basinRow(name: string, source: NameSource): BasinRow {
    assertBasinName(name, source);
    const row = this.store.sql.getBasin.get(name);
    if (row === undefined) throw basinNotFound();
    return row;
  }

  basinConfig(row: BasinRow): BasinConfig {
    return JSON.parse(row.config) as BasinConfig;
  }

  createBasin(
    name: string,
    input: BasinConfigInput | null | undefined,
    requestToken?: string,
  ): Provisioned<BasinInfo> {
    assertBasinName(name, 'body');
    const config = normalizeBasinConfig(input);
    const existing = this.store.sql.getBasin.get(name);
    if (existing !== undefined) {
      const retry =
        requestToken !== undefined &&
        existing.request_token === requestToken &&
        sameConfig(this.basinConfig(existing), config);
      if (retry) return { info: basinInfoOf(existing), result: 'noop' };
      throw new S2ApiError(409, 'resource_already_exists', 'basin already exists');
    }
    return { info: this.insertBasin(name, config, requestToken ?? null), result: 'created' };
  }

  private insertBasin(name: string, config: BasinConfig, requestToken: string | null): BasinInfo {
    const createdAt = this.timestamp();
    this.store.sql.insertBasin.run(name, JSON.stringify(config), createdAt, requestToken);
    return { name, location: null, created_at: createdAt, deleted_at: null, state: 'active' };
  }

  ensureBasin(name: string, input: BasinConfigInput | null | undefined): Provisioned<BasinInfo> {
    assertBasinName(name, 'path');
    const config = normalizeBasinConfig(input);
    const existing = this.store.sql.getBasin.get(name);
    if (existing === undefined) return { info: this.insertBasin(name, config, null), result: 'created' };
    if (sameConfig(this.basinConfig(existing), config))
      return { info: basinInfoOf(existing), result: 'noop' };
    this.store.sql.updateBasinConfig.run(JSON.stringify(config), name);
    return { info: basinInfoOf(existing), result: 'updated' };
  }

  reconfigureBasin(name: string, patch: BasinReconfiguration): BasinConfig {
    const row = this.basinRow(name, 'path');
    const config = reconfigureBasinConfig(this.basinConfig(row), patch);
    this.store.sql.updateBasinConfig.run(JSON.stringify(config), name);
    return config;
  }

  deleteBasin(name: string): void {
    this.basinRow(name, 'path');
    const streams = this.store.sql.streamIdsOfBasin.all(name);
    this.store.db.transaction(() => {
      for (const { id } of streams) {
        this.store.sql.deleteAllRecords.run(id);
        this.store.sql.deleteStream.run(id);
      }
      this.store.sql.deleteBasin.run(name);
    })();
    for (const stream of streams) this.forget(streamKey(name, stream.name));
  }

  // ---- streams ----

  listStreams(basin: string, options: ListOptions): ListStreamsResult {
    assertBasinName(basin, 'header');
    const { rows, hasMore } = page((a, p, l) => this.store.sql.listStreams.all(basin, a, p, l), options);
    return { streams: rows.map(streamInfoOf), has_more: hasMore };
  }

  /** The stream's cached state; 404 `stream_not_found`, or `basin_not_found` when the basin is missing too. */
  stream(basin: string, name: string, nameSource: NameSource = 'path'): StreamState {
    const cached = this.streams.get(streamKey(basin, name));
    if (cached !== undefined) return cached;
    assertBasinName(basin, 'header');
    assertStreamName(name, nameSource);
    const found = this.find(basin, name);
    if (found !== undefined) return found;
    this.basinRow(basin, 'header');
    throw streamNotFound();
  }

  private find(basin: string, name: string): StreamState | undefined {
    const row = this.store.sql.getStream.get(basin, name);
    if (row === undefined) return undefined;
    const state = streamStateFromRow(row);
    this.streams.set(state.key, state);
    return state;
  }

  /** 400 for invalid names of a data-path request (header basin, path stream); free for cached streams. */
  checkNames(basin: string, name: string): void {
    if (this.streams.has(streamKey(basin, name))) return;
    assertBasinName(basin, 'header');
    assertStreamName(name, 'path');
  }

  /** For append/read/check-tail: the stream, auto-created when the basin's flag for `on` is set. */
  streamFor(
    basin: string,
    name: string,
    on: 'append' | 'read',
    createConfig?: StreamConfigInput | null,
  ): StreamState {
    const cached = this.streams.get(streamKey(basin, name));
    if (cached !== undefined) return cached;
    assertBasinName(basin, 'header');
    assertStreamName(name, 'path');
    const found = this.find(basin, name);
    if (found !== undefined) return found;
    const basinRow = this.basinRow(basin, 'header');
    const basinConfig = this.basinConfig(basinRow);
    const allowed = on === 'append' ? basinConfig.create_stream_on_append : basinConfig.create_stream_on_read;
    if (!allowed) throw streamNotFound();
    const input =
      createConfig === undefined || createConfig === null ? null : checkStreamConfigInput(createConfig);
    this.insertStream(basin, name, resolveStreamConfig(input, basinConfig.default_stream_config), null);
    return this.stream(basin, name);
  }

  private insertStream(
    basin: string,
    name: string,
    config: StreamConfig,
    requestToken: string | null,
  ): StreamInfo {
    const createdAt = this.timestamp();
    this.store.sql.insertStream.run(basin, name, JSON.stringify(config), createdAt, requestToken);
    return { name, created_at: createdAt, deleted_at: null, cipher: null };
  }

  private resolveFor(basin: string, input: StreamConfigInput | null | undefined): StreamConfig {
    const basinConfig = this.basinConfig(this.basinRow(basin, 'header'));
    const checked = input === undefined || input === null ? null : checkStreamConfigInput(input);
    return resolveStreamConfig(checked, basinConfig.default_stream_config);
  }

  createStream(
    basin: string,
    name: string,
    input: StreamConfigInput | null | undefined,
    requestToken?: string,
  ): Provisioned<StreamInfo> {
    assertBasinName(basin, 'header');
    assertStreamName(name, 'body');
    const config = this.resolveFor(basin, input);
    const existing = this.find(basin, name);
    if (existing !== undefined) {
      const retry =
        requestToken !== undefined &&
        existing.requestToken === requestToken &&
        sameConfig(existing.config, config);
      if (retry) return { info: streamInfoOf(existing), result: 'noop' };
      throw new S2ApiError(409, 'resource_already_exists', 'stream already exists');
    }
    return { info: this.insertStream(basin, name, config, requestToken ?? null), result: 'created' };
  }

  ensureStream(
    basin: string,
    name: string,
    input: StreamConfigInput | null | undefined,
  ): Provisioned<StreamInfo> {
    assertBasinName(basin, 'header');
    assertStreamName(name, 'path');
    const config = this.resolveFor(basin, input);
    const existing = this.find(basin, name);
    if (existing === undefined)
      return { info: this.insertStream(basin, name, config, null), result: 'created' };
    if (sameConfig(existing.config, config)) return { info: streamInfoOf(existing), result: 'noop' };
    this.store.sql.updateStreamConfig.run(JSON.stringify(config), existing.id);
    existing.config = config;
    return { info: streamInfoOf(existing), result: 'updated' };
  }

  reconfigureStream(basin: string, name: string, patch: StreamReconfiguration): StreamConfig {
    const state = this.stream(basin, name);
    const basinConfig = this.basinConfig(this.basinRow(basin, 'header'));
    const config = reconfigureStreamConfig(
      state.config,
      checkStreamConfigInput(patch),
      basinConfig.default_stream_config,
    );
    this.store.sql.updateStreamConfig.run(JSON.stringify(config), state.id);
    state.config = config;
    return config;
  }

  deleteStream(basin: string, name: string): void {
    const state = this.stream(basin, name);
    this.store.db.transaction(() => {
      this.store.sql.deleteAllRecords.run(state.id);
      this.store.sql.deleteStream.run(state.id);
    })();
    this.forget(state.key);
  }

  /** Drop a deleted stream from the cache and wake its readers so they notice. */
  private forget(key: string): void {
    this.streams.delete(key);
    this.notifier.notify(key, null);
  }
}
