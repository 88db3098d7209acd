// Unary appends and reads (JSON and protobuf) and SSE read sessions, driven by the real S2 SDK.
import {
  AppendInput,
  AppendRecord,
  FencingTokenMismatchError,
  RangeNotSatisfiableError,
  type ReadRecord,
  type ReadSession,
  SeqNumMismatchError,
} from '@s2-dev/streamstore';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalS2Fixture, startLocalS2Fixture } from './test-support';

let fx: LocalS2Fixture;

beforeAll(async () => {
  fx = await startLocalS2Fixture({ basinConfig: { createStreamOnAppend: true, createStreamOnRead: true } });
});

afterAll(async () => {
  await fx.close();
});

const text = (body: string, headers?: [string, string][]) => AppendRecord.string({ body, headers });

async function take<F extends 'string' | 'bytes'>(
  session: ReadSession<F>,
  n: number,
): Promise<ReadRecord<F>[]> {
  const records: ReadRecord<F>[] = [];
  if (n === 0) return records;
  for await (const record of session) {
    records.push(record);
    if (records.length >= n) break;
  }
  return records;
}

describe('unary append and read', () => {
  it('appends string records as JSON and reads them back with headers and timestamps', async () => {
    const stream = fx.stream('json-roundtrip');
    const ack = await stream.append(AppendInput.create([text('a', [['k', 'v']]), text('b'), text('')]));
    expect(ack.start.seqNum).toBe(0);
    expect(ack.end.seqNum).toBe(3);
    expect(ack.tail.seqNum).toBe(3);
    const batch = await stream.read({ start: { from: { seqNum: 0 } } });
    expect(batch.records.map((record) => [record.seqNum, record.body, record.headers])).toEqual([
      [0, 'a', [['k', 'v']]],
      [1, 'b', []],
      [2, '', []],
    ]);
    expect(batch.records[0]?.timestamp).toBeInstanceOf(Date);
    expect((await stream.checkTail()).tail.seqNum).toBe(3);
  });

  it('appends and reads binary records over protobuf without mangling bytes', async () => {
    const stream = fx.stream('binary');
    const body = new Uint8Array([0, 255, 128, 10, 13]);
    await stream.append(
      AppendInput.create([
        AppendRecord.bytes({ body, headers: [[new Uint8Array([1]), new Uint8Array([2, 3])]] }),
      ]),
    );
    const batch = await stream.read({ start: { from: { seqNum: 0 } } }, { as: 'bytes' });
    expect([...(batch.records[0]?.body ?? [])]).toEqual([...body]);
    expect(batch.records[0]?.headers.map(([name, value]) => [[...name], [...value]])).toEqual([
      [[1], [2, 3]],
    ]);
  });

  it('enforces fencing tokens and match_seq_num with the SDK error classes', async () => {
    const stream = fx.stream('fenced');
    await stream.append(AppendInput.create([AppendRecord.fence('writer-1'), text('first')]));
    const fenced = stream.append(AppendInput.create([text('intruder')], { fencingToken: 'writer-2' }));
    await expect(fenced).rejects.toBeInstanceOf(FencingTokenMismatchError);
    await expect(fenced).rejects.toMatchObject({ expectedFencingToken: 'writer-1' });
    await stream.append(AppendInput.create([text('second')], { fencingToken: 'writer-1' }));

    const mismatch = stream.append(AppendInput.create([text('late')], { matchSeqNum: 1 }));
    await expect(mismatch).rejects.toBeInstanceOf(SeqNumMismatchError);
    await expect(mismatch).rejects.toMatchObject({ expectedSeqNum: 3 });
    const ack = await stream.append(AppendInput.create([text('on time')], { matchSeqNum: 3 }));
    expect(ack.start.seqNum).toBe(3);
  });

  it('answers a read past the tail with RangeNotSatisfiableError carrying the tail', async () => {
    const stream = fx.stream('short');
    await stream.append(AppendInput.create([text('only')]));
    const read = stream.read({ start: { from: { seqNum: 5 } } });
    await expect(read).rejects.toBeInstanceOf(RangeNotSatisfiableError);
    await expect(read).rejects.toMatchObject({ tail: { seqNum: 1 } });
  });

  it('trims older records while keeping the tail and returning the command records', async () => {
    const stream = fx.stream('trimmed');
    await stream.append(AppendInput.create(['0', '1', '2', '3'].map((body) => text(body))));
    await stream.append(AppendInput.create([AppendRecord.trim(2)]));
    const batch = await stream.read({ start: { from: { seqNum: 0 } } });
    expect(batch.records.map((record) => record.seqNum)).toEqual([2, 3, 4]);
    expect(batch.records[2]?.headers).toEqual([['', 'trim']]);
    const data = await stream.read({ start: { from: { seqNum: 0 } }, ignoreCommandRecords: true });
    expect(data.records.map((record) => record.body)).toEqual(['2', '3']);
    expect((await stream.checkTail()).tail.seqNum).toBe(5);
  });

  it('long-polls with waitSecs and answers an empty batch when nothing arrives', async () => {
    const stream = fx.stream('long-poll');
    const batch = await stream.read({ start: { from: { seqNum: 0 } }, stop: { waitSecs: 1 } });
    expect(batch.records).toEqual([]);
  });

  it('delivers a record appended during a long-poll', async () => {
    const stream = fx.stream('long-poll-hit');
    await stream.append(AppendInput.create([text('zero')]));
    const parkedBefore = fx.server.stats().sessions;
    const read = stream.read({ start: { from: { seqNum: 1 } }, stop: { waitSecs: 10 } });
    // The server counts a long poll while it waits (a read with records at once ends in the same turn).
    await vi.waitFor(() => expect(fx.server.stats().sessions).toBe(parkedBefore + 1));
    await stream.append(AppendInput.create([text('one')]));
    expect((await read).records.map((record) => record.body)).toEqual(['one']);
  });
});

