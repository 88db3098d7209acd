// Request/response plumbing shared by HTTP/1.1 and HTTP/2: bodies with a size cap, JSON and binary replies.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { toErrorReply, WireError } from './wire-errors';

/** What the handlers need from an `http.IncomingMessage` or `http2.Http2ServerRequest`. */
export interface WireRequest extends Readable {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
}

/** What the handlers need from an `http.ServerResponse` or `http2.Http2ServerResponse`. */
export interface WireResponse {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  /** Present on both at run time; @types/node omits it for HTTP/2. */
  flushHeaders?(): void;
  write(chunk: Uint8Array | string): boolean;
  end(chunk?: Uint8Array | string): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/**
 * Largest request body accepted. A 1 MiB batch of binary records is about 1.4 MiB as base64 JSON, so
 * leave room; anything bigger is refused before it is buffered.
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The first media type of a `content-type`/`accept` value, lower-cased, without parameters. */
export function mediaType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const first = value.split(',')[0] ?? '';
  return first.split(';')[0]?.trim().toLowerCase() || undefined;
}

export function isProtobufType(type: string | undefined): boolean {
  return type === 'application/protobuf' || type === 'application/x-protobuf';
}

export function isJsonType(type: string | undefined): boolean {
  return type === 'application/json' || (type?.endsWith('+json') ?? false);
}

/** Reads the whole body, refusing (413) once it exceeds `MAX_BODY_BYTES`. */
export async function readBody(req: WireRequest): Promise<Buffer> {
  const declared = Number(headerValue(req.headers, 'content-length') ?? 0);
  if (declared > MAX_BODY_BYTES)
    throw new WireError('request_too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > MAX_BODY_BYTES) {
      throw new WireError('request_too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

/** Parses a JSON body; an empty body is `undefined`, malformed JSON is 400 `bad_json`. */
export async function readJsonBody(req: WireRequest): Promise<unknown> {
  const body = await readBody(req);
  if (body.byteLength === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new WireError(
      'bad_json',
      `invalid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function sendJson(
  res: WireResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** Sends an already serialized JSON payload. */
export function sendJsonText(
  res: WireResponse,
  status: number,
  payload: string,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export function sendProtobuf(res: WireResponse, status: number, body: Uint8Array): void {
  res.writeHead(status, {
    'content-type': 'application/protobuf',
    'content-length': body.byteLength,
  });
  res.end(body);
}

/** An empty reply with no content-type (the SDK fails on an empty body labelled JSON). */
export function sendEmpty(res: WireResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

/** Replies with the error's status and exact body, unless the response has already started. */
export function sendError(res: WireResponse, error: unknown): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const reply = toErrorReply(error);
  sendJson(res, reply.status, reply.body);
}

/** Resolves once the response can take more data (or the client has gone). */
export function drained(res: WireResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
