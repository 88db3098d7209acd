// Append input checks (S2 §4.4): batch limits, metered size, header rules and command records (fence, trim).

import { meteredBytes } from './metering';
import { type AppendInput, type AppendRecord, S2ApiError } from './types';

export const MAX_BATCH_RECORDS = 1000;
export const MAX_BATCH_BYTES = 1024 * 1024;
export const MAX_FENCING_TOKEN_BYTES = 36;

/** A command record's effect; `trim.seqNum` is the raw u64 payload (capped when applied). */
export type Command = { op: 'fence'; token: string } | { op: 'trim'; seqNum: bigint };

const FENCE = new TextEncoder().encode('fence');
const TRIM = new TextEncoder().encode('trim');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();

function invalid(message: string): S2ApiError {
  return new S2ApiError(422, 'invalid', message);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isU64(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function parseCommand(op: Uint8Array, body: Uint8Array): Command {
  if (sameBytes(op, FENCE)) {
    if (body.length > MAX_FENCING_TOKEN_BYTES) {
      throw invalid('invalid `fence` command: fencing token must not exceed 36 bytes in length');
    }
    try {
      return { op: 'fence', token: strictUtf8.decode(body) };
    } catch {
      throw invalid('invalid `fence` command: invalid UTF-8');
    }
  }
  if (sameBytes(op, TRIM)) {
    if (body.length !== 8) {
      throw invalid(
        `invalid \`trim\` command: earliest sequence number to trim to was ${body.length} bytes, must be 8`,
      );
    }
    return { op: 'trim', seqNum: new DataView(body.buffer, body.byteOffset, 8).getBigUint64(0) };
  }
  throw invalid('unknown command');
}

/** The command a record carries, `null` for an ordinary record; throws 422 for an invalid header set. */
function commandOf(record: AppendRecord): Command | null {
  const headers = record.headers ?? [];
  const first = headers[0];
  if (headers.length === 1 && first !== undefined && first[0].length === 0) {
    return parseCommand(first[1], record.body ?? new Uint8Array());
  }
  for (const [name] of headers) if (name.length === 0) throw invalid('invalid header: empty name');
  return null;
}

/**
 * Validates a whole append before touching the stream; returns the command of each record (sparse: only
 * indices that are commands) and the batch's metered size.
 */
export function validateAppend(input: AppendInput): { commands: Map<number, Command>; bytes: number } {
  const { records } = input;
  if (records.length === 0) throw invalid('record batch must not be empty');
  if (records.length > MAX_BATCH_RECORDS) throw invalid('record batch must not exceed 1000 records');
  if (input.fencing_token !== undefined && input.fencing_token !== null) {
    if (utf8.encode(input.fencing_token).length > MAX_FENCING_TOKEN_BYTES) {
      throw invalid('fencing token must not exceed 36 bytes in length');
    }
  }
  if (input.match_seq_num !== undefined && input.match_seq_num !== null && !isU64(input.match_seq_num)) {
    throw invalid('match_seq_num must be a non-negative integer');
  }
  const commands = new Map<number, Command>();
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as AppendRecord;
    const size = meteredBytes(record);
    if (size > MAX_BATCH_BYTES) throw invalid('record must have metered size less than 1 MiB');
    bytes += size;
    if (record.timestamp !== undefined && record.timestamp !== null && !isU64(record.timestamp)) {
      throw invalid('record timestamp must be a non-negative integer');
    }
    const command = commandOf(record);
    if (command !== null) commands.set(i, command);
  }
  if (bytes > MAX_BATCH_BYTES) throw invalid('record batch must not exceed a metered size of 1 MiB');
  return { commands, bytes };
}
