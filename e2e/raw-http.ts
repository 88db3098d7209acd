// A raw HTTP/1.1 client for the hostile-input specs: exact paths, headers and body bytes, nothing normalised.
import http from 'node:http';
import zlib from 'node:zlib';

export interface RawRequest {
  method: string;
  /** Sent as is: percent-encode anything outside printable ASCII yourself. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body with chunked transfer encoding instead of a Content-Length. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** An SSE response: its headers were read and the connection closed without waiting for the stream. */
  streamed: boolean;
}

export class RawRequestTimeoutError extends Error {
  constructor(request: RawRequest, timeoutMs: number) {
    super(`${request.method} ${request.path.slice(0, 200)} got no complete answer within ${timeoutMs} ms`);
    this.name = 'RawRequestTimeoutError';
  }
}

/** The body as text, undoing any Content-Encoding the server chose from our Accept-Encoding. */
function decodeBody(raw: Buffer, encoding: string | undefined): string {
  switch (encoding) {
    case 'gzip':
      return zlib.gunzipSync(raw).toString('utf8');
    case 'deflate':
      return zlib.inflateSync(raw).toString('utf8');
    case 'br':
      return zlib.brotliDecompressSync(raw).toString('utf8');
    default:
      return raw.toString('utf8');
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** Sends one request to `baseURL` and reads the whole answer (or just the head of an event stream). */
export function sendRaw(baseURL: string, request: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const base = new URL(baseURL);
  const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  const headers: Record<string, string> = { ...request.headers };
  if (body && !request.chunked) headers['content-length'] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { agent, host: base.hostname, port: base.port, method: request.method, path: request.path, headers },
      (incoming) => {
        const status = incoming.statusCode ?? 0;
        if (String(incoming.headers['content-type']).startsWith('text/event-stream')) {
          clearTimeout(timer);
          outgoing.destroy();
          resolve({ status, headers: incoming.headers, body: '', streamed: true });
          return;
        }
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', fail);
        incoming.on('end', () => {
          clearTimeout(timer);
          try {
            const body = decodeBody(Buffer.concat(chunks), incoming.headers['content-encoding']);
            resolve({ status, headers: incoming.headers, body, streamed: false });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new RawRequestTimeoutError(request, timeoutMs));
    }, timeoutMs);
    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    outgoing.on('error', fail);
    if (body && request.chunked) {
      // Several chunks, so the server cannot rely on a declared length.
      const step = Math.max(1, Math.ceil(body.byteLength / 4));
      for (let at = 0; at < body.byteLength; at += step) outgoing.write(body.subarray(at, at + step));
    } else if (body) {
      outgoing.write(body);
    }
    outgoing.end();
  });
}

/** Closes the idle keep-alive sockets, so a spec leaves nothing open. */
export function closeRawConnections(): void {
  agent.destroy();
}

export interface ErrorShape {
  type: string;
  message: string;
}

/** The `{ error: { type, message } }` body of an error response, or a description of what is wrong with it. */
export function parseErrorBody(response: RawResponse): ErrorShape | string {
  const type = String(response.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) return `content-type is "${type}", not JSON`;
  let value: unknown;
  try {
    value = JSON.parse(response.body);
  } catch {
    return `body is not JSON: ${response.body.slice(0, 120)}`;
  }
  const error = (value as { error?: unknown } | null)?.error as Partial<ErrorShape> | undefined;
  if (typeof error?.type !== 'string' || typeof error.message !== 'string' || error.message.length === 0)
    return `body is not { error: { type, message } }: ${response.body.slice(0, 120)}`;
  return { type: error.type, message: error.message };
}
