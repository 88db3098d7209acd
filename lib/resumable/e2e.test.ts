// End-to-end tests through a tiny app server, a local S2, the local model and the browser client.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalAnthropic, startLocalAnthropic } from '../../local/anthropic/server';
import { subscribe } from './client';
import { isStoppedEvent, type ResumableEvent } from './events';
import { messageEvents, paced, type S2Fixture, startS2, uniqueStream } from './test-support';
import type { EventSource, ResumableChat } from './types';

let s2: S2Fixture;
let model: LocalAnthropic;
let anthropic: Anthropic;
const servers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s2 = await startS2();
  model = await startLocalAnthropic({ tokensPerSec: 0, stallMs: 8_000 });
  anthropic = new Anthropic({ apiKey: 'local', baseURL: model.url, maxRetries: 0 });
});
afterAll(async () => {
  await Promise.all(servers.map((close) => close()));
  await s2.close();
  await model.close();
});

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  const reader = response.body?.getReader();
  if (!reader) return void res.end();
  res.on('close', () => void reader.cancel().catch(() => undefined));
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done || !value) break;
    res.write(value);
  }
  res.end();
}

/** A tiny app in front of a chat: POST /turn/:name?text=, POST /stop/:name, GET /stream/:name?from=&live=1. */
async function startApp(chat: ResumableChat, source?: () => EventSource) {
  const requests: string[] = [];
  const persisted: Promise<unknown>[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://app');
    const [, route, name = ''] = url.pathname.split('/');
    if (req.method === 'POST' && route === 'turn') {
      const text = url.searchParams.get('text') ?? 'hello';
      const response = await chat.makeResumable(
        name,
        (signal) =>
          source?.() ??
          anthropic.messages.stream(
            { model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: text }] },
            { signal },
          ),
        { delivery: 'replay', waitUntil: (p) => void persisted.push(p) },
      );
      return send(res, response);
    }
    if (req.method === 'POST' && route === 'stop') {
      return send(res, new Response(null, { status: (await chat.stop(name)) ? 200 : 409 }));
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const from = url.searchParams.get('from');
    const response = await chat.replay(name, {
      fromSeqNum: from === null ? 0 : Number(from),
      live: url.searchParams.get('live') === '1',
      signal: abort.signal,
    });
    return send(res, response);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url, requests, persisted };
}

async function collect(url: string, from?: number): Promise<ResumableEvent[]> {
  const events: ResumableEvent[] = [];
  for await (const event of subscribe({ url, from, reconnectBackoffMs: [0, 20] })) events.push(event);
  return events;
}

const textOf = (events: ResumableEvent[]) =>
  events
    .map((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? e.delta.text : ''))
    .join('');

describe('end to end: app server, S2, browser client', () => {
  it('streams a real Anthropic SDK reply through S2 to the browser client, unchanged', async () => {
    const app = await startApp(s2.chat({ mode: 'session' }));
    const name = uniqueStream();
    const posted = await fetch(`${app.url}/turn/${name}?text=Tell%20me%20about%20S2`, { method: 'POST' });
    expect(posted.status).toBe(202);
    const events = await collect(`${app.url}/stream/${name}`);
    await Promise.all(app.persisted);
    const direct = await anthropic.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Tell me about S2' }],
    });
    const expected = direct.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(textOf(events)).toBe(expected);
    expect(events.at(-1)?.type).toBe('message_stop');
  });

  it('R7: a /demo stall longer than the lease keeps its turn, thanks to heartbeats', async () => {
    // Heartbeats every second keep a 3 s lease through the 8 s stall; the last check comes 1.5 leases in.
    const app = await startApp(s2.chat({ mode: 'session', leaseDurationMs: 3_000 }));
    const name = uniqueStream();
    expect((await fetch(`${app.url}/turn/${name}?text=%2Fdemo%20stall`, { method: 'POST' })).status).toBe(
      202,
    );
    const during: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      during.push((await fetch(`${app.url}/turn/${name}?text=again`, { method: 'POST' })).status);
    }
    expect(during).toEqual([409, 409, 409]);
    const events = await collect(`${app.url}/stream/${name}`);
    expect(events.at(-1)?.type).toBe('message_stop');
  });

  it('R18: a stop during a stall aborts the model request and every subscriber sees the end', async () => {
    const app = await startApp(s2.chat({ mode: 'session' }));
    const name = uniqueStream();
    const abortedBefore = model.stats().aborted;
    expect((await fetch(`${app.url}/turn/${name}?text=%2Fdemo%20stall`, { method: 'POST' })).status).toBe(
      202,
    );
    const seen: ResumableEvent[] = [];
    const following = (async () => {
      for await (const event of subscribe({
        url: `${app.url}/stream/${name}`,
        reconnectBackoffMs: [0, 20],
      })) {
        seen.push(event);
      }
    })();
    await vi.waitFor(() => expect(seen.some((e) => e.type === 'content_block_delta')).toBe(true));
    expect((await fetch(`${app.url}/stop/${name}`, { method: 'POST' })).status).toBe(200);
    await following;
    expect(seen.at(-1) && isStoppedEvent(seen.at(-1) as ResumableEvent)).toBe(true);
    await vi.waitFor(() => expect(model.stats().aborted).toBe(abortedBefore + 1), { timeout: 2000 });
    expect((await fetch(`${app.url}/stop/${name}`, { method: 'POST' })).status).toBe(409);
  });

  it('R16: responses past their lifetime close cleanly and the client resumes without duplicates or gaps', async () => {
    const events = messageEvents(Array.from({ length: 16 }, (_, i) => `word${i} `));
    const app = await startApp(s2.chat({ mode: 'session', maxReplayLifetimeMs: 120 }), () =>
      paced(events, 25),
    );
    const name = uniqueStream();
    expect((await fetch(`${app.url}/turn/${name}`, { method: 'POST' })).status).toBe(202);
    expect(await collect(`${app.url}/stream/${name}`)).toEqual(events);
    expect(app.requests.filter((r) => r.startsWith('GET')).length).toBeGreaterThanOrEqual(3);
  });

  it('resumes mid-turn after a reload without duplicating text', async () => {
    const events = messageEvents(['The ', 'quick ', 'brown ', 'fox ', 'jumps.']);
    const app = await startApp(s2.chat({ mode: 'session' }), () => paced(events, 30));
    const name = uniqueStream();
    expect((await fetch(`${app.url}/turn/${name}`, { method: 'POST' })).status).toBe(202);
    const before: ResumableEvent[] = [];
    let cursor: number | undefined;
    for await (const event of subscribe({
      url: `${app.url}/stream/${name}`,
      onCursor: (c) => (cursor = c),
    })) {
      before.push(event);
      if (before.length === 4) break; // the tab reloads
    }
    const after = await collect(`${app.url}/stream/${name}`, cursor);
    expect([...before, ...after]).toEqual(events);
    expect(textOf([...before, ...after])).toBe('The quick brown fox jumps.');
  });
});
