// subscribe(): no event after the caller's abort, no backoff growth across cleanly ended 200 responses, and a
// silent connection dropped and reopened from its cursor.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionIdleError, type ConnectionState, subscribe } from './client';
import type { ResumableEvent } from './events';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A real HTTP server answering the n-th request with the n-th handler (the last one repeats). */
async function serve(...handlers: Handler[]): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const handler = handlers[Math.min(paths.length, handlers.length - 1)];
    paths.push(req.url ?? '');
    handler?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/stream`, paths };
}

const event = (n: number) => ({
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text: `t${n}` },
});
const frame = (n: number) => `event: content_block_delta\ndata: ${JSON.stringify(event(n))}\nid: ${n}\n\n`;

/** Writes `body` as one chunk; `end` ends the response cleanly, otherwise it stays open. */
const sse =
  (body: string, end: boolean): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(body);
    if (end) res.end();
  };
const status =
  (code: number): Handler =>
  (_req, res) =>
    void res.writeHead(code).end();

describe('subscribe and aborts', () => {
  it('yields nothing more from the current chunk once the signal aborts', async () => {
    // Five frames in one chunk: all of them are parsed before the first is yielded.
    const server = await serve(sse([1, 2, 3, 4, 5].map(frame).join(''), false));
    const controller = new AbortController();
    const cursors: number[] = [];
    const received: ResumableEvent[] = [];
    for await (const e of subscribe({
      url: server.url,
      signal: controller.signal,
      onCursor: (cursor) => cursors.push(cursor),
    })) {
      received.push(e);
      controller.abort();
    }
    expect(received).toEqual([event(1)]);
    expect(cursors).toEqual([1]);
    expect(server.paths).toHaveLength(1);
  });
});

describe('subscribe backoff across clean ends', () => {
  /** Subscribes until the 204 and returns the attempt each `reconnecting` reported. */
  async function reconnectAttempts(url: string, reconnectBackoffMs: number[]): Promise<number[]> {
    const attempts: number[] = [];
    const onState = (state: ConnectionState, info: { attempt: number }) => {
      if (state === 'reconnecting') attempts.push(info.attempt);
    };
    for await (const _ of subscribe({ url, reconnectBackoffMs, onState })) {
      // No events are expected.
    }
    return attempts;
  }

  it('starts the backoff over after each 200 that ended cleanly with no events (an idle tab)', async () => {
    // What an idle live tab sees when each response reaches maxReplayLifetimeMs: pings, then a clean end.
    const idle = sse(': ping\n\n', true);
    const server = await serve(idle, idle, idle, idle, status(204));
    // Without the reset the attempts would count up, 1 to 4, each waiting the longer backoff.
    expect(await reconnectAttempts(server.url, [0, 10])).toEqual([1, 1, 1, 1]);
    expect(server.paths).toHaveLength(5);
  });

  it('backs off across empty 200 responses that carried no bytes (not our server)', async () => {
    const empty = sse('', true);
    const server = await serve(empty, empty, empty, status(204));
    expect(await reconnectAttempts(server.url, [0, 10])).toEqual([1, 2, 3]);
  });

  it('still backs off across failed responses', async () => {
    const server = await serve(status(503), status(503), status(503), status(204));
    expect(await reconnectAttempts(server.url, [0, 10])).toEqual([1, 2, 3]);
  });
});

describe('subscribe on a connection that goes silent', () => {
  it('drops a response that sends nothing for idleTimeoutMs and resumes from its cursor', async () => {
    // The first response delivers one event, then nothing, not even pings: a half-open connection.
    const server = await serve(sse(frame(1), false), sse(frame(2), true), status(204));
    const errors: unknown[] = [];
    const received: ResumableEvent[] = [];
    for await (const e of subscribe({
      url: server.url,
      idleTimeoutMs: 200,
      onState: (state, info) => {
        if (state === 'reconnecting') errors.push(info.error);
      },
    })) {
      received.push(e);
    }
    expect(received).toEqual([event(1), event(2)]);
    expect(server.paths).toEqual(['/stream', '/stream?from=1', '/stream?from=2']);
    expect(errors[0]).toBeInstanceOf(ConnectionIdleError);
  });

  it('does not count the time the consumer holds an event as silence', async () => {
    const server = await serve(sse(frame(1) + frame(2), true), status(204));
    const received: ResumableEvent[] = [];
    for await (const e of subscribe({ url: server.url, idleTimeoutMs: 100 })) {
      received.push(e);
      // Longer than the idle timeout, while the connection has already delivered everything.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(received).toEqual([event(1), event(2)]);
    expect(server.paths).toEqual(['/stream', '/stream?from=2']);
  });
});
