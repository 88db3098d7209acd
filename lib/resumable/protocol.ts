// The record protocol: how a generation is framed on an S2 stream (fences, trims, headers) and the record codec.
import { AppendRecord, type ReadRecord } from '@s2-dev/streamstore';
import type { ResumableErrorEvent, ResumableEvent } from './events';

/** Every record a generation writes names the generation (its opening fencing token) in this header. */
export const GENERATION_HEADER = 'resumable-gen';
/** Control records that never reach a subscriber carry their kind here; event records have no kind. */
export const KIND_HEADER = 'resumable-kind';

/**
 * Fencing tokens say what phase the stream is in and where the generation began:
 * `gen-<fromSeqNum>-<rand>` while a generation is active, then `end-`, `stop-` or `error-` with the same
 * `fromSeqNum` once it is over. At most 6 + 16 + 1 + 8 = 31 bytes, inside S2's 36-byte limit.
 */
export type TokenPhase = 'active' | 'complete' | 'stopped' | 'error';

const PREFIX = {
  active: 'gen',
  complete: 'end',
  stopped: 'stop',
  error: 'error',
} as const satisfies Record<TokenPhase, string>;

const PHASE_BY_PREFIX = new Map<string, TokenPhase>(
  Object.entries(PREFIX).map(([phase, prefix]) => [prefix, phase as TokenPhase]),
);

export interface ParsedToken {
  raw: string;
  phase: TokenPhase;
  /** Seq num of the generation's opening fence: its first cursor. */
  fromSeqNum: number;
}

const TOKEN_PATTERN = /^([a-z]+)-(\d{1,16})-([0-9a-z]{8})$/;
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

export function makeToken(phase: TokenPhase, fromSeqNum: number): string {
  return `${PREFIX[phase]}-${fromSeqNum}-${randomSuffix()}`;
}

/** `undefined` for tokens this protocol did not write (another writer fenced the stream). */
export function parseToken(raw: string): ParsedToken | undefined {
  const match = TOKEN_PATTERN.exec(raw);
  if (!match) return undefined;
  const phase = PHASE_BY_PREFIX.get(match[1] ?? '');
  const fromSeqNum = Number(match[2]);
  if (phase === undefined || !Number.isSafeInteger(fromSeqNum)) return undefined;
  return { raw, phase, fromSeqNum };
}

/** Any fence that is not an opening token ends the generation before it, including foreign fences. */
export function isActiveToken(raw: string): boolean {
  return parseToken(raw)?.phase === 'active';
}

const UTF8 = new TextEncoder();
const GENERATION_HEADER_BYTES = UTF8.encode(GENERATION_HEADER);

/**
 * Encodes one generation's event records. They are bytes records, with the header encoded once per
 * generation: as string records the SDK encodes the header's name and token again on every append, which
 * costs more than the body. On the wire they are the same records either way.
 */
export function eventEncoder(token: string): (event: ResumableEvent) => OutgoingRecord {
  const headers: [Uint8Array, Uint8Array][] = [[GENERATION_HEADER_BYTES, UTF8.encode(token)]];
  // `AppendRecord.bytes` copies the headers into new arrays and meters them again for every record. They
  // are the same for the whole generation, and a record's metered size is its headers' plus its body's
  // length (S2's definition), so the SDK meters the headers once here (equal records: protocol.test.ts).
  const headersMetered = AppendRecord.bytes({ body: new Uint8Array(0), headers }).meteredBytes;
  return (event) => {
    const body = JSON.stringify(event);
    // Buffer.from, not TextEncoder: small bodies share a pooled slab instead of each allocating an
    // ArrayBuffer that lives until its batch is acknowledged. With TextEncoder, bytes records saved nothing
    // in bench/experiments/writer-cpu.ts (more garbage collection); with Buffer.from, about a tenth of the CPU.
    const bytes = Buffer.from(body);
    const record: AppendRecord = {
      body: bytes,
      headers,
      timestamp: undefined,
      meteredBytes: headersMetered + bytes.length,
    };
    // What `decodeRecord` reads back from the body: its type, or nothing for a blank one.
    const eventType: unknown = event.type;
    const decoded: UnplacedRecord =
      typeof eventType === 'string' && eventType !== ''
        ? { kind: 'event', token, eventType, body }
        : { kind: 'ignored', token };
    return { record, decoded };
  };
}

export function eventRecord(token: string, event: ResumableEvent): AppendRecord {
  return eventEncoder(token)(event).record;
}

export function startRecord(token: string, turnId: string): AppendRecord {
  return AppendRecord.string({
    body: JSON.stringify({ turnId }),
    headers: [
      [GENERATION_HEADER, token],
      [KIND_HEADER, 'start'],
    ],
  });
}

export function heartbeatRecord(token: string): AppendRecord {
  return AppendRecord.string({
    body: '',
    headers: [
      [GENERATION_HEADER, token],
      [KIND_HEADER, 'heartbeat'],
    ],
  });
}

/** A decoded stream record. Only `event` records become SSE frames. */
export type ProtocolRecord =
  | { kind: 'event'; seqNum: number; timestamp: Date; token?: string; eventType: string; body: string }
  | { kind: 'start'; seqNum: number; timestamp: Date; token: string; turnId: string }
  | { kind: 'heartbeat'; seqNum: number; timestamp: Date; token: string }
  | { kind: 'fence'; seqNum: number; timestamp: Date; token: string }
  | { kind: 'trim'; seqNum: number; timestamp: Date }
  | { kind: 'ignored'; seqNum: number; timestamp: Date; token?: string };

