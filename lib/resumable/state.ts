// Reads where a stream stands (idle or an active generation) from its last record, and judges leases.
import { RangeNotSatisfiableError, type ReadBatch, S2Error, type S2Stream } from '@s2-dev/streamstore';
import { decodeRecord, type ProtocolRecord, parseToken } from './protocol';

export type StreamState =
  | {
      kind: 'idle';
      /** Next seq num to be assigned. */
      tail: number;
      /** The stream's fencing token when its last record (a fence) is still readable. */
      token?: string;
      /** The stream does not exist (and the basin does not create streams on read). */
      missing?: true;
    }
  | {
      kind: 'active';
      tail: number;
      /** The active generation's opening token, also the stream's current fencing token. */
      token: string;
      fromSeqNum: number;
      /** S2-assigned timestamp of the generation's latest record (data, heartbeat or fence). */
      lastRecordAt: Date;
    };

/** Only S2's `stream_not_found` means "nothing here yet"; every other failure propagates (R14). */
export function isMissingStream(err: unknown): boolean {
  return err instanceof S2Error && err.status === 404 && err.code === 'stream_not_found';
}

export async function readStreamState(stream: S2Stream): Promise<StreamState> {
  let batch: ReadBatch<'string'>;
  try {
    batch = await stream.read({ start: { from: { tailOffset: 1 } }, stop: { limits: { count: 1 } } });
  } catch (err) {
    if (isMissingStream(err)) return { kind: 'idle', tail: 0, missing: true };
    // Reading the last record of an empty stream starts at its tail, which S2 answers with 416.
    if (err instanceof RangeNotSatisfiableError) return { kind: 'idle', tail: err.tail?.seqNum ?? 0 };
    throw err;
  }
  const last = batch.records[batch.records.length - 1];
  if (!last) {
    // Everything was trimmed (single-use after its end, or retention): the tail survives.
    const { tail } = await stream.checkTail();
    return { kind: 'idle', tail: tail.seqNum };
  }
  return stateAfter(decodeRecord(last));
}

/** Where a stream stands when `record` is its last record: what its kind and token say. */
export function stateAfter(record: ProtocolRecord): StreamState {
  const tail = record.seqNum + 1;
  if (record.kind === 'fence') {
    const parsed = parseToken(record.token);
    if (parsed?.phase === 'active') {
      return {
        kind: 'active',
        tail,
        token: record.token,
        fromSeqNum: parsed.fromSeqNum,
        lastRecordAt: record.timestamp,
      };
    }
    return { kind: 'idle', tail, token: record.token };
  }
  const token = 'token' in record ? record.token : undefined;
  const parsed = token === undefined ? undefined : parseToken(token);
  if (token !== undefined && parsed?.phase === 'active') {
    return { kind: 'active', tail, token, fromSeqNum: parsed.fromSeqNum, lastRecordAt: record.timestamp };
  }
  return { kind: 'idle', tail };
}

/**
 * A generation is abandoned once no record of it, heartbeats included, is younger than the lease.
 * `now` is S2's time (see S2Clock): record timestamps are assigned by S2, never by writers.
 */
export function leaseExpired(lastRecordAt: Date, leaseDurationMs: number, now: number): boolean {
  return now - lastRecordAt.getTime() >= leaseDurationMs;
}
