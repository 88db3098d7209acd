// Unit tests for the stream protocol: fencing tokens, the record codec and terminal records.
import { AppendInput, AppendRecord, type ReadRecord } from '@s2-dev/streamstore';
import { describe, expect, it } from 'vitest';
import { INTERRUPTED_EVENT, type ResumableEvent, STOPPED_EVENT } from './events';
import {
  decodeAppended,
  decodeRecord,
  eventEncoder,
  eventRecord,
  GENERATION_HEADER,
  heartbeatRecord,
  isActiveToken,
  makeToken,
  outgoing,
  parseToken,
  placed,
  singleUseTrim,
  startRecord,
  terminalRecords,
} from './protocol';
import { registerS2Fixture, uniqueStream } from './test-support';

const s2 = registerS2Fixture();

function asRead(record: AppendRecord, seqNum = 7): ReadRecord<'string'> {
  const body = typeof record.body === 'string' ? record.body : new TextDecoder().decode(record.body);
  const headers = (record.headers ?? []).map(([name, value]): [string, string] => [
    typeof name === 'string' ? name : new TextDecoder().decode(name),
    typeof value === 'string' ? value : new TextDecoder().decode(value),
  ]);
  return { seqNum, body, headers, timestamp: new Date(1000) };
}

describe('fencing tokens', () => {
  it('encode the phase and the generation start, within the 36-byte fence limit', () => {
    const token = makeToken('error', Number.MAX_SAFE_INTEGER);
    expect(new TextEncoder().encode(token).length).toBeLessThanOrEqual(36);
    expect(parseToken(token)).toEqual({ raw: token, phase: 'error', fromSeqNum: Number.MAX_SAFE_INTEGER });
    expect(parseToken(makeToken('active', 12))).toMatchObject({ phase: 'active', fromSeqNum: 12 });
  });

  it('R5: every non-opening token ends a generation, foreign ones included', () => {
    expect(isActiveToken(makeToken('active', 0))).toBe(true);
    for (const phase of ['complete', 'stopped', 'error'] as const)
      expect(isActiveToken(makeToken(phase, 3))).toBe(false);
    expect(isActiveToken('someone-else')).toBe(false);
    expect(parseToken('someone-else')).toBeUndefined();
  });
});

describe('record codec', () => {
  const token = makeToken('active', 4);

  it('R22: stores an event verbatim and decodes its type for the SSE frame', () => {
    const event = {
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: '{"a":' },
    };
    const decoded = decodeRecord(asRead(eventRecord(token, event as never)));
    expect(decoded).toMatchObject({ kind: 'event', token, eventType: 'content_block_delta' });
    expect(decoded.kind === 'event' && decoded.body).toBe(JSON.stringify(event));
  });

  it('tells control records apart so they never become frames', () => {
    expect(decodeRecord(asRead(heartbeatRecord(token)))).toMatchObject({ kind: 'heartbeat', token });
    expect(decodeRecord(asRead(startRecord(token, 'turn-1')))).toMatchObject({
      kind: 'start',
      turnId: 'turn-1',
    });
    expect(decodeRecord(asRead(AppendRecord.fence(token)))).toMatchObject({ kind: 'fence', token });
    expect(decodeRecord(asRead(AppendRecord.trim(3)))).toMatchObject({ kind: 'trim' });
    expect(decodeRecord(asRead(AppendRecord.string({ body: 'not json' })))).toMatchObject({
      kind: 'ignored',
    });
  });
});

