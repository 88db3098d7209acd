// Group commit on the wire: pipelined s2s appends and concurrent REST appends, acked in order after commit.
import { mkdtemp, rm } from 'node:fs/promises';
import * as http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppendInput,
  AppendRecord,
  BatchTransform,
  Producer,
  S2,
  type S2Stream,
  SeqNumMismatchError,
} from '@s2-dev/streamstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppendInput as EngineAppendInput } from '../engine/index';
import { decodeAppendAck, encodeAppendInput } from './proto-client';
import { type DecodedFrame, encodeFrame, FrameDecoder } from './s2s-framing';
import { startLocalS2 } from './server';
import { type LocalS2Fixture, localS2ClientConfig, startLocalS2Fixture } from './test-support';

let fx: LocalS2Fixture;

beforeAll(async () => {
  fx = await startLocalS2Fixture({ basinConfig: { createStreamOnAppend: true } });
});

afterAll(async () => {
  await fx.close();
});

const text = (body: string) => AppendRecord.string({ body });
const batchOf = (prefix: string, size: number) =>
  AppendInput.create(Array.from({ length: size }, (_, i) => text(`${prefix}.${i}`)));

async function readBodies(stream: S2Stream, count: number): Promise<string[]> {
  const bodies: string[] = [];
  const session = await stream.readSession({ start: { from: { seqNum: 0 } }, stop: { limits: { count } } });
  for await (const record of session) bodies.push(record.body);
  return bodies;
}

/** Sends `inputs` as s2s frames in ONE write, half-closes, and collects every frame until the response ends. */
async function rawAppend(
  stream: string,
  inputs: EngineAppendInput[],
  tail?: Buffer,
): Promise<DecodedFrame[]> {
  const client = http2.connect(fx.server.url);
  try {
    const request = client.request({
      ':method': 'POST',
      ':path': `/v1/streams/${stream}/records`,
      'content-type': 's2s/proto',
      's2-basin': fx.basinName,
    });
    const decoder = new FrameDecoder();
    const frames: DecodedFrame[] = [];
    request.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      for (let frame = decoder.next(); frame; frame = decoder.next()) frames.push(frame);
    });
    const ended = new Promise((resolve) => request.once('end', resolve));
    const payload = inputs.map((input) => encodeFrame(encodeAppendInput(input)));
    request.end(Buffer.concat(tail ? [...payload, tail] : payload));
    await ended;
    return frames;
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
}

const body = (s: string) => new Uint8Array(Buffer.from(s));

describe('pipelined s2s append sessions through the SDK', () => {
  it('acknowledges hundreds of pipelined batches in submission order with gapless seq nums', async () => {
    const stream = fx.stream('pipelined');
    const session = await stream.appendSession({ maxInflightBatches: 64 });
    const order: number[] = [];
    const acks: Promise<[number, number]>[] = [];
    for (let i = 0; i < 300; i++) {
      const ticket = await session.submit(batchOf(`b${i}`, 3));
      acks.push(
        ticket.ack().then((ack) => {
          order.push(i);
          return [ack.start.seqNum, ack.end.seqNum];
        }),
      );
    }
    const ranges = await Promise.all(acks);
    await session.close();
    expect(order).toEqual([...Array(300).keys()]);
    expect(ranges).toEqual(ranges.map((_, i) => [3 * i, 3 * i + 3]));
    const bodies = await readBodies(stream, 900);
    expect(bodies.slice(0, 4)).toEqual(['b0.0', 'b0.1', 'b0.2', 'b1.0']);
    expect(bodies.at(-1)).toBe('b299.2');
    expect(bodies).toHaveLength(900);
  });

  it('gives every record of a Producer its own gapless seq num under heavy pipelining', async () => {
    const stream = fx.stream('producer');
    const producer = new Producer(
      new BatchTransform({ maxBatchRecords: 7, lingerDurationMillis: 1 }),
      await stream.appendSession({ maxInflightBatches: 32 }),
    );
    const tickets = [];
    for (let i = 0; i < 500; i++) tickets.push(await producer.submit(text(`r${i}`)));
    const acks = await Promise.all(tickets.map((ticket) => ticket.ack()));
    await producer.close();
    expect(acks.map((ack) => ack.seqNum())).toEqual([...Array(500).keys()]);
    expect((await stream.checkTail()).tail.seqNum).toBe(500);
  });

  it('acks the batches before a mismatching one and rejects it with SeqNumMismatchError', async () => {
    const stream = fx.stream('pipelined-mismatch');
    const session = await stream.appendSession({ maxInflightBatches: 8 });
    const first = await session.submit(AppendInput.create([text('a')], { matchSeqNum: 0 }));
    const second = await session.submit(AppendInput.create([text('b')], { matchSeqNum: 1 }));
    const wrong = await session.submit(AppendInput.create([text('c')], { matchSeqNum: 7 }));
    expect((await first.ack()).start.seqNum).toBe(0);
    expect((await second.ack()).start.seqNum).toBe(1);
    await expect(wrong.ack()).rejects.toBeInstanceOf(SeqNumMismatchError);
    await session.close().catch(() => undefined);
    expect(await readBodies(stream, 2)).toEqual(['a', 'b']);
  });
});

