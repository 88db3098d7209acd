// Sessions on both SDK transports (s2s over h2c, the Node default, and fetch/SSE), plus raw s2s frames.
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import {
  AppendInput,
  AppendRecord,
  BatchTransform,
  FencingTokenMismatchError,
  Producer,
  type ReadRecord,
  type ReadSession,
} from '@s2-dev/streamstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeReadBatch, encodeAppendInput } from './proto-client';
import { type DecodedFrame, encodeFrame, FrameDecoder } from './s2s-framing';
import { type LocalS2Fixture, startLocalS2Fixture } from './test-support';

let fx: LocalS2Fixture;

beforeAll(async () => {
  fx = await startLocalS2Fixture({ heartbeatMs: 200, basinConfig: { createStreamOnAppend: true } });
});

afterAll(async () => {
  await fx.close();
});

const text = (body: string) => AppendRecord.string({ body });

async function take(session: ReadSession, n: number): Promise<ReadRecord[]> {
  const records: ReadRecord[] = [];
  for await (const record of session) {
    records.push(record);
    if (records.length >= n) break;
  }
  return records;
}

describe.each(['s2s', 'fetch'] as const)('sessions through the SDK (%s transport)', (transport) => {
  const open = (name: string) =>
    fx.stream(`${transport}-${name}`, transport === 'fetch' ? { forceTransport: 'fetch' } : undefined);

  it('pipelines append-session batches and acknowledges each in order', async () => {
    const stream = open('append-session');
    const session = await stream.appendSession();
    const tickets = await Promise.all(
      [0, 1, 2].map((batch) => session.submit(AppendInput.create([text(`${batch}-a`), text(`${batch}-b`)]))),
    );
    const acks = await Promise.all(tickets.map((ticket) => ticket.ack()));
    expect(acks.map((ack) => [ack.start.seqNum, ack.end.seqNum])).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
    await session.close();
    const read = await stream.readSession({ start: { from: { seqNum: 0 } }, stop: { limits: { count: 6 } } });
    const bodies: string[] = [];
    for await (const record of read) bodies.push(record.body);
    expect(bodies).toEqual(['0-a', '0-b', '1-a', '1-b', '2-a', '2-b']);
  });

  it('batches records through a Producer and assigns gapless sequence numbers', async () => {
    const stream = open('producer');
    const producer = new Producer(
      new BatchTransform({ maxBatchRecords: 10, lingerDurationMillis: 5 }),
      await stream.appendSession(),
    );
    const tickets = [];
    for (let i = 0; i < 45; i++) tickets.push(await producer.submit(text(`r${i}`)));
    const acks = await Promise.all(tickets.map((ticket) => ticket.ack()));
    expect(acks.map((ack) => ack.seqNum())).toEqual([...Array(45).keys()]);
    await producer.close();
    expect((await stream.checkTail()).tail.seqNum).toBe(45);
  });

  it('tails: a read session at the tail receives records appended later', async () => {
    const stream = open('tailing');
    await stream.append(AppendInput.create([text('old')]));
    const session = await stream.readSession({ start: { from: { seqNum: 0 } } });
    const received = take(session, 3);
    await session.caughtUp();
    await stream.append(AppendInput.create([text('new-1')]));
    await stream.append(AppendInput.create([text('new-2')]));
    expect((await received).map((record) => record.body)).toEqual(['old', 'new-1', 'new-2']);
  });

  it('ends a read session when its wait budget passes with nothing new', async () => {
    const stream = open('wait-budget');
    await stream.append(AppendInput.create([text('x')]));
    const session = await stream.readSession({ start: { from: { seqNum: 0 } }, stop: { waitSecs: 1 } });
    const records: string[] = [];
    const ended = (async () => {
      for await (const record of session) records.push(record.body);
    })();
    // At the tail the session waits for more (a second is ample for one local append) instead of ending...
    await session.caughtUp();
    await stream.append(AppendInput.create([text('y')]));
    // ...and ends by itself once a second passes with nothing new.
    await ended;
    expect(records).toEqual(['x', 'y']);
  });

  it('surfaces a fencing mismatch in an append session as FencingTokenMismatchError', async () => {
    const stream = open('session-fence');
    await stream.append(AppendInput.create([AppendRecord.fence('owner')]));
    const session = await stream.appendSession();
    const ticket = await session.submit(AppendInput.create([text('nope')], { fencingToken: 'other' }));
    await expect(ticket.ack()).rejects.toBeInstanceOf(FencingTokenMismatchError);
    await session.close().catch(() => undefined);
    expect((await stream.checkTail()).tail.seqNum).toBe(1);
  });
});

