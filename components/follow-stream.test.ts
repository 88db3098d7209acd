// Scenarios for following a chat's live stream against a real local HTTP server speaking the app's routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatDetail } from '../lib/chat-types';
import { SubscribeHttpError } from '../lib/resumable/client';
import type { ResumableEvent } from '../lib/resumable/events';
import { textTurn } from '../lib/transcript-fixtures';
import { followStream } from './follow-stream';

type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => void;

let server: Server;
let handler: Handler;
const openResponses = new Set<ServerResponse>();

beforeEach(async () => {
  server = createServer((request, response) => {
    openResponses.add(response);
    response.on('close', () => openResponses.delete(response));
    handler(request, response, new URL(request.url ?? '/', 'http://localhost'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The app calls same-origin paths; in Node they are resolved against the test server.
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: string | URL, init?: RequestInit) =>
    realFetch(new URL(String(input), base), init),
  );
});

afterEach(async () => {
  vi.unstubAllGlobals();
  for (const response of openResponses) response.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function sendEvents(response: ServerResponse, events: readonly ResumableEvent[], from: number) {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  response.write(': open\n\n');
  events.forEach((event, index) => {
    response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\nid: ${from + index + 1}\n\n`);
  });
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

describe('followStream', () => {
  it('re-reads history after a 416 and resumes from its cursor, delivering each event once', async () => {
    const turn = textTurn(['Hello', ' again']);
    const detail: ChatDetail = {
      chat: { id: 'c1', title: 'Hi', createdAt: 1, updatedAt: 1 },
      messages: [],
      cursor: 0,
    };
    const streamRequests: string[] = [];
    handler = (_request, response, url) => {
      if (url.pathname === '/api/chats/c1') return json(response, 200, detail);
      streamRequests.push(url.search);
      if (url.searchParams.get('from') === '50') {
        return json(response, 416, { error: { type: 'out_of_range', message: 'Cursor is past the tail.' } });
      }
      sendEvents(response, turn, 0); // left open, like a live tail
    };

    const controller = new AbortController();
    const received: Array<[string, number | null]> = [];
    const rehydrated: ChatDetail[] = [];
    const failures: unknown[] = [];
    const following = followStream({
      chatId: 'c1',
      from: 50,
      signal: controller.signal,
      onEvent: (event, cursor) => {
        received.push([event.type, cursor]);
        if (event.type === 'message_stop') controller.abort();
      },
      onRehydrate: (next) => rehydrated.push(next),
      onState: () => {},
      onFatal: (error) => failures.push(error),
    });
    await following;

    expect(failures).toEqual([]);
    expect(rehydrated).toEqual([detail]);
    expect(streamRequests).toEqual(['?id=c1&live=1&from=50', '?id=c1&live=1&from=0']);
    expect(received).toEqual(turn.map((event, index) => [event.type, index + 1]));
  });

  it('gives up with the HTTP error when the chat is gone', async () => {
    handler = (_request, response) =>
      json(response, 404, { error: { type: 'not_found', message: 'No such chat.' } });
    const failures: unknown[] = [];
    await followStream({
      chatId: 'gone',
      from: 0,
      signal: new AbortController().signal,
      onEvent: () => {},
      onRehydrate: () => {},
      onState: () => {},
      onFatal: (error) => failures.push(error),
    });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(SubscribeHttpError);
    expect((failures[0] as SubscribeHttpError).status).toBe(404);
  });

  it('stops reporting once aborted, so a successor subscription owns the indicator', async () => {
    handler = (_request, response) => sendEvents(response, [], 0);
    const states: string[] = [];
    const controller = new AbortController();
    const following = followStream({
      chatId: 'c2',
      from: 0,
      signal: controller.signal,
      onEvent: () => {},
      onRehydrate: () => {},
      onState: (state) => {
        states.push(state);
        if (state === 'live') controller.abort();
      },
      onFatal: () => {},
    });
    await following;
    // The subscription reports 'ended' as it unwinds; after the abort that report is not ours to show.
    expect(states).toEqual(['connecting', 'live']);
  });
});
