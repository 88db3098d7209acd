// Client-side s2.v1 protobuf helpers: the tests speak raw protobuf to local S2 with these.
import { BinaryReader, BinaryWriter, WireType } from '@protobuf-ts/runtime';
import type {
  AppendAck,
  AppendInput,
  Header,
  ReadBatch,
  SequencedRecord,
  StreamPosition,
} from '../engine/index';
import { decodeHeader, readSubMessage, readU64 } from './proto-decode';

const EMPTY = new Uint8Array(0);

function writeHeaders(writer: BinaryWriter, field: number, headers: readonly Header[]): void {
  for (const [name, value] of headers) {
    writer.tag(field, WireType.LengthDelimited).fork();
    if (name.byteLength > 0) writer.tag(1, WireType.LengthDelimited).bytes(name);
    if (value.byteLength > 0) writer.tag(2, WireType.LengthDelimited).bytes(value);
    writer.join();
  }
}

/** Encodes an `AppendInput` as a client would. */
export function encodeAppendInput(input: AppendInput): Uint8Array {
  const writer = new BinaryWriter();
  for (const record of input.records) {
    writer.tag(1, WireType.LengthDelimited).fork();
    if (record.timestamp !== undefined && record.timestamp !== null) {
      writer.tag(1, WireType.Varint).uint64(record.timestamp);
    }
    writeHeaders(writer, 2, record.headers ?? []);
    if (record.body && record.body.byteLength > 0) writer.tag(3, WireType.LengthDelimited).bytes(record.body);
    writer.join();
  }
  if (input.match_seq_num !== undefined && input.match_seq_num !== null) {
    writer.tag(2, WireType.Varint).uint64(input.match_seq_num);
  }
  if (input.fencing_token !== undefined && input.fencing_token !== null) {
    writer.tag(3, WireType.LengthDelimited).string(input.fencing_token);
  }
  return writer.finish();
}

function decodePosition(reader: BinaryReader, end: number): StreamPosition {
  const position: StreamPosition = { seq_num: 0, timestamp: 0 };
  while (reader.pos < end) {
    const [field, wireType] = reader.tag();
    if (field === 1) position.seq_num = readU64(reader);
    else if (field === 2) position.timestamp = readU64(reader);
    else reader.skip(wireType);
  }
  return position;
}

/** Decodes an `AppendAck` as a client would. */
export function decodeAppendAck(bytes: Uint8Array): Partial<AppendAck> {
  const reader = new BinaryReader(bytes);
  const ack: Partial<AppendAck> = {};
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) ack.start = readSubMessage(reader, decodePosition);
    else if (field === 2) ack.end = readSubMessage(reader, decodePosition);
    else if (field === 3) ack.tail = readSubMessage(reader, decodePosition);
    else reader.skip(wireType);
  }
  return ack;
}

function decodeSequencedRecord(reader: BinaryReader, end: number): SequencedRecord {
  const record: SequencedRecord = { seq_num: 0, timestamp: 0, headers: [], body: EMPTY };
  while (reader.pos < end) {
    const [field, wireType] = reader.tag();
    if (field === 1) record.seq_num = readU64(reader);
    else if (field === 2) record.timestamp = readU64(reader);
    else if (field === 3) record.headers.push(readSubMessage(reader, decodeHeader));
    else if (field === 4) record.body = reader.bytes();
    else reader.skip(wireType);
  }
  return record;
}

/** Decodes a `ReadBatch` as a client would. */
export function decodeReadBatch(bytes: Uint8Array): ReadBatch {
  const reader = new BinaryReader(bytes);
  const batch: ReadBatch = { records: [] };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) batch.records.push(readSubMessage(reader, decodeSequencedRecord));
    else if (field === 2) batch.tail = readSubMessage(reader, decodePosition);
    else reader.skip(wireType);
  }
  return batch;
}
