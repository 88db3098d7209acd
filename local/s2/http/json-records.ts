// JSON record encodings: `s2-format` (raw UTF-8 or base64), append-body parsing and read-batch rendering.
import type {
  AppendInput,
  AppendRecord,
  Header,
  ReadBatch,
  SequencedRecord,
  StreamPosition,
} from '../engine/index';
import { WireError } from './wire-errors';

export type RecordFormat = 'raw' | 'base64';

const MAX_FENCING_TOKEN_BYTES = 36;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parses the `s2-format` header: `raw` (alias `json`, the default) or `base64` (alias `json-binsafe`). */
export function parseRecordFormat(header: string | string[] | undefined): RecordFormat {
  if (header === undefined) return 'raw';
  const value = (Array.isArray(header) ? (header[0] ?? '') : header).trim();
  switch (value) {
    case 'raw':
    case 'json':
      return 'raw';
    case 'base64':
    case 'json-binsafe':
      return 'base64';
    default:
      throw new WireError('bad_header', `invalid header \`s2-format\`: ${JSON.stringify(value)}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isU64(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function decodeField(value: string, format: RecordFormat): Uint8Array {
  if (format === 'raw') return Buffer.from(value, 'utf8');
  if (!BASE64_PATTERN.test(value)) throw new WireError('invalid', 'invalid Base64 encoding');
  return Buffer.from(value, 'base64');
}

function parseHeaders(value: unknown, format: RecordFormat, at: string): Header[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new WireError('bad_json', `${at}.headers: expected an array of [name, value]`);
  return value.map((pair: unknown, index) => {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    ) {
      throw new WireError('bad_json', `${at}.headers[${index}]: expected [name, value] strings`);
    }
    return [decodeField(pair[0], format), decodeField(pair[1], format)] as const;
  });
}

function parseRecord(value: unknown, format: RecordFormat, index: number): AppendRecord {
  const at = `records[${index}]`;
  if (!isRecord(value)) throw new WireError('bad_json', `${at}: expected an object`);
  const { timestamp, headers, body } = value;
  if (timestamp !== undefined && timestamp !== null && !isU64(timestamp)) {
    throw new WireError('bad_json', `${at}.timestamp: expected an unsigned integer`);
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new WireError('bad_json', `${at}.body: expected a string`);
  }
  const record: AppendRecord = {
    headers: parseHeaders(headers, format, at),
    body: typeof body === 'string' ? decodeField(body, format) : new Uint8Array(0),
  };
  if (isU64(timestamp)) record.timestamp = timestamp;
  return record;
}

/** Parses a JSON append body (`{records, match_seq_num?, fencing_token?}`) into bytes for the engine. */
export function parseJsonAppendInput(text: string, format: RecordFormat): AppendInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new WireError(
      'bad_json',
      `invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isRecord(parsed)) throw new WireError('bad_json', 'expected a JSON object');
  const { records, match_seq_num: matchSeqNum, fencing_token: fencingToken } = parsed;
  if (!Array.isArray(records)) throw new WireError('bad_json', 'missing field `records`');
  if (matchSeqNum !== undefined && matchSeqNum !== null && !isU64(matchSeqNum)) {
    throw new WireError('bad_json', 'match_seq_num: expected an unsigned integer');
  }
  if (fencingToken !== undefined && fencingToken !== null) {
    if (typeof fencingToken !== 'string') throw new WireError('bad_json', 'fencing_token: expected a string');
    if (Buffer.byteLength(fencingToken, 'utf8') > MAX_FENCING_TOKEN_BYTES) {
      throw new WireError(
        'bad_json',
        `fencing_token: must not exceed ${MAX_FENCING_TOKEN_BYTES} bytes in length`,
      );
    }
  }
  const input: { records: AppendRecord[]; match_seq_num?: number; fencing_token?: string } = {
    records: records.map((record: unknown, index) => parseRecord(record, format, index)),
  };
  if (isU64(matchSeqNum)) input.match_seq_num = matchSeqNum;
  if (typeof fencingToken === 'string') input.fencing_token = fencingToken;
  return input;
}

function encodeField(bytes: Uint8Array, format: RecordFormat): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Raw mode decodes lossily (invalid UTF-8 becomes U+FFFD), exactly as S2 does.
  return format === 'raw' ? buffer.toString('utf8') : buffer.toString('base64');
}

interface JsonSequencedRecord {
  seq_num: number;
  timestamp: number;
  headers?: [string, string][];
  body?: string;
}

function toJsonRecord(record: SequencedRecord, format: RecordFormat): JsonSequencedRecord {
  const json: JsonSequencedRecord = { seq_num: record.seq_num, timestamp: record.timestamp };
  if (record.headers.length > 0) {
    json.headers = record.headers.map(([name, value]) => [
      encodeField(name, format),
      encodeField(value, format),
    ]);
  }
  if (record.body.byteLength > 0) json.body = encodeField(record.body, format);
  return json;
}

/** Renders a `ReadBatch` as S2's JSON (empty `headers` and `body` are omitted). */
export function renderJsonReadBatch(batch: ReadBatch, format: RecordFormat): string {
  const json: { records: JsonSequencedRecord[]; tail?: StreamPosition } = {
    records: batch.records.map((record) => toJsonRecord(record, format)),
  };
  if (batch.tail) json.tail = { seq_num: batch.tail.seq_num, timestamp: batch.tail.timestamp };
  return JSON.stringify(json);
}