type Unplaced<T> = T extends unknown ? Omit<T, 'seqNum' | 'timestamp'> : never;
/** A decoded record before S2 gave it a place: everything but its seq num and timestamp. */
export type UnplacedRecord = Unplaced<ProtocolRecord>;

/** A record to append, with what a reader will decode it to: this process never decodes its own writes. */
export interface OutgoingRecord {
  record: AppendRecord;
  decoded: UnplacedRecord;
}

/** A control or terminal record (not per event), decoded once now. */
export function outgoing(record: AppendRecord): OutgoingRecord {
  const { seqNum: _seqNum, timestamp: _timestamp, ...decoded } = decodeAppended(record, 0, new Date(0));
  return { record, decoded };
}

/** `record` at the place S2 acknowledged for it. */
export function placed(record: OutgoingRecord, seqNum: number, timestamp: Date): ProtocolRecord {
  const { decoded } = record;
  // Spelled out for events, the per-token path: a spread of the union is several times slower, and this
  // literal has the same shape as `decodeRecord`'s, so the code that reads records sees one shape.
  if (decoded.kind === 'event') {
    const { token, eventType, body } = decoded;
    return { kind: 'event', seqNum, timestamp, token, eventType, body };
  }
  return { ...decoded, seqNum, timestamp };
}

function headerValue(record: ReadRecord<'string'>, name: string): string | undefined {
  return record.headers.find(([key]) => key === name)?.[1];
}

/** JSON.stringify of an Anthropic event starts with its type: read it without parsing the whole body. */
const LEADING_TYPE = /^\{"type":"([a-z_]+)"[,}]/;

function eventTypeOf(body: string): string | undefined {
  const leading = LEADING_TYPE.exec(body);
  if (leading) return leading[1];
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || !('type' in parsed)) return undefined;
    return typeof parsed.type === 'string' && parsed.type !== '' ? parsed.type : undefined;
  } catch {
    return undefined;
  }
}

function turnIdOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || !('turnId' in parsed)) return undefined;
    return typeof parsed.turnId === 'string' ? parsed.turnId : undefined;
  } catch {
    return undefined;
  }
}

export function decodeRecord(record: ReadRecord<'string'>): ProtocolRecord {
  const { seqNum, timestamp, body } = record;
  const only = record.headers.length === 1 ? record.headers[0] : undefined;
  if (only && only[0] === '') {
    if (only[1] === 'fence') return { kind: 'fence', seqNum, timestamp, token: body };
    if (only[1] === 'trim') return { kind: 'trim', seqNum, timestamp };
    return { kind: 'ignored', seqNum, timestamp };
  }
  const token = headerValue(record, GENERATION_HEADER);
  const kind = headerValue(record, KIND_HEADER);
  if (kind === 'heartbeat' && token !== undefined) return { kind: 'heartbeat', seqNum, timestamp, token };
  if (kind === 'start' && token !== undefined) {
    return { kind: 'start', seqNum, timestamp, token, turnId: turnIdOf(body) ?? '' };
  }
  const eventType = kind === undefined ? eventTypeOf(body) : undefined;
  if (eventType === undefined) return { kind: 'ignored', seqNum, timestamp, token };
  return { kind: 'event', seqNum, timestamp, token, eventType, body };
}

const UTF8_DECODER = new TextDecoder();
const asText = (value: string | Uint8Array) =>
  typeof value === 'string' ? value : UTF8_DECODER.decode(value);

/** What a record this process appended decodes to once S2 assigned it `seqNum`: as a reader would see it. */
export function decodeAppended(record: AppendRecord, seqNum: number, timestamp: Date): ProtocolRecord {
  const headers = (record.headers ?? []).map(([name, value]): [string, string] => [
    asText(name),
    asText(value),
  ]);
  return decodeRecord({ seqNum, timestamp, body: asText(record.body ?? ''), headers });
}

/** How a generation ends: its terminal phase, and the error envelope to write first, if any. */
export interface Ending {
  phase: Exclude<TokenPhase, 'active'>;
  event?: ResumableErrorEvent;
}

/**
 * The records that end a generation, in one list so they share a batch when the batch size allows:
 * `[error event?] fence(end-|stop-|error-)`.
 */
export function terminalRecords(
  token: string,
  fromSeqNum: number,
  ending: Ending,
): { records: AppendRecord[]; terminalToken: string } {
  const terminalToken = makeToken(ending.phase, fromSeqNum);
  const records: AppendRecord[] = [];
  if (ending.event) records.push(eventRecord(token, ending.event));
  records.push(AppendRecord.fence(terminalToken));
  return { records, terminalToken };
}

/**
 * Single-use cleanup (R9): S2 caps a trim at the trim record itself, so this empties the stream while its
 * tail stays above 0 and a re-claim of the name still fails. It is appended a grace period after the
 * terminal fence, conditioned on the terminal token: trimming in the terminal batch itself would delete
 * the last events before live readers (a few milliseconds behind) had read them.
 */
export function singleUseTrim(): AppendRecord {
  return AppendRecord.trim(Number.MAX_SAFE_INTEGER);
}
