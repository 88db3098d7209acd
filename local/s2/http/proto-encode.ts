// Fast server-side protobuf encoders for AppendAck and ReadBatch: sizes first, then one buffer, no copies.
import type { AppendAck, Header, ReadBatch, SequencedRecord, StreamPosition } from '../engine/index';

/** Wire tags (field number << 3 | wire type) of the fields written here. */
const TAG = {
  positionSeqNum: 0x08,
  positionTimestamp: 0x10,
  ackStart: 0x0a,
  ackEnd: 0x12,
  ackTail: 0x1a,
  headerName: 0x0a,
  headerValue: 0x12,
  recordSeqNum: 0x08,
  recordTimestamp: 0x10,
  recordHeader: 0x1a,
  recordBody: 0x22,
  batchRecord: 0x0a,
  batchTail: 0x12,
} as const;

function varintSize(value: number): number {
  let size = 1;
  let rest = value;
  while (rest >= 128) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

/** Writes an unsigned varint (values up to 2^53, so no 32-bit bitwise shortcuts above 2^31). */
function writeVarint(buffer: Buffer, offset: number, value: number): number {
  let at = offset;
  let rest = value;
  while (rest >= 128) {
    buffer[at++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  buffer[at++] = rest;
  return at;
}

const fieldSize = (length: number) => 1 + varintSize(length) + length;
const scalarSize = (value: number) => (value === 0 ? 0 : 1 + varintSize(value));

function positionSize(position: StreamPosition): number {
  return scalarSize(position.seq_num) + scalarSize(position.timestamp);
}

function writeScalar(buffer: Buffer, at: number, tag: number, value: number): number {
  if (value === 0) return at;
  buffer[at] = tag;
  return writeVarint(buffer, at + 1, value);
}

function writeBytes(buffer: Buffer, at: number, tag: number, bytes: Uint8Array): number {
  buffer[at] = tag;
  const next = writeVarint(buffer, at + 1, bytes.byteLength);
  buffer.set(bytes, next);
  return next + bytes.byteLength;
}

function writePosition(buffer: Buffer, at: number, tag: number, position: StreamPosition): number {
  buffer[at] = tag;
  let next = writeVarint(buffer, at + 1, positionSize(position));
  next = writeScalar(buffer, next, TAG.positionSeqNum, position.seq_num);
  return writeScalar(buffer, next, TAG.positionTimestamp, position.timestamp);
}

function headerSize([name, value]: Header): number {
  return (
    (name.byteLength > 0 ? fieldSize(name.byteLength) : 0) +
    (value.byteLength > 0 ? fieldSize(value.byteLength) : 0)
  );
}

function recordSize(record: SequencedRecord): number {
  let size = scalarSize(record.seq_num) + scalarSize(record.timestamp);
  for (const header of record.headers) size += fieldSize(headerSize(header));
  if (record.body.byteLength > 0) size += fieldSize(record.body.byteLength);
  return size;
}

/** `AppendAck` with `start`, `end` and `tail` always present (the SDK rejects an ack without them). */
export function encodeAppendAck(ack: AppendAck, headroom = 0): Buffer {
  const size = [ack.start, ack.end, ack.tail].reduce((sum, p) => sum + fieldSize(positionSize(p)), 0);
  const buffer = Buffer.allocUnsafe(headroom + size);
  let at = writePosition(buffer, headroom, TAG.ackStart, ack.start);
  at = writePosition(buffer, at, TAG.ackEnd, ack.end);
  writePosition(buffer, at, TAG.ackTail, ack.tail);
  return buffer;
}

/**
 * `ReadBatch`; an empty batch with a tail is the s2s heartbeat. `headroom` leaves bytes free at the front
 * so an s2s frame header can be written in place.
 */
export function encodeReadBatch(batch: ReadBatch, headroom = 0): Buffer {
  const sizes = batch.records.map(recordSize);
  let size = sizes.reduce((sum, recordLength) => sum + fieldSize(recordLength), 0);
  if (batch.tail) size += fieldSize(positionSize(batch.tail));
  const buffer = Buffer.allocUnsafe(headroom + size);
  let at = headroom;
  batch.records.forEach((record, index) => {
    buffer[at] = TAG.batchRecord;
    at = writeVarint(buffer, at + 1, sizes[index] ?? 0);
    at = writeScalar(buffer, at, TAG.recordSeqNum, record.seq_num);
    at = writeScalar(buffer, at, TAG.recordTimestamp, record.timestamp);
    for (const header of record.headers) {
      buffer[at] = TAG.recordHeader;
      at = writeVarint(buffer, at + 1, headerSize(header));
      const [name, value] = header;
      if (name.byteLength > 0) at = writeBytes(buffer, at, TAG.headerName, name);
      if (value.byteLength > 0) at = writeBytes(buffer, at, TAG.headerValue, value);
    }
    if (record.body.byteLength > 0) at = writeBytes(buffer, at, TAG.recordBody, record.body);
  });
  if (batch.tail) writePosition(buffer, at, TAG.batchTail, batch.tail);
  return buffer;
}
