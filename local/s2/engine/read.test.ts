// Unary reads: start resolution, limits, until, 416 rules, trimmed records, long-poll, create on read.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bodies, openTestEngine, rec, s2Error, seqNums, type TestEngine, trim } from './test-support';
import type { ReadQuery } from './types';

const B = 'read-basin';
let kit: TestEngine;
const read = (query: ReadQuery, stream = 's') => kit.engine.read(B, stream, query);
let t0: number;

beforeEach(() => {
  kit = openTestEngine();
  kit.engine.createBasin(B);
  kit.engine.createStream(B, 's');
  kit.engine.createStream(B, 'empty');
  t0 = kit.clock.ms - 1000;
  // records 0..4 at t0, t0+10, ..., t0+40 (in the past, so not capped to arrival time)
  for (let i = 0; i < 5; i++) kit.engine.append(B, 's', { records: [rec(`r${i}`, [], t0 + 10 * i)] });
});
afterEach(() => {
  vi.useRealTimers();
  kit.dispose();
});

describe('start position', () => {
  it('reads from a seq num to the tail, without a tail for historical records', async () => {
    const batch = await read({ seq_num: 2 });
    expect(bodies(batch.records)).toEqual(['r2', 'r3', 'r4']);
    expect(batch.records[0]?.timestamp).toBe(t0 + 20);
    expect(batch.tail).toBeUndefined();
  });

  it('reads from the first record at or after a timestamp', async () => {
    expect(seqNums((await read({ timestamp: t0 + 15 })).records)).toEqual([2, 3, 4]);
    expect(seqNums((await read({ timestamp: t0 + 40 })).records)).toEqual([4]);
  });

  it('reads the last records with tail_offset, saturating at 0', async () => {
    expect(seqNums((await read({ tail_offset: 2 })).records)).toEqual([3, 4]);
    expect(seqNums((await read({ tail_offset: 99 })).records)).toEqual([0, 1, 2, 3, 4]);
  });

  it('answers 416 with the tail past the tail, at the tail without wait, and on an empty stream', async () => {
    const tail = { tail: { seq_num: 5, timestamp: t0 + 40 } };
    for (const query of [
      { seq_num: 6 },
      { seq_num: 5 },
      { tail_offset: 0 },
      {},
      { seq_num: 99, clamp: true },
    ]) {
      const error = await s2Error(() => read(query));
      expect(error.status).toBe(416);
      expect(error.body).toEqual(tail);
    }
    expect((await s2Error(() => read({ timestamp: t0 + 41 }))).body).toEqual(tail);
    expect((await s2Error(() => read({ seq_num: 0 }, 'empty'))).body).toEqual({
      tail: { seq_num: 0, timestamp: 0 },
    });
  });

  it('rejects more than one start and a timestamp not before until with 422', async () => {
    const two = await s2Error(() => read({ seq_num: 0, tail_offset: 1 }));
    expect(two.body).toEqual({
      code: 'invalid',
      message: 'only one of seq_num, timestamp, or tail_offset can be provided',
    });
    const until = await s2Error(() => read({ timestamp: 10, until: 10 }));
    expect(until.body).toEqual({ code: 'invalid', message: 'start `timestamp` exceeds or equal to `until`' });
  });
});

describe('limits', () => {
  it('stops at count, at bytes without splitting records, and before until', async () => {
    expect(bodies((await read({ seq_num: 0, count: 2 })).records)).toEqual(['r0', 'r1']);
    // each record is 8 + 2 = 10 metered bytes
    expect(bodies((await read({ seq_num: 0, bytes: 25 })).records)).toEqual(['r0', 'r1']);
    expect(bodies((await read({ seq_num: 0, until: t0 + 20 })).records)).toEqual(['r0', 'r1']);
  });

  it('returns an empty batch for count=0, bytes=0 or a first record over the byte limit', async () => {
    expect(await read({ seq_num: 0, count: 0 })).toEqual({ records: [] });
    expect(await read({ seq_num: 0, bytes: 0 })).toEqual({ records: [] });
    expect(await read({ seq_num: 0, bytes: 9 })).toEqual({ records: [] });
  });

  it('caps a unary read at 1000 records and 1 MiB', async () => {
    kit.engine.createStream(B, 'big');
    kit.engine.append(B, 'big', { records: Array.from({ length: 1000 }, () => rec('x')) });
    kit.engine.append(B, 'big', { records: Array.from({ length: 10 }, () => rec('y')) });
    expect((await read({ seq_num: 0, count: 5000 }, 'big')).records).toHaveLength(1000);
    kit.engine.createStream(B, 'heavy');
    const half = { body: new Uint8Array(512 * 1024) };
    for (let i = 0; i < 3; i++) kit.engine.append(B, 'heavy', { records: [half] });
    expect((await read({ seq_num: 0 }, 'heavy')).records).toHaveLength(1);
  });
});

describe('trimmed records', () => {
  it('starts at the first surviving record when the start is below the trim point', async () => {
    kit.engine.append(B, 's', { records: [trim(3)] });
    expect(seqNums((await read({ seq_num: 0 })).records)).toEqual([3, 4, 5]);
    expect(seqNums((await read({ timestamp: t0 })).records)).toEqual([3, 4, 5]);
    expect(seqNums((await read({ tail_offset: 10 })).records)).toEqual([3, 4, 5]);
  });
});

describe('long poll', () => {
  it('returns an empty batch when the wait expires, not before', async () => {
    // The long poll's deadline is all timers and Date.now(): fake both and step the clock by hand.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    for (const query of [{ seq_num: 0 }, { seq_num: 999, clamp: true }]) {
      let settled = false;
      const pending = read({ ...query, wait: 1 }, 'empty').finally(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(999);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      expect(await pending).toEqual({ records: [] });
    }
  });

  it('returns the next append with its tail as soon as it lands', async () => {
    const pending = read({ seq_num: 5, wait: 30 });
    kit.engine.append(B, 's', { records: [rec('late-1'), rec('late-2')] });
    const batch = await pending;
    expect(bodies(batch.records)).toEqual(['late-1', 'late-2']);
    expect(batch.tail).toEqual({ seq_num: 7, timestamp: t0 + 1000 });
  });

  it('returns stored records at once even with a wait', async () => {
    // The wait (30 s) outlasts the test's own timeout: only an answer that does not wait passes.
    expect(bodies((await read({ seq_num: 4, wait: 30 })).records)).toEqual(['r4']);
  });

  it('ends a long poll early when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = kit.engine.read(B, 's', { seq_num: 5, wait: 30 }, { signal: controller.signal });
    controller.abort();
    expect(await pending).toEqual({ records: [] });
  });
});

describe('create on read', () => {
  it('creates the stream on read and check tail, after validating the read bounds', async () => {
    kit.engine.createBasin('auto-read-basin', { create_stream_on_read: true });
    await s2Error(() => kit.engine.read('auto-read-basin', 'bad', { seq_num: 0, tail_offset: 0 }));
    expect(kit.engine.listStreams('auto-read-basin').streams).toEqual([]);
    const error = await s2Error(() => kit.engine.read('auto-read-basin', 'made', { seq_num: 0 }));
    expect(error.body).toEqual({ tail: { seq_num: 0, timestamp: 0 } });
    expect(kit.engine.checkTail('auto-read-basin', 'tailed')).toEqual({ seq_num: 0, timestamp: 0 });
    expect(kit.engine.listStreams('auto-read-basin').streams.map((s) => s.name)).toEqual(['made', 'tailed']);
    expect((await s2Error(() => kit.engine.checkTail(B, 'missing'))).status).toBe(404);
  });
});