/** Resolves once `check` holds, polling briefly; fails after a generous bound. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('client departures', () => {
  it('ends the server side of s2s and SSE read sessions when their clients go away', async () => {
    const stream = fx.stream('departures');
    await stream.append(AppendInput.create([text('x')]));
    const s2sSession = await stream.readSession({ start: { from: { seqNum: 0 } } });
    const s2sReader = s2sSession.getReader();
    await s2sReader.read();
    const sse = new AbortController();
    const response = await fetch(`${fx.server.url}/v1/streams/departures/records?seq_num=0`, {
      headers: { 's2-basin': fx.basinName, accept: 'text/event-stream' },
      signal: sse.signal,
    });
    expect(response.status).toBe(200);
    await eventually(() => fx.server.stats().sessions === 2, 'both sessions to start');
    await s2sReader.cancel();
    sse.abort();
    await eventually(() => fx.server.stats().sessions === 0, 'both sessions to end');
  });

  it('ends an s2s read session cancelled while records still flow, so the connection closes at once', async () => {
    // 5 MB to send: the server still has writes pending when the client resets the stream.
    const writer = fx.basin.stream('departures-busy');
    const body = 'x'.repeat(1024);
    for (let batch = 0; batch < 10; batch++) {
      await writer.append(
        AppendInput.create(Array.from({ length: 500 }, () => AppendRecord.string({ body }))),
      );
    }
    const reader = fx.basin.stream('departures-busy');
    const session = (await reader.readSession({ start: { from: { seqNum: 0 } } })).getReader();
    await session.read();
    await session.cancel();
    await eventually(() => fx.server.stats().sessions === 0, 'the read session to end');
    // The last handle's close gracefully closes the SDK's pooled connection, which waits for every stream
    // without a timeout: a stream the server left open would hold it past the test's timeout.
    await Promise.all([writer.close(), reader.close()]);
  });
});

/** A raw HTTP/2 exchange with local S2, collecting decoded frames. */
function rawExchange(path: string, method: 'GET' | 'POST') {
  const client = http2.connect(fx.server.url);
  const request = client.request({
    ':method': method,
    ':path': path,
    'content-type': 's2s/proto',
    accept: 'application/protobuf',
    's2-basin': fx.basinName,
  });
  const decoder = new FrameDecoder();
  const frames: DecodedFrame[] = [];
  const waiters: Array<() => void> = [];
  request.on('data', (chunk: Buffer) => {
    decoder.push(chunk);
    for (let frame = decoder.next(); frame; frame = decoder.next()) frames.push(frame);
    for (const wake of waiters.splice(0)) wake();
  });
  const status = new Promise<number>((resolve) =>
    request.once('response', (h) => resolve(Number(h[':status']))),
  );
  return {
    request,
    status,
    frames,
    async waitForFrames(n: number): Promise<DecodedFrame[]> {
      while (frames.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return frames;
    },
    close: () => new Promise<void>((resolve) => client.close(() => resolve())),
  };
}

/** A client connection that sends its first write (the HTTP/2 preface) in two pieces, 30 ms apart. */
function splitPrefaceConnection(url: string): Duplex {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let first = true;
  const connection = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (!first) return void socket.write(chunk, callback);
      first = false;
      socket.write(chunk.subarray(0, 10));
      setTimeout(() => socket.write(chunk.subarray(10), callback), 30);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => connection.push(chunk));
  socket.on('end', () => connection.push(null));
  return connection;
}

describe('s2s on the wire', () => {
  it('recognises an HTTP/2 preface that arrives in pieces, and serves REST over HTTP/2 too', async () => {
    const client = http2.connect(fx.server.url, {
      createConnection: () => splitPrefaceConnection(fx.server.url),
    });
    const request = client.request({ ':path': '/v1/basins' });
    const status = new Promise<number>((resolve) =>
      request.once('response', (h) => resolve(Number(h[':status']))),
    );
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    await new Promise((resolve) => request.once('end', resolve));
    expect(await status).toBe(200);
    expect(JSON.parse(body).basins.map((basin: { name: string }) => basin.name)).toContain(fx.basinName);
    await new Promise<void>((resolve) => client.close(() => resolve()));
  });

  it('sends a heartbeat with the tail at once on reaching the tail, then at the heartbeat interval', async () => {
    await fx.stream('raw-heartbeat').append(AppendInput.create([text('a'), text('b')]));
    const exchange = rawExchange('/v1/streams/raw-heartbeat/records?seq_num=2', 'GET');
    expect(await exchange.status).toBe(200);
    const [first, second] = await exchange.waitForFrames(2);
    for (const frame of [first, second]) {
      expect(frame?.terminal).toBe(false);
      const batch = decodeReadBatch(frame?.body ?? new Uint8Array());
      expect(batch.records).toEqual([]);
      expect(batch.tail?.seq_num).toBe(2);
    }
    exchange.request.close();
    await exchange.close();
  });

  it('ends an append session with a terminal 412 frame carrying the JSON body', async () => {
    await fx.stream('raw-terminal').append(AppendInput.create([text('a')]));
    const exchange = rawExchange('/v1/streams/raw-terminal/records', 'POST');
    const body = (s: string) => new Uint8Array(Buffer.from(s));
    exchange.request.write(
      encodeFrame(encodeAppendInput({ records: [{ body: body('ok') }], match_seq_num: 1 })),
    );
    exchange.request.write(
      encodeFrame(encodeAppendInput({ records: [{ body: body('no') }], match_seq_num: 7 })),
    );
    const [ack, terminal] = await exchange.waitForFrames(2);
    expect(ack?.terminal).toBe(false);
    expect(terminal).toMatchObject({ terminal: true, statusCode: 412 });
    expect(JSON.parse(Buffer.from(terminal?.body ?? []).toString())).toEqual({ seq_num_mismatch: 2 });
    exchange.request.close();
    await exchange.close();
  });
});
