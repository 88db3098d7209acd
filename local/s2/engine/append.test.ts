// Append semantics: acks, fencing and match_seq_num order, command records, limits, timestamps, auto-create.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bodies,
  bytes,
  fence,
  openTestEngine,
  rec,
  s2Error,
  seqNums,
  type TestEngine,
  trim,
} from './test-support';
import type { AppendInput, StreamConfigInput } from './types';

const B = 'append-basin';
let kit: TestEngine;
const append = (stream: string, input: AppendInput) => kit.engine.append(B, stream, input);
const readAll = async (stream: string) =>
  (await kit.engine.read(B, stream, { seq_num: 0, clamp: true, wait: 0 })).records;

beforeEach(() => {
  kit = openTestEngine();
  kit.engine.createBasin(B);
  kit.engine.createStream(B, 's');
});
afterEach(() => kit.dispose());

describe('acks and conditions', () => {
  it('acks start, end and tail, with end - start equal to the record count', () => {
    const first = append('s', { records: [rec('a'), rec('b')] });
    expect(first).toEqual({
      start: { seq_num: 0, timestamp: kit.clock.ms },
      end: { seq_num: 2, timestamp: kit.clock.ms },
      tail: { seq_num: 2, timestamp: kit.clock.ms },
    });
    expect(append('s', { records: [rec('c')] }).start.seq_num).toBe(2);
    expect(kit.engine.checkTail(B, 's')).toEqual({ seq_num: 3, timestamp: kit.clock.ms });
  });

  it('checks match_seq_num against the tail and answers the tail on mismatch', async () => {
    append('s', { records: [rec('a')], match_seq_num: 0 });
    const error = await s2Error(() => append('s', { records: [rec('b')], match_seq_num: 5 }));
    expect(error.status).toBe(412);
    expect(error.body).toEqual({ seq_num_mismatch: 1 });
  });

  it('checks the fencing token before match_seq_num', async () => {
    append('s', { records: [fence('writer-1')] });
    const error = await s2Error(() =>
      append('s', { records: [rec('x')], fencing_token: 'other', match_seq_num: 99 }),
    );
    expect(error.status).toBe(412);
    expect(error.body).toEqual({ fencing_token_mismatch: 'writer-1' });
  });

  it('treats an omitted token as no check but "" as a check against the empty token', async () => {
    append('s', { records: [rec('a')], fencing_token: '' });
    append('s', { records: [fence('t1')] });
    append('s', { records: [rec('cooperative')], fencing_token: null });
    append('s', { records: [rec('cooperative')] });
    const error = await s2Error(() => append('s', { records: [rec('b')], fencing_token: '' }));
    expect(error.body).toEqual({ fencing_token_mismatch: 't1' });
    append('s', { records: [rec('c')], fencing_token: 't1' });
  });

  it('applies a fence to later batches only, and an empty fence clears it', async () => {
    append('s', { records: [fence('A'), rec('after fence, same batch')], fencing_token: '' });
    await s2Error(() => append('s', { records: [rec('x')], fencing_token: '' }));
    append('s', { records: [fence('B')], fencing_token: 'A' });
    append('s', { records: [fence('')], fencing_token: 'B' });
    append('s', { records: [rec('open again')], fencing_token: '' });
    const records = await readAll('s');
    expect(bodies(records)).toEqual(['A', 'after fence, same batch', 'B', '', 'open again']);
    expect(records[0]?.headers.map(([n, v]) => [n.length, Buffer.from(v).toString()])).toEqual([
      [0, 'fence'],
    ]);
  });

  it('writes nothing when a condition fails', async () => {
    append('s', { records: [rec('a')] });
    await s2Error(() => append('s', { records: [rec('b'), rec('c')], match_seq_num: 0 }));
    expect(bodies(await readAll('s'))).toEqual(['a']);
  });
});

describe('trim', () => {
  it('trims below the payload, keeps the tail, and returns the trim record', async () => {
    append('s', { records: [rec('0'), rec('1'), rec('2')] });
    const ack = append('s', { records: [trim(2)] });
    expect(ack.tail.seq_num).toBe(4);
    const records = await readAll('s');
    expect(seqNums(records)).toEqual([2, 3]);
    expect(records[1]?.headers.map(([, v]) => Buffer.from(v).toString())).toEqual(['trim']);
  });

  it('caps a future trim at the trim record + 1 and never moves the trim point back', async () => {
    append('s', { records: [rec('0'), rec('1')] });
    append('s', { records: [trim(10)] });
    expect(await readAll('s')).toEqual([]);
    append('s', { records: [rec('3')] });
    append('s', { records: [trim(1)] });
    expect(seqNums(await readAll('s'))).toEqual([3, 4]);
  });
});

