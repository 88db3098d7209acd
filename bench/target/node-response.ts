// Writes a web Response (what lib/resumable and the resumable-stream routes return) to a node:http response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { drained } from '../../local/s2/http/http-io';

/** Pumps `reader` into `res` with backpressure; cancels the reader when the client leaves. */
async function pump(reader: ReadableStreamDefaultReader<Uint8Array | string>, res: ServerResponse) {
  const onClose = () => void reader.cancel().catch(() => undefined);
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await drained(res);
    }
  } catch {
    // The body failed or was cancelled; the client sees the connection end.
  } finally {
    res.off('close', onClose);
    res.end();
  }
}

export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  await pump(response.body.getReader(), res);
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const satisfies Record<string, string>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** An AbortSignal that fires when the client goes away before the response finished. */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
