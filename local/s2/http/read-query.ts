// Read request parsing: query parameters into a ReadQuery, and SSE `Last-Event-ID` resume.
import type { ReadQuery } from '../engine/index';
import { WireError } from './wire-errors';

const DIGITS = /^[0-9]+$/;
const NUMERIC_PARAMS = ['seq_num', 'timestamp', 'tail_offset', 'count', 'bytes', 'until', 'wait'] as const;
const U32_MAX = 0xffff_ffff;

type NumericParam = (typeof NUMERIC_PARAMS)[number];

function parseUnsigned(name: string, raw: string): number {
  if (!DIGITS.test(raw)) throw new WireError('bad_query', `invalid query parameter \`${name}\`: ${raw}`);
  return Number(raw);
}

function parseBool(name: string, raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new WireError('bad_query', `invalid query parameter \`${name}\`: ${raw}`);
}

/** Parses the read query string. Syntax errors are 400 `bad_query`; semantics are the engine's (422). */
export function parseReadQuery(params: URLSearchParams): ReadQuery {
  const query: ReadQuery = {};
  for (const name of NUMERIC_PARAMS) {
    const raw = params.get(name);
    if (raw === null) continue;
    const value = parseUnsigned(name, raw);
    if (name === 'wait' && value > U32_MAX)
      throw new WireError('bad_query', `invalid query parameter \`wait\`: ${raw}`);
    query[name satisfies NumericParam] = value;
  }
  const clamp = params.get('clamp');
  if (clamp !== null) query.clamp = parseBool('clamp', clamp);
  return query;
}

/** Position an SSE client last saw: `<last seq>,<cumulative count>,<cumulative bytes>`. */
export interface LastEventId {
  seqNum: number;
  count: number;
  bytes: number;
}

/** Parses the `last-event-id` header; a malformed value is 400 `bad_header`. */
export function parseLastEventId(header: string | string[] | undefined): LastEventId | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? (header[0] ?? '') : header).trim();
  const parts = value.split(',');
  if (parts.length !== 3 || !parts.every((part) => DIGITS.test(part))) {
    throw new WireError('bad_header', `invalid header \`last-event-id\`: ${JSON.stringify(value)}`);
  }
  const [seqNum, count, bytes] = parts.map(Number) as [number, number, number];
  return { seqNum, count, bytes };
}

/**
 * Applies a resume position as S2 does: start right after the last seen record (overriding the query's
 * start) and shrink the count/bytes limits by what was already delivered.
 */
export function resumeFrom(query: ReadQuery, last: LastEventId): ReadQuery {
  const { timestamp: _timestamp, tail_offset: _tailOffset, ...rest } = query;
  const resumed: ReadQuery = { ...rest, seq_num: last.seqNum + 1 };
  if (query.count !== undefined) resumed.count = Math.max(0, query.count - last.count);
  if (query.bytes !== undefined) resumed.bytes = Math.max(0, query.bytes - last.bytes);
  return resumed;
}