describe('terminal records', () => {
  const token = makeToken('active', 0);

  it('R5: writes the error event before the error fence, in one batch', () => {
    const error = { type: 'error' as const, error: { type: 'api_error', message: 'An error occurred.' } };
    const { records, terminalToken } = terminalRecords(token, 0, { phase: 'error', event: error });
    expect(records.map((r) => decodeRecord(asRead(r)).kind)).toEqual(['event', 'fence']);
    expect(parseToken(terminalToken)).toMatchObject({ phase: 'error', fromSeqNum: 0 });
  });

  it('R18: a stop ends with the stopped event and a stop- fence', () => {
    const { records, terminalToken } = terminalRecords(token, 0, { phase: 'stopped', event: STOPPED_EVENT });
    expect(records.map((r) => decodeRecord(asRead(r)))).toMatchObject([
      { kind: 'event', token, eventType: 'error' },
      { kind: 'fence', token: terminalToken },
    ]);
    expect(parseToken(terminalToken)?.phase).toBe('stopped');
  });

  it('R9: the single-use cleanup trims to the end of the stream', () => {
    expect(decodeRecord(asRead(singleUseTrim()))).toMatchObject({ kind: 'trim' });
    const body = singleUseTrim().body;
    expect(body instanceof Uint8Array && new DataView(body.buffer).getBigUint64(0)).toBe(
      BigInt(Number.MAX_SAFE_INTEGER),
    );
  });
});

describe('records this process appends', () => {
  const token = makeToken('active', 2);
  const events = [
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'plain' } },
    // Multi-byte text: the metered size counts UTF-8 bytes, not UTF-16 units.
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'héllo 🙂 ünïcode' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'two\nlines' } },
    { type: 'message_stop' },
    INTERRUPTED_EVENT,
    // Not an event a reader can frame: it must be ignored on both paths alike.
    { type: '', index: 0 },
  ] as unknown as ResumableEvent[];

  it('encode events once per generation as bytes, metered as the same records in strings are', () => {
    const encode = eventEncoder(token);
    for (const event of events) {
      const { record } = encode(event);
      const asString = AppendRecord.string({
        body: JSON.stringify(event),
        headers: [[GENERATION_HEADER, token]],
      });
      expect(record.meteredBytes).toBe(asString.meteredBytes);
      expect(asRead(record)).toEqual(asRead(asString));
      // The record the SDK's own factory makes, metered headers included.
      expect(record).toEqual(
        AppendRecord.bytes({
          body: Buffer.from(JSON.stringify(event)),
          headers: [[GENERATION_HEADER, token]],
        }),
      );
    }
  });

  it('carry what a reader decodes them to, placed where S2 acknowledged them', () => {
    const encode = eventEncoder(token);
    const control = [
      heartbeatRecord(token),
      startRecord(token, 'turn-1'),
      AppendRecord.fence(token),
      AppendRecord.trim(5),
      ...terminalRecords(token, 2, { phase: 'error', event: INTERRUPTED_EVENT }).records,
    ];
    const all = [...events.map(encode), ...control.map(outgoing)];
    all.forEach((record, index) => {
      // The timestamp `asRead` gives every record.
      const timestamp = new Date(1000);
      expect(placed(record, 10 + index, timestamp)).toEqual(decodeRecord(asRead(record.record, 10 + index)));
      expect(placed(record, 10 + index, timestamp).timestamp).toBe(timestamp);
      expect(decodeAppended(record.record, 10 + index, timestamp)).toEqual(
        placed(record, 10 + index, timestamp),
      );
    });
    expect(all.map((record) => record.decoded.kind)).toEqual([
      ...['event', 'event', 'event', 'event', 'event', 'ignored'],
      ...['heartbeat', 'start', 'fence', 'trim', 'event', 'fence'],
    ]);
  });

  it('read back from S2 exactly as they were encoded', async () => {
    const encode = eventEncoder(token);
    const outgoingRecords = [outgoing(AppendRecord.fence(token)), ...events.map(encode)];
    const name = uniqueStream('codec');
    const stream = s2.s2.basin(s2.basin).stream(name);
    try {
      const ack = await stream.append(AppendInput.create(outgoingRecords.map((o) => o.record)));
      const stored = await s2.records(name);
      expect(stored.map(decodeRecord)).toEqual(
        outgoingRecords.map((o, index) => placed(o, index, stored[index]?.timestamp ?? new Date(0))),
      );
      expect(stored.at(-1)?.seqNum).toBe(ack.end.seqNum - 1);
    } finally {
      await stream.close();
    }
  });
});
