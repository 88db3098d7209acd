// Binary encoding of a record's headers for the `records.headers` column: (u32 len, bytes) pairs.

import type { Header } from './types';

/** `null` for no headers (the common case, nothing stored); else name/value pairs with u32 BE lengths. */
export function encodeHeaders(headers: readonly Header[] | undefined): Buffer | null {
  if (headers === undefined || headers.length === 0) return null;
  let size = 0;
  for (const [name, value] of headers) size += 8 + name.length + value.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const [name, value] of headers) {
    out.writeUInt32BE(name.length, at);
    out.set(name, at + 4);
    at += 4 + name.length;
    out.writeUInt32BE(value.length, at);
    out.set(value, at + 4);
    at += 4 + value.length;
  }
  return out;
}

export function decodeHeaders(blob: Buffer | null): Header[] {
  if (blob === null || blob.length === 0) return [];
  const headers: Header[] = [];
  let at = 0;
  while (at < blob.length) {
    const nameLength = blob.readUInt32BE(at);
    const name = blob.subarray(at + 4, at + 4 + nameLength);
    at += 4 + nameLength;
    const valueLength = blob.readUInt32BE(at);
    const value = blob.subarray(at + 4, at + 4 + valueLength);
    at += 4 + valueLength;
    headers.push([name, value]);
  }
  return headers;
}