describe('a group of inputs arriving in one write', () => {
  it('acks the inputs before a failing one, then ends with its terminal frame and applies nothing after', async () => {
    const frames = await rawAppend('raw-group', [
      { records: [{ body: body('a') }], match_seq_num: 0 },
      { records: [{ body: body('b') }, { body: body('c') }], match_seq_num: 1 },
      { records: [{ body: body('x') }], match_seq_num: 0 },
      { records: [{ body: body('never') }] },
    ]);
    expect(frames.map((frame) => frame.terminal)).toEqual([false, false, true]);
    expect(frames.slice(0, 2).map((frame) => decodeAppendAck(frame.body).end?.seq_num)).toEqual([1, 3]);
    expect(frames[2]?.statusCode).toBe(412);
    expect(JSON.parse(Buffer.from(frames[2]?.body ?? []).toString())).toEqual({ seq_num_mismatch: 3 });
    expect((await fx.stream('raw-group').checkTail()).tail.seqNum).toBe(3);
  });

  it('acks every input before an undecodable frame, then ends with 400 bad_proto', async () => {
    const garbage = encodeFrame(new Uint8Array([0xff, 0xff, 0xff]));
    const frames = await rawAppend(
      'raw-garbage',
      [{ records: [{ body: body('a') }] }, { records: [{ body: body('b') }] }],
      garbage,
    );
    expect(frames.map((frame) => frame.terminal)).toEqual([false, false, true]);
    expect(frames[2]?.statusCode).toBe(400);
    expect((await fx.stream('raw-garbage').checkTail()).tail.seqNum).toBe(2);
  });

  it('acks more inputs than one group takes, in order, then ends the half-closed session cleanly', async () => {
    const inputs = Array.from({ length: 2500 }, (_, i) => ({ records: [{ body: body(`r${i}`) }] }));
    const frames = await rawAppend('raw-half-close', inputs);
    expect(frames.every((frame) => !frame.terminal)).toBe(true);
    expect(frames.map((frame) => decodeAppendAck(frame.body).start?.seq_num)).toEqual([
      ...Array(2500).keys(),
    ]);
  });

  it('lets a client pipeline well past 64 KiB before the server has to read', async () => {
    const client = http2.connect(fx.server.url);
    try {
      await new Promise((resolve) => client.once('remoteSettings', resolve));
      expect(client.remoteSettings.initialWindowSize).toBeGreaterThanOrEqual(1024 * 1024);
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });
});

describe('concurrent appends', () => {
  it('gives concurrent REST appends to one stream disjoint, gapless ranges', async () => {
    const stream = fx.stream('concurrent-rest', { forceTransport: 'fetch' });
    const acks = await Promise.all(Array.from({ length: 30 }, (_, i) => stream.append(batchOf(`c${i}`, 2))));
    const starts = acks.map((ack) => ack.start.seqNum).sort((a, b) => a - b);
    expect(starts).toEqual(starts.map((_, i) => 2 * i));
    expect((await stream.checkTail()).tail.seqNum).toBe(60);
  });

  it('keeps every acked record of pipelined sessions on two streams across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-s2-group-'));
    try {
      const first = await startLocalS2Fixture({ dataDir, basinConfig: { createStreamOnAppend: true } });
      const streams = [first.stream('one'), first.stream('two')];
      await Promise.all(
        streams.map(async (stream) => {
          const session = await stream.appendSession({ maxInflightBatches: 32 });
          const tickets = [];
          for (let i = 0; i < 100; i++) tickets.push(await session.submit(batchOf(`d${i}`, 2)));
          await Promise.all(tickets.map((ticket) => ticket.ack()));
          await session.close();
        }),
      );
      await first.close();
      const second = await startLocalS2({ dataDir });
      const again = new S2(localS2ClientConfig(second.url)).basin(first.basinName);
      const reopened = [again.stream('one'), again.stream('two')];
      try {
        for (const stream of reopened) {
          expect((await stream.checkTail()).tail.seqNum).toBe(200);
          expect((await readBodies(stream, 200)).at(-1)).toBe('d99.1');
        }
      } finally {
        await Promise.allSettled(reopened.map((stream) => stream.close()));
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
