// Basin and stream management: create, list, config, ensure, reconfigure, delete, names.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestEngine, s2Error, type TestEngine } from './test-support';

let kit: TestEngine;
beforeEach(() => {
  kit = openTestEngine();
});
afterEach(() => kit.dispose());

describe('basins', () => {
  it('creates a basin with defaults and returns its info and config', () => {
    const { info, result } = kit.engine.createBasin('basin-one');
    expect(result).toBe('created');
    expect(info).toEqual({
      name: 'basin-one',
      location: null,
      created_at: new Date(kit.clock.ms).toISOString(),
      deleted_at: null,
      state: 'active',
    });
    expect(kit.engine.getBasinConfig('basin-one')).toEqual({
      default_stream_config: null,
      stream_cipher: null,
      create_stream_on_append: false,
      create_stream_on_read: false,
    });
  });

  it('keeps only explicitly set default stream config fields', () => {
    kit.engine.createBasin('basin-two', { default_stream_config: { storage_class: 'standard' } });
    expect(kit.engine.getBasinConfig('basin-two').default_stream_config).toEqual({
      storage_class: 'standard',
      retention_policy: null,
      timestamping: null,
      delete_on_empty: null,
    });
  });

  it('rejects a duplicate with 409 unless it is a retry with the same request token', async () => {
    kit.engine.createBasin('basin-dup', null, { requestToken: 'tok-1' });
    expect(kit.engine.createBasin('basin-dup', null, { requestToken: 'tok-1' }).result).toBe('noop');
    const error = await s2Error(() => kit.engine.createBasin('basin-dup', null, { requestToken: 'tok-2' }));
    expect(error.status).toBe(409);
    expect(error.body).toEqual({ code: 'resource_already_exists', message: 'basin already exists' });
  });

  it('rejects invalid basin names with 400 and the code of where the name came from', async () => {
    for (const name of ['short', 'UPPER-case-name', '-leading-hyphen', 'trailing-hyphen-', 'a'.repeat(49)]) {
      expect((await s2Error(() => kit.engine.createBasin(name))).body).toMatchObject({ code: 'bad_json' });
    }
    expect((await s2Error(() => kit.engine.getBasinConfig('bad_name!'))).body).toMatchObject({
      code: 'bad_path',
    });
    expect((await s2Error(() => kit.engine.listStreams('x'))).body).toMatchObject({ code: 'bad_header' });
    expect(kit.engine.createBasin('a'.repeat(48)).result).toBe('created');
  });

  it('answers 422 for a zero retention age and 400 for an unknown enum value', async () => {
    const zero = await s2Error(() =>
      kit.engine.createBasin('basin-age', { default_stream_config: { retention_policy: { age: 0 } } }),
    );
    expect(zero.status).toBe(422);
    expect(zero.body).toEqual({ code: 'invalid', message: 'age must be greater than 0 seconds' });
    const badEnum = await s2Error(() =>
      kit.engine.createBasin('basin-enum', JSON.parse('{"default_stream_config":{"storage_class":"fast"}}')),
    );
    expect(badEnum.status).toBe(400);
  });

  it('lists basins in byte order with prefix, start_after, limit and has_more', () => {
    for (const name of ['beta-basin', 'alpha-basin-2', 'alpha-basin-1', 'alpha-basin-3'])
      kit.engine.createBasin(name);
    const names = (r: { basins: { name: string }[] }) => r.basins.map((b) => b.name);
    const first = kit.engine.listBasins({ prefix: 'alpha', limit: 2 });
    expect(names(first)).toEqual(['alpha-basin-1', 'alpha-basin-2']);
    expect(first.has_more).toBe(true);
    const second = kit.engine.listBasins({ prefix: 'alpha', start_after: 'alpha-basin-2', limit: 2 });
    expect(names(second)).toEqual(['alpha-basin-3']);
    expect(second.has_more).toBe(false);
    expect(names(kit.engine.listBasins({ limit: 0 }))).toHaveLength(4);
  });

  it('ensures a basin: created, then noop for an equal config, then updated', () => {
    expect(kit.engine.ensureBasin('basin-ens').result).toBe('created');
    expect(kit.engine.ensureBasin('basin-ens', {}).result).toBe('noop');
    expect(kit.engine.ensureBasin('basin-ens', { create_stream_on_read: true }).result).toBe('updated');
    expect(kit.engine.getBasinConfig('basin-ens').create_stream_on_read).toBe(true);
  });

  it('reconfigures a basin: absent keeps, null resets, nested defaults are patched', async () => {
    kit.engine.createBasin('basin-rec', {
      create_stream_on_append: true,
      default_stream_config: { storage_class: 'standard', timestamping: { mode: 'arrival' } },
    });
    const patched = kit.engine.reconfigureBasin('basin-rec', {
      default_stream_config: { timestamping: { uncapped: true } },
    });
    expect(patched.create_stream_on_append).toBe(true);
    expect(patched.default_stream_config).toEqual({
      storage_class: 'standard',
      retention_policy: null,
      timestamping: { mode: 'arrival', uncapped: true },
      delete_on_empty: null,
    });
    expect(
      kit.engine.reconfigureBasin('basin-rec', { default_stream_config: null }).default_stream_config,
    ).toBe(null);
    const nullFlag = await s2Error(() =>
      kit.engine.reconfigureBasin('basin-rec', JSON.parse('{"create_stream_on_read":null}')),
    );
    expect(nullFlag.status).toBe(400);
  });

  it('deletes a basin with its streams, then reports it missing', async () => {
    kit.engine.createBasin('basin-del');
    kit.engine.createStream('basin-del', 's');
    kit.engine.deleteBasin('basin-del');
    expect((await s2Error(() => kit.engine.getBasinConfig('basin-del'))).body).toMatchObject({
      code: 'basin_not_found',
    });
    expect((await s2Error(() => kit.engine.deleteBasin('basin-del'))).status).toBe(404);
    kit.engine.createBasin('basin-del');
    expect(kit.engine.listStreams('basin-del').streams).toEqual([]);
  });
});