describe('validation', () => {
  it('rejects 1001 records and more than 1 MiB with 422, writing nothing', async () => {
    const many = Array.from({ length: 1001 }, () => rec('x'));
    expect((await s2Error(() => append('s', { records: many }))).body).toEqual({
      code: 'invalid',
      message: 'record batch must not exceed 1000 records',
    });
    const big = { body: new Uint8Array(600 * 1024) };
    const tooBig = await s2Error(() => append('s', { records: [big, big] }));
    expect(tooBig.status).toBe(422);
    expect(tooBig.body).toMatchObject({ message: 'record batch must not exceed a metered size of 1 MiB' });
    const oneRecord = await s2Error(() => append('s', { records: [{ body: new Uint8Array(1024 * 1024) }] }));
    expect(oneRecord.body).toMatchObject({ message: 'record must have metered size less than 1 MiB' });
    expect((await s2Error(() => append('s', { records: [] }))).status).toBe(422);
    expect(kit.engine.checkTail(B, 's').seq_num).toBe(0);
  });

  it('accepts exactly 1000 records and exactly 1 MiB metered', () => {
    expect(append('s', { records: Array.from({ length: 1000 }, () => rec('x')) }).end.seq_num).toBe(1000);
    // metered = 8 + body, so a body of 1 MiB - 8 is exactly the cap
    expect(append('s', { records: [{ body: new Uint8Array(1024 * 1024 - 8) }] }).end.seq_num).toBe(1001);
  });

  it('rejects invalid command records and empty header names', async () => {
    const cases: Array<[AppendInput['records'], string]> = [
      [[rec('x', [['', 'not-a-command']])], 'unknown command'],
      [
        [
          rec('x', [
            ['', 'fence'],
            ['k', 'v'],
          ]),
        ],
        'invalid header: empty name',
      ],
      [[fence('t'.repeat(37))], 'invalid `fence` command: fencing token must not exceed 36 bytes in length'],
      [
        [{ headers: [[bytes(''), bytes('fence')]], body: new Uint8Array([0xff]) }],
        'invalid `fence` command: invalid UTF-8',
      ],
      [
        [rec('1234', [['', 'trim']])],
        'invalid `trim` command: earliest sequence number to trim to was 4 bytes, must be 8',
      ],
    ];
    for (const [records, message] of cases) {
      const error = await s2Error(() => append('s', { records }));
      expect(error.status).toBe(422);
      expect(error.body).toEqual({ code: 'invalid', message });
    }
    expect(
      (await s2Error(() => append('s', { records: [rec('x')], fencing_token: 'x'.repeat(37) }))).status,
    ).toBe(422);
  });

  it('checks names first, then the batch, then the stream', async () => {
    expect((await s2Error(() => append('..', { records: [] }))).body).toMatchObject({ code: 'bad_path' });
    expect((await s2Error(() => append('missing', { records: [] }))).status).toBe(422);
    expect((await s2Error(() => append('missing', { records: [rec('x')] }))).body).toMatchObject({
      code: 'stream_not_found',
    });
    const noBasin = await s2Error(() => kit.engine.append('no-such-basin', 's', { records: [rec('x')] }));
    expect(noBasin.body).toMatchObject({ code: 'basin_not_found' });
  });
});

describe('timestamps', () => {
  const withMode = (name: string, timestamping: StreamConfigInput['timestamping']) =>
    kit.engine.createStream(B, name, { timestamping });

  it('prefers client timestamps, caps them at arrival time, and never decreases', () => {
    withMode('prefer', { mode: 'client-prefer' });
    const now = kit.clock.ms;
    const ack = append('prefer', { records: [rec('a', [], now - 100), rec('b'), rec('c', [], now + 5000)] });
    expect(ack.start.timestamp).toBe(now - 100);
    expect(ack.end.timestamp).toBe(now);
    const older = append('prefer', { records: [rec('d', [], now - 500)] });
    expect(older.start.timestamp).toBe(now);
  });

  it('keeps future timestamps when uncapped', () => {
    withMode('uncapped', { uncapped: true });
    const future = kit.clock.ms + 60_000;
    expect(append('uncapped', { records: [rec('a', [], future)] }).start.timestamp).toBe(future);
  });

  it('rejects a whole batch missing a timestamp in client-require mode', async () => {
    withMode('require', { mode: 'client-require' });
    const error = await s2Error(() => append('require', { records: [rec('a', [], 5), rec('b')] }));
    expect(error.body).toEqual({ code: 'invalid', message: 'record timestamp was required but was missing' });
    expect(append('require', { records: [rec('a', [], 5)] }).start.timestamp).toBe(5);
  });

  it('uses arrival time in arrival mode and shares one "now" per batch', () => {
    withMode('arrival', { mode: 'arrival' });
    const ack = append('arrival', { records: [rec('a', [], 1), rec('b', [], 2)] });
    expect([ack.start.timestamp, ack.end.timestamp]).toEqual([kit.clock.ms, kit.clock.ms]);
    kit.clock.ms -= 1000; // the clock going backwards still yields monotonic timestamps
    expect(append('arrival', { records: [rec('c')] }).start.timestamp).toBe(kit.clock.ms + 1000);
  });
});

describe('create on append', () => {
  it('creates a missing stream with the basin defaults and the supplied config', async () => {
    kit.engine.createBasin('auto-basin', {
      create_stream_on_append: true,
      default_stream_config: { storage_class: 'standard' },
    });
    kit.engine.append(
      'auto-basin',
      'new',
      { records: [rec('x')] },
      { createConfig: { timestamping: { mode: 'arrival' } } },
    );
    expect(kit.engine.getStreamConfig('auto-basin', 'new')).toMatchObject({
      storage_class: 'standard',
      timestamping: { mode: 'arrival' },
    });
    expect(bodies((await kit.engine.read('auto-basin', 'new', { seq_num: 0 })).records)).toEqual(['x']);
  });
});
