// Recognises a batch the SDK sent again after it had landed, so its refusal is not taken for a conflict.
import {
  type AppendAck,
  type AppendRecord,
  type AppendSession,
  FencingTokenMismatchError,
  RangeNotSatisfiableError,
  type ReadRecord,
  type S2Stream,
  SeqNumMismatchError,
} from '@s2-dev/streamstore';

/**
 * The SDK's default `appendRetryPolicy: 'all'` resends every unacknowledged batch after a dropped
 * connection. A batch whose first try had landed then fails its own condition: S2 checks the fencing
 * token first (refused with our terminal token if the batch carried our terminal fence) and then the seq
 * num. The error ends the SDK's session, so the batcher goes on with a new one.
 */
export interface ResendCheck {
  /** Whether `error` may be a resend of a batch that landed: only then is the stream read back. */
  mayHaveLanded(error: unknown): boolean;
  /** The ack for `records` if they are exactly the records at `seqNum`; `undefined` if not. */
  landedAt(seqNum: number, records: readonly AppendRecord[]): Promise<AppendAck | undefined>;
  /** A new append session, for the batches after one that failed the SDK's session. */
  reopen(): Promise<AppendSession>;
}

/** `isOwn` tells this generation's fencing tokens (active and terminal) from anyone else's. */
export function resendCheck(stream: S2Stream, isOwn: (token: string) => boolean): ResendCheck {
  return {
    mayHaveLanded: (error) =>
      error instanceof SeqNumMismatchError ||
      (error instanceof FencingTokenMismatchError && isOwn(error.expectedFencingToken)),
    landedAt: async (seqNum, records) => {
      const found = await readBack(stream, seqNum, records.length);
      const first = found[0];
      const last = found.at(-1);
      if (!first || !last || found.length !== records.length) return undefined;
      // Byte for byte, generation header included: only this generation writes its token there, and it
      // sends one batch per seq num, so equal records at the batch's place are that batch.
      if (!found.every((record, i) => record.seqNum === seqNum + i && sameRecord(record, records[i]))) {
        return undefined;
      }
      // As S2 acks: the first record's place, and the end after the last with the last one's timestamp.
      const end = { seqNum: last.seqNum + 1, timestamp: last.timestamp };
      return { start: { seqNum, timestamp: first.timestamp }, end, tail: end };
    },
    reopen: () => stream.appendSession(),
  };
}

/** Up to `count` records from `seqNum`; fewer when the stream ends sooner. */
async function readBack(stream: S2Stream, seqNum: number, count: number): Promise<ReadRecord<'bytes'>[]> {
  const out: ReadRecord<'bytes'>[] = [];
  while (out.length < count) {
    let records: readonly ReadRecord<'bytes'>[];
    try {
      const batch = await stream.read(
        { start: { from: { seqNum: seqNum + out.length } }, stop: { limits: { count: count - out.length } } },
        { as: 'bytes' },
      );
      records = batch.records;
    } catch (err) {
      // At or past the tail: the batch is not there.
      if (err instanceof RangeNotSatisfiableError) break;
      throw err;
    }
    // A read may return fewer records than asked (S2 also caps it by bytes): read on from there.
    if (records.length === 0) break;
    out.push(...records);
  }
  return out;
}

const UTF8 = new TextEncoder();
const bytesOf = (value: string | Uint8Array): Uint8Array =>
  typeof value === 'string' ? UTF8.encode(value) : value;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

function sameRecord(found: ReadRecord<'bytes'>, sent: AppendRecord | undefined): boolean {
  if (!sent) return false;
  const headers = sent.headers ?? [];
  return (
    sameBytes(found.body, bytesOf(sent.body)) &&
    found.headers.length === headers.length &&
    found.headers.every(([name, value], i) => {
      const header = headers[i];
      return (
        header !== undefined && sameBytes(name, bytesOf(header[0])) && sameBytes(value, bytesOf(header[1]))
      );
    })
  );
}
