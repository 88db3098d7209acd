// Unit tests of the s2s framing and the hand-written s2.v1 protobuf codecs.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAppendAck, decodeReadBatch, encodeAppendInput } from './proto-client';
import { decodeAppendInput, ProtoDecodeError } from './proto-decode';
import { encodeAppendAck, encodeReadBatch } from './proto-encode';
import { encodeFrame, encodeTerminalFrame, FrameDecoder, FrameError } from './s2s-framing';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('s2s framing', () => {
  it('frames a one-record AppendInput exactly as the SDK sends it', () => {
    const body = encodeAppendInput({ records: [{ body: bytes('hi') }] });
    expect([...encodeFrame(body)]).toEqual([0, 0, 7, 0, 0x0a, 0x04, 0x1a, 0x02, 0x68, 0x69]);
  });

  it('reassembles frames split at every byte boundary and across chunks', () => {
    const first = encodeFrame(bytes('one'));
    const second = encodeTerminalFrame(412, '{"seq_num_mismatch":3}');
    const wire = Buffer.concat([first, second]);
    const decoder = new FrameDecoder();
    const frames = [];
    for (const byte of wire) {
      decoder.push(Buffer.from([byte]));
      for (let frame = decoder.next(); frame; frame = decoder.next()) frames.push(frame);
    }
    expect(frames).toHaveLength(2);
    expect(Buffer.from(frames[0]?.body ?? []).toString()).toBe('one');
    expect(frames[1]).toMatchObject({ terminal: true, statusCode: 412 });
    expect(Buffer.from(frames[1]?.body ?? []).toString()).toBe('{"seq_num_mismatch":3}');
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('inflates gzip frames from clients that negotiated compression', () => {
    const payload = gzipSync(Buffer.from('compressed body'));
    const frame = Buffer.concat([Buffer.from([0, 0, payload.byteLength + 1, 0x40]), payload]);
    const decoder = new FrameDecoder();
    decoder.push(frame);
    expect(Buffer.from(decoder.next()?.body ?? []).toString()).toBe('compressed body');
  });

  it('rejects a zero length prefix and oversized frames', () => {
    const zero = new FrameDecoder();
    zero.push(Buffer.from([0, 0, 0, 0]));
    expect(() => zero.next()).toThrow(FrameError);
    const huge = new FrameDecoder();
    huge.push(Buffer.from([0xff, 0xff, 0xff, 0]));
    expect(() => huge.next()).toThrow(FrameError);
  });
});

describe('s2.v1 protobuf codecs', () => {
  it('round-trips an AppendInput with headers, timestamps, match_seq_num and an empty fencing token', () => {
    const input = {
      records: [
        { timestamp: 1_700_000_000_000, headers: [[bytes('k'), bytes('v')] as const], body: bytes('body') },
        { headers: [[new Uint8Array(0), bytes('fence')] as const], body: bytes('writer-1') },
      ],
      match_seq_num: 0,
      fencing_token: '',
    };
    const decoded = decodeAppendInput(encodeAppendInput(input));
    expect(decoded.match_seq_num).toBe(0);
    expect(decoded.fencing_token).toBe('');
    expect(decoded.records[0]?.timestamp).toBe(1_700_000_000_000);
    expect(decoded.records[1]?.timestamp).toBeUndefined();
    expect(Buffer.from(decoded.records[1]?.body ?? []).toString()).toBe('writer-1');
    expect(decoded.records[1]?.headers?.[0]?.[0].byteLength).toBe(0);
  });

  it('leaves fencing_token and match_seq_num absent when the client omits them', () => {
    const decoded = decodeAppendInput(encodeAppendInput({ records: [{ body: bytes('x') }] }));
    expect('fencing_token' in decoded).toBe(false);
    expect('match_seq_num' in decoded).toBe(false);
  });

  it('rejects truncated protobuf as a decode error', () => {
    const encoded = encodeAppendInput({ records: [{ body: bytes('hello') }] });
    expect(() => decodeAppendInput(encoded.subarray(0, encoded.byteLength - 2))).toThrow(ProtoDecodeError);
  });

  it('writes start, end and tail in every AppendAck, even at position zero', () => {
    const ack = {
      start: { seq_num: 0, timestamp: 0 },
      end: { seq_num: 2, timestamp: 5 },
      tail: { seq_num: 2, timestamp: 5 },
    };
    expect(decodeAppendAck(encodeAppendAck(ack))).toEqual(ack);
  });

  it('encodes seq nums and epoch-millisecond timestamps beyond 32 bits, and command-record headers', () => {
    const batch = {
      records: [
        {
          seq_num: 2 ** 40 + 3,
          timestamp: 1_763_990_000_123,
          headers: [[new Uint8Array(0), bytes('trim')] as const],
          body: new Uint8Array(8),
        },
      ],
      tail: { seq_num: 2 ** 40 + 4, timestamp: 1_763_990_000_123 },
    };
    const decoded = decodeReadBatch(encodeReadBatch(batch));
    expect(decoded.tail).toEqual(batch.tail);
    expect(decoded.records[0]).toMatchObject({ seq_num: 2 ** 40 + 3, timestamp: 1_763_990_000_123 });
    expect(Buffer.from(decoded.records[0]?.headers[0]?.[1] ?? []).toString()).toBe('trim');
    expect(decoded.records[0]?.headers[0]?.[0].byteLength).toBe(0);
    expect(decoded.records[0]?.body.byteLength).toBe(8);
  });

  it('round-trips a ReadBatch, and an empty heartbeat batch carries only the tail', () => {
    const batch = {
      records: [{ seq_num: 7, timestamp: 9, headers: [[bytes('a'), bytes('b')] as const], body: bytes('z') }],
      tail: { seq_num: 8, timestamp: 9 },
    };
    const decoded = decodeReadBatch(encodeReadBatch(batch));
    expect(decoded.tail).toEqual(batch.tail);
    expect(decoded.records[0]?.seq_num).toBe(7);
    expect(Buffer.from(decoded.records[0]?.body ?? []).toString()).toBe('z');
    expect(decodeReadBatch(encodeReadBatch({ records: [], tail: batch.tail }))).toEqual({
      records: [],
      tail: batch.tail,
    });
  });
});
