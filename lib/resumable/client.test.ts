// Tests for the browser subscription client against a real HTTP server: reconnects, backoff, cursors, aborts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConnectionState,
  CursorOutOfRangeError,
  SubscribeHttpError,
  type SubscribeOptions,
  subscribe,
  withCursor,
} from './client';
import type { ResumableEvent } from './events';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  url: string;
  paths: string[];
  /** Resolves when the n-th response (0-based) is closed, by either side. */
  closed(index: number): Promise<void>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A real HTTP server answering the n-th request with the n-th handler (the last one repeats). */
async function serve(...handlers: Handler[]): Promise<TestServer> {
  const paths: string[] = [];
  const closings: Promise<void>[] = [];
  const server = createServer((req, res) => {
    const index = paths.length;
    paths.push(req.url ?? '');
    closings[index] = new Promise((resolve) => res.on('close', () => resolve()));
    const handler = handlers[Math.min(index, handlers.length - 1)];
    handler?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const testServer: TestServer = {
    url: `http://127.0.0.1:${port}/stream`,
    paths,
    closed: async (index) => {
      while (closings[index] === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
      await closings[index];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(testServer);
  return testServer;
}

const event = (n: number) => ({
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text: `t${n}` },
});
const frame = (n: number, id: number | string = n) =>
  `event: content_block_delta\ndata: ${JSON.stringify(event(n))}\nid: ${id}\n\n`;

function sse(...chunks: string[]): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of chunks) res.write(chunk);
    res.end();
  };
}
/** Writes the chunks and keeps the body open. */
function sseOpen(...chunks: string[]): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of chunks) res.write(chunk);
  };
}
/** Writes the chunks, then breaks the connection mid-body. */
function sseDrop(...chunks: string[]): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of chunks) res.write(chunk);
    setTimeout(() => res.socket?.destroy(), 20);
  };
}
function status(code: number, body?: unknown): Handler {
  return (_req, res) => {
    if (body === undefined) res.writeHead(code).end();
    else res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}

async function collect(options: SubscribeOptions): Promise<ResumableEvent[]> {
  const out: ResumableEvent[] = [];
  for await (const e of subscribe(options)) out.push(e);
  return out;
}

const fast = [0, 10];

describe('subscribe against a real HTTP server', () => {
  it('R11: advances the cursor from SSE ids and reconnects with ?from=<cursor>', async () => {
    const server = await serve(
      sse(frame(1), frame(2), frame(3)),
      sse(frame(4), frame(5), frame(6)),
      status(204),
    );
    const cursors: number[] = [];
    const events = await collect({
      url: server.url,
      onCursor: (c) => cursors.push(c),
      reconnectBackoffMs: fast,
    });
    expect(events).toEqual([1, 2, 3, 4, 5, 6].map(event));
    expect(server.paths).toEqual(['/stream', '/stream?from=3', '/stream?from=6']);
    expect(cursors).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('R11: starts from the initial cursor and hands it to function URLs', async () => {
    const server = await serve(sse(frame(8)), status(204));
    const base = server.url.replace('/stream', '');
    await collect({ url: (cursor) => `${base}/at/${cursor ?? 'none'}`, from: 7, reconnectBackoffMs: fast });
    expect(server.paths).toEqual(['/at/7', '/at/8']);
  });

  it('R11: accepts only safe non-negative integer ids and never moves the cursor backwards', async () => {
    const server = await serve(
      sse(frame(1, 5), frame(2, 'abc'), frame(3, 3), frame(4, -1), frame(5, '9007199254740993'), frame(6, 7)),
      status(204),
    );
    const cursors: number[] = [];
    const events = await collect({
      url: server.url,
      onCursor: (c) => cursors.push(c),
      reconnectBackoffMs: fast,
    });
    expect(events).toHaveLength(6);
    expect(cursors).toEqual([5, 7]);
    expect(server.paths[1]).toBe('/stream?from=7');
  });

  it('R13: ends on 204 after a single request', async () => {
    const server = await serve(status(204));
    const states: ConnectionState[] = [];
    expect(await collect({ url: server.url, onState: (s) => states.push(s) })).toEqual([]);
    expect(server.paths).toHaveLength(1);
    expect(states).toEqual(['connecting', 'ended']);
  });

  it('R17: reconnects from the last cursor after the body breaks mid-stream', async () => {
    const server = await serve(sseDrop(frame(1)), sse(frame(2)), status(204));
    const events = await collect({ url: server.url, reconnectBackoffMs: fast });
    expect(events).toEqual([event(1), event(2)]);
    expect(server.paths).toEqual(['/stream', '/stream?from=1', '/stream?from=2']);
  });

  it('R17: rethrows a body error when reconnects are disabled, and ends quietly on a clean end', async () => {
    const dropping = await serve(sseDrop(frame(1)));
    await expect(collect({ url: dropping.url, reconnectBackoffMs: [] })).rejects.toThrow();
    expect(dropping.paths).toHaveLength(1);
    const ending = await serve(sse(frame(1)));
    expect(await collect({ url: ending.url, reconnectBackoffMs: [] })).toEqual([event(1)]);
    expect(ending.paths).toHaveLength(1);
  });

  it('R17: fails fast on a permanent 4xx: a 401 after a drop makes exactly two requests', async () => {
    const server = await serve(
      sse(frame(1)),
      status(401, { error: { type: 'unauthorized', message: 'no' } }),
    );
    const error = await collect({ url: server.url, reconnectBackoffMs: fast }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SubscribeHttpError);
    expect(error).toMatchObject({ status: 401, body: { error: { type: 'unauthorized' } } });
    expect(server.paths).toHaveLength(2);
    const forbidden = await serve(status(403));
    await expect(collect({ url: forbidden.url })).rejects.toMatchObject({ status: 403 });
    expect(forbidden.paths).toHaveLength(1);
  });

  it('R17: retries 429, 408 and 5xx with backoff, and rethrows them when reconnects are disabled', async () => {
    const server = await serve(status(429), status(503), status(408), sse(frame(1)), status(204));
    expect(await collect({ url: server.url, reconnectBackoffMs: fast })).toEqual([event(1)]);
    expect(server.paths).toHaveLength(5);
    const failing = await serve(status(500));
    await expect(collect({ url: failing.url, reconnectBackoffMs: [] })).rejects.toMatchObject({
      status: 500,
    });
  });

  it('R15: throws CursorOutOfRangeError on 416 and 410 so the UI can re-hydrate from history', async () => {
    const past = await serve(status(416, { error: { type: 'cursor_out_of_range', message: 'past' } }));
    await expect(collect({ url: past.url, from: 99 })).rejects.toBeInstanceOf(CursorOutOfRangeError);
    const trimmed = await serve(status(410));
    await expect(collect({ url: trimmed.url, from: 3 })).rejects.toMatchObject({ status: 410 });
  });

  it('R17: resets the backoff after progress and reports every connection state', async () => {
    const server = await serve(status(503), status(503), sse(frame(1)), status(503), status(204));
    const states: Array<[ConnectionState, number]> = [];
    await collect({
      url: server.url,
      reconnectBackoffMs: [0, 5, 10],
      onState: (s, info) => states.push([s, info.attempt]),
    });
    expect(states).toEqual([
      ['connecting', 0],
      ['reconnecting', 1],
      ['reconnecting', 2],
      ['live', 2],
      ['reconnecting', 1],
      ['reconnecting', 2],
      ['ended', 2],
    ]);
  });

  it('R22: skips malformed JSON frames without stopping the cursor', async () => {
    const malformed = 'event: content_block_delta\ndata: {not json\nid: 2\n\n';
    const server = await serve(sse(frame(1), malformed, frame(3)), status(204));
    const cursors: number[] = [];
    const events = await collect({
      url: server.url,
      onCursor: (c) => cursors.push(c),
      reconnectBackoffMs: fast,
    });
    expect(events).toEqual([event(1), event(3)]);
    expect(cursors).toEqual([1, 2, 3]);
  });

  it('R18: aborting the signal ends the subscription and closes the connection', async () => {
    // The body stays open, so only the abort can end the loop (under the test's timeout).
    const server = await serve(sseOpen(frame(1)));
    const controller = new AbortController();
    const received: ResumableEvent[] = [];
    for await (const e of subscribe({ url: server.url, signal: controller.signal })) {
      received.push(e);
      setTimeout(() => controller.abort(), 20);
    }
    expect(controller.signal.aborted).toBe(true);
    expect(received).toEqual([event(1)]);
    await server.closed(0);
  });

  it('R17: an abort during a backoff sleep ends promptly', async () => {
    const server = await serve(sse(frame(1)));
    const controller = new AbortController();
    const states: ConnectionState[] = [];
    const done = collect({
      url: server.url,
      signal: controller.signal,
      // Longer than the test's timeout: the subscription can only end through the abort.
      reconnectBackoffMs: [60_000],
      onState: (s) => {
        states.push(s);
        if (s === 'reconnecting') setTimeout(() => controller.abort(), 10);
      },
    });
    expect(await done).toEqual([event(1)]);
    expect(states.at(-1)).toBe('ended');
  });

  it('R18: breaking out of the loop cancels the response body', async () => {
    const server = await serve(sseOpen(frame(1), frame(2)));
    for await (const _ of subscribe({ url: server.url })) break;
    await server.closed(0);
    expect(server.paths).toHaveLength(1);
  });

  it('R18: a consumer that throws cancels the body and gets its error back', async () => {
    const server = await serve(sseOpen(frame(1)));
    const boom = new Error('consumer failed');
    const run = async () => {
      for await (const _ of subscribe({ url: server.url })) throw boom;
    };
    await expect(run()).rejects.toBe(boom);
    await server.closed(0);
  });
});

describe('subscribe edge cases', () => {
  it('R13: treats 204 as the end by status even when a body is present', async () => {
    let calls = 0;
    const fakeFetch = (async () => {
      calls += 1;
      return { status: 204, ok: true, body: new ReadableStream<Uint8Array>() } as unknown as Response;
    }) as typeof fetch;
    expect(await collect({ url: '/stream', fetch: fakeFetch })).toEqual([]);
    expect(calls).toBe(1);
  });

  it('adds or replaces ?from= in relative URLs, keeping other parameters and the fragment', () => {
    expect(withCursor('/api/chat/stream?id=a&from=1&live=1#x', 9)).toBe(
      '/api/chat/stream?id=a&from=9&live=1#x',
    );
    expect(withCursor('/s', 0)).toBe('/s?from=0');
  });
});