describe('streams', () => {
  beforeEach(() => {
    kit.engine.createBasin('stream-basin', { default_stream_config: { storage_class: 'standard' } });
  });

  it('creates a stream whose config resolves stream, basin and system defaults', () => {
    const { info, result } = kit.engine.createStream('stream-basin', 'chat/1 日本', {
      timestamping: { mode: 'arrival' },
    });
    expect(result).toBe('created');
    expect(info).toMatchObject({ name: 'chat/1 日本', deleted_at: null, cipher: null });
    expect(kit.engine.getStreamConfig('stream-basin', 'chat/1 日本')).toEqual({
      storage_class: 'standard',
      retention_policy: { age: 604800 },
      timestamping: { mode: 'arrival', uncapped: false },
      delete_on_empty: { min_age_secs: 0 },
    });
  });

  it('round-trips infinite retention', () => {
    kit.engine.createStream('stream-basin', 'forever', { retention_policy: { infinite: {} } });
    expect(kit.engine.getStreamConfig('stream-basin', 'forever').retention_policy).toEqual({ infinite: {} });
  });

  it('reports 404 for a missing stream and for a missing basin', async () => {
    expect((await s2Error(() => kit.engine.getStreamConfig('stream-basin', 'nope'))).body).toMatchObject({
      code: 'stream_not_found',
    });
    expect((await s2Error(() => kit.engine.createStream('missing-basin', 's'))).body).toMatchObject({
      code: 'basin_not_found',
    });
    expect(kit.engine.listStreams('missing-basin')).toEqual({ streams: [], has_more: false });
  });

  it('rejects duplicates with 409 and invalid names with 400', async () => {
    kit.engine.createStream('stream-basin', 'dup');
    expect((await s2Error(() => kit.engine.createStream('stream-basin', 'dup'))).status).toBe(409);
    for (const name of ['', '.', '..', 'x'.repeat(513), 'nul\0byte']) {
      const error = await s2Error(() => kit.engine.createStream('stream-basin', name));
      expect(error.body).toMatchObject({ code: 'bad_json' });
    }
    expect(kit.engine.createStream('stream-basin', 'x'.repeat(512)).result).toBe('created');
    expect((await s2Error(() => kit.engine.getStreamConfig('stream-basin', '..'))).body).toMatchObject({
      code: 'bad_path',
    });
  });

  it('ensures a stream: created, noop for the same resolved config, updated otherwise', () => {
    expect(kit.engine.ensureStream('stream-basin', 'ens').result).toBe('created');
    expect(kit.engine.ensureStream('stream-basin', 'ens', { storage_class: 'standard' }).result).toBe('noop');
    expect(kit.engine.ensureStream('stream-basin', 'ens', { storage_class: 'express' }).result).toBe(
      'updated',
    );
    expect(kit.engine.getStreamConfig('stream-basin', 'ens').storage_class).toBe('express');
  });

  it('reconfigures a stream: absent keeps, null resets to the basin default, {} is a no-op', () => {
    kit.engine.createStream('stream-basin', 'rec', {
      storage_class: 'express',
      timestamping: { uncapped: true },
    });
    const before = kit.engine.getStreamConfig('stream-basin', 'rec');
    expect(kit.engine.reconfigureStream('stream-basin', 'rec', {})).toEqual(before);
    const after = kit.engine.reconfigureStream('stream-basin', 'rec', {
      storage_class: null,
      timestamping: { mode: 'client-require' },
      delete_on_empty: { min_age_secs: 60 },
    });
    expect(after).toEqual({
      storage_class: 'standard',
      retention_policy: { age: 604800 },
      timestamping: { mode: 'client-require', uncapped: true },
      delete_on_empty: { min_age_secs: 60 },
    });
  });

  it('lists streams with pagination and deletes them', async () => {
    for (const name of ['b', 'a/2', 'a/1', 'a/3']) kit.engine.createStream('stream-basin', name);
    const page1 = kit.engine.listStreams('stream-basin', { prefix: 'a/', limit: 2 });
    expect(page1.streams.map((s) => s.name)).toEqual(['a/1', 'a/2']);
    expect(page1.has_more).toBe(true);
    const page2 = kit.engine.listStreams('stream-basin', { prefix: 'a/', start_after: 'a/2' });
    expect(page2).toMatchObject({ streams: [{ name: 'a/3' }], has_more: false });
    kit.engine.deleteStream('stream-basin', 'a/1');
    expect(kit.engine.listStreams('stream-basin').streams.map((s) => s.name)).toEqual(['a/2', 'a/3', 'b']);
    expect((await s2Error(() => kit.engine.deleteStream('stream-basin', 'a/1'))).status).toBe(404);
  });
});
