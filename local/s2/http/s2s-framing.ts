// s2s message framing: 3-byte length, flag byte [T][CC][A][RRRR], body; terminal frames carry a status.
import * as zlib from 'node:zlib';

/** Largest frame (flag byte + body) either side accepts, matching the SDK's decode limit. */
export const MAX_FRAME_BYTES = 2 * 1024 * 1024;

const TERMINAL_BIT = 0x80;
const COMPRESSION_MASK = 0x60;

export type FrameCompression = 'none' | 'zstd' | 'gzip';

export interface DecodedFrame {
  terminal: boolean;
  compression: FrameCompression;
  /** Payload after decompression (for terminal frames: the body after the 2-byte status). */
  body: Uint8Array;
  statusCode?: number;
}

/** Raised when the peer's byte stream does not follow the s2s framing rules. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/** Bytes before a frame's body: the 3-byte length and the flag byte. */
export const FRAME_HEADER_BYTES = 4;

/**
 * Turns a buffer whose first `FRAME_HEADER_BYTES` were left free (encoder headroom) into a regular,
 * uncompressed frame, without copying the body.
 */
export function frameInPlace(buffer: Buffer): Buffer {
  const length = buffer.byteLength - 3;
  if (length > MAX_FRAME_BYTES) throw new FrameError(`frame of ${length} bytes exceeds ${MAX_FRAME_BYTES}`);
  buffer[0] = (length >>> 16) & 0xff;
  buffer[1] = (length >>> 8) & 0xff;
  buffer[2] = length & 0xff;
  buffer[3] = 0;
  return buffer;
}

/** A regular (non-terminal, uncompressed) frame around a protobuf body. */
export function encodeFrame(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.byteLength);
  frame.set(body, FRAME_HEADER_BYTES);
  return frameInPlace(frame);
}

/** A terminal frame: 2-byte big-endian status code, then the JSON error body. */
export function encodeTerminalFrame(statusCode: number, jsonBody: string): Buffer {
  const json = Buffer.from(jsonBody, 'utf8');
  const length = 1 + 2 + json.byteLength;
  const frame = Buffer.allocUnsafe(3 + length);
  frame[0] = (length >>> 16) & 0xff;
  frame[1] = (length >>> 8) & 0xff;
  frame[2] = length & 0xff;
  frame[3] = TERMINAL_BIT;
  frame[4] = (statusCode >>> 8) & 0xff;
  frame[5] = statusCode & 0xff;
  json.copy(frame, 6);
  return frame;
}

function compressionOf(flag: number): FrameCompression {
  switch ((flag & COMPRESSION_MASK) >>> 5) {
    case 0:
      return 'none';
    case 1:
      return 'zstd';
    case 2:
      return 'gzip';
    default:
      throw new FrameError('unknown frame compression');
  }
}

type ZstdDecompress = (buf: Uint8Array, options?: { maxOutputLength?: number }) => Buffer;

function decompress(body: Uint8Array, compression: FrameCompression): Uint8Array {
  switch (compression) {
    case 'none':
      return body;
    case 'gzip':
      return zlib.gunzipSync(body, { maxOutputLength: MAX_FRAME_BYTES });
    case 'zstd': {
      // zstd landed in node:zlib after Node 20; look it up at run time so the module loads everywhere.
      const zstd = (zlib as unknown as { zstdDecompressSync?: ZstdDecompress }).zstdDecompressSync;
      if (!zstd) throw new FrameError('zstd frames are not supported by this Node.js runtime');
      return zstd(body, { maxOutputLength: MAX_FRAME_BYTES });
    }
  }
}

/**
 * Incremental frame decoder. Chunks are kept as a list and joined only when a frame completes,
 * so a stream of small writes does not cost quadratic copying.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
  }

  /** The next complete frame, or undefined when more bytes are needed. */
  next(): DecodedFrame | undefined {
    if (this.buffered < 4) return undefined;
    const head = this.peek(4);
    const length = ((head[0] ?? 0) << 16) | ((head[1] ?? 0) << 8) | (head[2] ?? 0);
    if (length < 1) throw new FrameError('frame length must include the flag byte');
    if (length > MAX_FRAME_BYTES) throw new FrameError(`frame of ${length} bytes exceeds ${MAX_FRAME_BYTES}`);
    if (this.buffered < 3 + length) return undefined;
    const frame = this.take(3 + length);
    const flag = frame[3] ?? 0;
    const terminal = (flag & TERMINAL_BIT) !== 0;
    const compression = compressionOf(flag);
    let body: Uint8Array = frame.subarray(4);
    let statusCode: number | undefined;
    if (terminal) {
      if (body.byteLength < 2) throw new FrameError('terminal frame is missing its status code');
      statusCode = ((body[0] ?? 0) << 8) | (body[1] ?? 0);
      body = body.subarray(2);
    } else {
      body = decompress(body, compression);
    }
    return { terminal, compression, body, statusCode };
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.byteLength >= n) return first;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] as Buffer;
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    const taken = first.subarray(0, n);
    const rest = first.subarray(n);
    if (rest.byteLength > 0) this.chunks[0] = rest;
    else this.chunks.shift();
    this.buffered -= n;
    return taken;
  }
}