describe('SSE read sessions (fetch transport)', () => {
  it('reads stored records with a count limit, then ends', async () => {
    const stream = fx.stream('sse-count', { forceTransport: 'fetch' });
    await stream.append(AppendInput.create(['a', 'b', 'c', 'd'].map((body) => text(body))));
    const session = await stream.readSession({
      start: { from: { seqNum: 1 } },
      stop: { limits: { count: 2 } },
    });
    const bodies: string[] = [];
    for await (const record of session) bodies.push(record.body);
    expect(bodies).toEqual(['b', 'c']);
  });

  it('follows the tail and delivers records appended after the session started', async () => {
    const stream = fx.stream('sse-tail', { forceTransport: 'fetch' });
    await stream.append(AppendInput.create([text('before')]));
    const session = await stream.readSession({ start: { from: { seqNum: 0 } } });
    const received = take(session, 3);
    await session.caughtUp();
    await stream.append(AppendInput.create([text('after-1'), text('after-2')]));
    expect((await received).map((record) => record.body)).toEqual(['before', 'after-1', 'after-2']);
  });

  it('reads bytes records through SSE in base64 format', async () => {
    const stream = fx.stream('sse-bytes', { forceTransport: 'fetch' });
    await stream.append(AppendInput.create([AppendRecord.bytes({ body: new Uint8Array([0, 200, 7]) })]));
    const session = await stream.readSession(
      { start: { from: { seqNum: 0 } }, stop: { limits: { count: 1 } } },
      { as: 'bytes' },
    );
    const [record] = await take(session, 1);
    expect([...(record?.body ?? [])]).toEqual([0, 200, 7]);
  });

  it('rejects a session that starts past the tail', async () => {
    const stream = fx.stream('sse-range', { forceTransport: 'fetch' });
    await stream.append(AppendInput.create([text('x')]));
    await expect(stream.readSession({ start: { from: { seqNum: 9 } } })).rejects.toBeInstanceOf(
      RangeNotSatisfiableError,
    );
  });
});

describe('SSE on the wire', () => {
  const sseHeaders = (extra: Record<string, string> = {}) => ({
    's2-basin': fx.basinName,
    accept: 'text/event-stream',
    ...extra,
  });

  it('sends batch events with seq,count,bytes ids, then [DONE]', async () => {
    await fx.stream('wire-sse').append(AppendInput.create([text('ab'), text('c', [['k', 'v']])]));
    const response = await fetch(`${fx.server.url}/v1/streams/wire-sse/records?seq_num=0&count=2`, {
      headers: sseHeaders(),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const body = await response.text();
    expect(body).toMatch(/^event: batch\nid: 1,2,23\ndata: \{"records":\[\{"seq_num":0,/);
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('resumes after Last-Event-ID and keeps counting from it', async () => {
    await fx.stream('wire-resume').append(AppendInput.create(['a', 'b', 'c'].map((body) => text(body))));
    const response = await fetch(`${fx.server.url}/v1/streams/wire-resume/records?seq_num=0&count=3`, {
      headers: sseHeaders({ 'last-event-id': '0,1,9' }),
    });
    const body = await response.text();
    expect(body).toContain('id: 2,3,27\n');
    expect(body).toContain('"body":"b"');
    expect(body).not.toContain('"body":"a"');
  });

  it('sends a ping with the tail as soon as the session reaches the tail', async () => {
    await fx.stream('wire-ping').append(AppendInput.create([text('x')]));
    const controller = new AbortController();
    const response = await fetch(`${fx.server.url}/v1/streams/wire-ping/records?seq_num=0`, {
      headers: sseHeaders({ 's2-format': 'base64' }),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('event: ping')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += Buffer.from(value).toString();
    }
    controller.abort();
    expect(seen).toContain('"body":"eA=="');
    expect(seen).toMatch(/event: ping\ndata: \{"timestamp":\d+,"tail":\{"seq_num":1,/);
  });

  it('ends a session with an error event and no [DONE] when its stream is deleted', async () => {
    await fx.stream('wire-deleted').append(AppendInput.create([text('x')]));
    const response = await fetch(`${fx.server.url}/v1/streams/wire-deleted/records?seq_num=1`, {
      headers: sseHeaders(),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value ?? []).toString()).toContain('event: ping');
    await fx.basin.streams.delete({ stream: 'wire-deleted' });
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += Buffer.from(chunk.value).toString();
    }
    expect(rest).toMatch(/event: error\ndata: \{"code":"stream_not_found",/);
    expect(rest).not.toContain('[DONE]');
  });

  it('rejects a malformed Last-Event-ID with 400 bad_header', async () => {
    const response = await fetch(`${fx.server.url}/v1/streams/wire-resume/records?seq_num=0`, {
      headers: sseHeaders({ 'last-event-id': 'nope' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'bad_header' });
  });
});
