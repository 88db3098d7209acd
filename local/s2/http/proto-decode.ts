// Server-side protobuf decoding of the s2.v1 AppendInput the SDK sends (unary and s2s appends).
import { BinaryReader, WireType } from '@protobuf-ts/runtime';
import type { AppendInput, AppendRecord, Header } from '../engine/index';

/** Raised when bytes are not a valid encoding of the expected message. */
export class ProtoDecodeError extends Error {
  override readonly name = 'ProtoDecodeError';
}

const EMPTY = new Uint8Array(0);

function expectWireType(actual: WireType, expected: WireType, field: string): void {
  if (actual !== expected) throw new ProtoDecodeError(`field ${field} has wire type ${actual}`);
}

export function readU64(reader: BinaryReader): number {
  return Number(reader.uint64().toBigInt());
}

/** Runs `body` over a length-delimited sub-message, returning the reader positioned after it. */
export function readSubMessage<T>(reader: BinaryReader, decode: (reader: BinaryReader, end: number) => T): T {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len) throw new ProtoDecodeError('sub-message runs past the end of the buffer');
  const value = decode(reader, end);
  if (reader.pos !== end) throw new ProtoDecodeError('sub-message length mismatch');
  return value;
}

export function decodeHeader(reader: BinaryReader, end: number): Header {
  let name: Uint8Array = EMPTY;
  let value: Uint8Array = EMPTY;
  while (reader.pos < end) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      expectWireType(wireType, WireType.LengthDelimited, 'Header.name');
      name = reader.bytes();
    } else if (field === 2) {
      expectWireType(wireType, WireType.LengthDelimited, 'Header.value');
      value = reader.bytes();
    } else {
      reader.skip(wireType);
    }
  }
  return [name, value];
}

function decodeAppendRecord(reader: BinaryReader, end: number): AppendRecord {
  let timestamp: number | undefined;
  const headers: Header[] = [];
  let body: Uint8Array = EMPTY;
  while (reader.pos < end) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.Varint, 'AppendRecord.timestamp');
        timestamp = readU64(reader);
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'AppendRecord.headers');
        headers.push(readSubMessage(reader, decodeHeader));
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'AppendRecord.body');
        body = reader.bytes();
        break;
      default:
        reader.skip(wireType);
    }
  }
  return timestamp === undefined ? { headers, body } : { timestamp, headers, body };
}

/** Decodes an `AppendInput`. Byte fields are views into `bytes`, not copies. */
export function decodeAppendInput(bytes: Uint8Array): AppendInput {
  try {
    const reader = new BinaryReader(bytes);
    const records: AppendRecord[] = [];
    let matchSeqNum: number | undefined;
    let fencingToken: string | undefined;
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      switch (field) {
        case 1:
          expectWireType(wireType, WireType.LengthDelimited, 'AppendInput.records');
          records.push(readSubMessage(reader, decodeAppendRecord));
          break;
        case 2:
          expectWireType(wireType, WireType.Varint, 'AppendInput.match_seq_num');
          matchSeqNum = readU64(reader);
          break;
        case 3:
          expectWireType(wireType, WireType.LengthDelimited, 'AppendInput.fencing_token');
          fencingToken = reader.string();
          break;
        default:
          reader.skip(wireType);
      }
    }
    const input: { records: AppendRecord[]; match_seq_num?: number; fencing_token?: string } = { records };
    if (matchSeqNum !== undefined) input.match_seq_num = matchSeqNum;
    if (fencingToken !== undefined) input.fencing_token = fencingToken;
    return input;
  } catch (error) {
    if (error instanceof ProtoDecodeError) throw error;
    throw new ProtoDecodeError(
      `invalid AppendInput: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
