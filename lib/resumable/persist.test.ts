// Integration tests for the writer: events, errors, heartbeats and losing S2, on a local S2.
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { S2, S2Error, S2Stream } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { startLocalS2 } from '../../local/s2/http/server';
import { localS2ClientConfig } from '../../local/s2/http/test-support';
import { decodeRecord, parseToken } from './protocol';
import { createResumableChat } from './server';
import {
  controlledSource,
  eventsOf,
  messageEvents,
  paced,
  readAll,
  registerS2Fixture,
  sleep,
  startControlledTurn,
  uniqueStream,
} from './test-support';
import type { GenerationEnd } from './types';

const s2 = registerS2Fixture();

const quietLogger = () => ({ warn: vi.fn(), error: vi.fn() });

describe('the writer', () => {
  it('R6: an upstream error reaches clients sanitized, as the last frame', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    async function* failing(): AsyncGenerator<RawMessageStreamEvent> {
      yield* messageEvents(['partial']).slice(0, 3);
      throw new Error('sk-secret leaked');
    }
    const ends: GenerationEnd[] = [];
    const response = await chat.makeResumable(name, failing(), { onFinish: (end) => void ends.push(end) });
    const frames = await readAll(response);
    const last = frames.at(-1);
    expect(last?.event).toBe('error');
    expect(JSON.parse(last?.data ?? '')).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'An error occurred.' },
    });
    expect(frames.map((f) => f.data).join('')).not.toContain('sk-secret');
    expect(ends).toMatchObject([
      { reason: 'error', error: { type: 'api_error', message: 'An error occurred.' } },
    ]);
  });

  it('R6: onError opts into forwarding a message', async () => {
    const chat = s2.chat({ mode: 'session', onError: () => 'The model is overloaded.' });
    async function* failing(): AsyncGenerator<RawMessageStreamEvent> {
      yield* [];
      throw new Error('overloaded');
    }
    const frames = await readAll(await chat.makeResumable(uniqueStream(), failing()));
    expect(eventsOf(frames)).toEqual([
      { type: 'error', error: { type: 'api_error', message: 'The model is overloaded.' } },
    ]);
  });

  it('R10: batchSize 1 with no linger persists every event in order', async () => {
    const chat = s2.chat({ mode: 'session', batchSize: 1, lingerDuration: 0 });
    const name = uniqueStream();
    const events = messageEvents(['a', 'b', 'c', 'd']);
    await chat.makeResumable(name, paced(events, 0), { delivery: 'replay' });
    expect(eventsOf(await readAll(await chat.replay(name, { fromSeqNum: 0 })))).toEqual(events);
  });

  it('R10: an event over the 1 MiB record limit ends the generation with an error event', async () => {
    const chat = s2.chat({ mode: 'session', logger: quietLogger() });
    const name = uniqueStream();
    const huge: RawMessageStreamEvent = {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'x'.repeat(1024 * 1024 + 1) },
    };
    const source = controlledSource();
    source.push(messageEvents(['ok'])[0] as RawMessageStreamEvent);
    source.push(huge);
    const ends: GenerationEnd[] = [];
    const response = await chat.makeResumable(name, source, { onFinish: (end) => void ends.push(end) });
    const frames = await readAll(response);
    expect(frames.map((f) => f.event)).toEqual(['message_start', 'error']);
    expect(ends).toMatchObject([{ reason: 'error' }]);
    await source.returned;
    const last = (await s2.records(name)).map(decodeRecord).at(-1);
    expect(last?.kind === 'fence' && parseToken(last.token)?.phase).toBe('error');
  });

  it('R22: tool-use partial JSON, thinking and signature deltas are replayed verbatim', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const events: RawMessageStreamEvent[] = [
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'Let me think… "quoted" \\ 🙂' },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' },
      },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: {
          type: 'tool_use',
          id: 'toolu_1',
          name: 'get_weather',
          input: {},
          caller: { type: 'direct' },
        },
      } as RawMessageStreamEvent,
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"city": "Par' },
      },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'is"}' } },
      { type: 'content_block_stop', index: 1 },
    ];
    const response = await chat.makeResumable(name, paced(events, 0));
    const live = await readAll(response);
    const replayed = await readAll(await chat.replay(name, { fromSeqNum: 0 }));
    expect(replayed.map((f) => f.data)).toEqual(events.map((e) => JSON.stringify(e)));
    expect(live).toEqual(replayed);
    expect(replayed.map((f) => f.event)).toEqual(events.map((e) => e.type));
  });

  it('R21: persistence runs under waitUntil and a later replay has nothing left (single-use)', async () => {
    const chat = s2.chat({ mode: 'single-use' });
    const name = uniqueStream();
    const registered: Promise<unknown>[] = [];
    const ends: GenerationEnd[] = [];
    const response = await chat.makeResumable(name, paced(messageEvents(['a', 'b']), 20), {
      delivery: 'replay',
      waitUntil: (p) => void registered.push(p),
      onFinish: (end) => void ends.push(end),
    });
    expect(response.status).toBe(202);
    expect(response.body).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(registered).toHaveLength(1);
    expect(ends).toHaveLength(0);
    await registered[0];
    expect(ends).toMatchObject([{ reason: 'complete', fromSeqNum: 0 }]);
    expect((await chat.replay(name)).status).toBe(204);
  });

  it('R21: without waitUntil a replay-delivery POST is held until persistence and onFinish are done', async () => {
    const chat = s2.chat({ mode: 'shared' });
    const ends: GenerationEnd[] = [];
    const response = await chat.makeResumable(uniqueStream(), paced(messageEvents(['a']), 10), {
      delivery: 'replay',
      onFinish: async (end) => {
        await sleep(20);
        ends.push(end);
      },
    });
    expect(response.status).toBe(202);
    expect(ends).toMatchObject([{ reason: 'complete' }]);
  });

  it('R7: a healthy writer paused three times its lease is kept alive by heartbeats', async () => {
    // Long enough that a heartbeat (every lease / 3) delayed by a loaded machine still lands within the lease.
    const leaseDurationMs = 3_000;
    const writer = s2.chat({ mode: 'session', leaseDurationMs });
    const claimer = s2.chat({ mode: 'session', leaseDurationMs });
    const name = uniqueStream();
    const source = controlledSource();
    const events = messageEvents(['before', 'after']);
    const ends: GenerationEnd[] = [];
    const persisted: Promise<unknown>[] = [];
    await writer.makeResumable(name, source, {
      delivery: 'replay',
      waitUntil: (p) => void persisted.push(p),
      onFinish: (end) => void ends.push(end),
    });
    for (const event of events.slice(0, 3)) source.push(event);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      await sleep(leaseDurationMs * 0.75);
      statuses.push((await claimer.makeResumable(name, paced([], 0), { delivery: 'replay' })).status);
    }
    expect(statuses).toEqual([409, 409, 409, 409]);
    for (const event of events.slice(3)) source.push(event);
    source.end();
    await Promise.all(persisted);
    expect(ends).toMatchObject([{ reason: 'complete' }]);
    const records = (await s2.records(name)).map(decodeRecord);
    expect(records.filter((r) => r.kind === 'heartbeat').length).toBeGreaterThanOrEqual(3);
    expect(eventsOf(await readAll(await writer.replay(name, { fromSeqNum: 0 })))).toEqual(events);
  });

  it('the upstream starts while the append session opens, and stops at once if it cannot be opened', async () => {
    const logger = quietLogger();
    const chat = s2.chat({ mode: 'session', logger });
    const name = uniqueStream();
    vi.spyOn(S2Stream.prototype, 'appendSession').mockRejectedValue(
      new S2Error({ message: 'no session for you', status: 503, origin: 'sdk' }),
    );
    const { source, ends, persisted, response } = await startControlledTurn(chat, name);
    // The claim, meant for the session, went out as a unary append instead.
    expect(response.status).toBe(202);
    await source.returned;
    await Promise.all(persisted);
    expect(ends).toMatchObject([{ reason: 'error', fromSeqNum: 0, error: { type: 'api_error' } }]);
    // The claim's own unary append closed the generation, so readers and the next claim need not wait.
    const records = (await s2.records(name)).map(decodeRecord);
    const last = records.at(-1);
    expect(last?.kind === 'fence' && parseToken(last.token)?.phase).toBe('error');
    expect(logger.error).toHaveBeenCalled();
  });

  it('a writer that loses S2 for good reports its generation left open, with no end it cannot know', async () => {
    const server = await startLocalS2({ inMemory: true, ensureBasins: ['rc-outage'] });
    const logger = quietLogger();
    const chat = createResumableChat({
      accessToken: 'local',
      basin: 'rc-outage',
      endpoints: { account: server.url, basin: server.url },
      mode: 'session',
      batchSize: 1,
      logger,
    });
    try {
      const source = controlledSource();
      const events = messageEvents(['stored', 'lost']);
      const ends: GenerationEnd[] = [];
      const persisted: Promise<unknown>[] = [];
      const name = uniqueStream();
      await chat.makeResumable(name, source, {
        delivery: 'replay',
        waitUntil: (p) => void persisted.push(p),
        onFinish: (end) => void ends.push(end),
      });
      for (const event of events.slice(0, 3)) source.push(event);
      await vi.waitFor(() => expect(server.stats().sessions).toBeGreaterThan(0));
      // The first events are stored (after the fence and the start) before S2 goes away.
      const stream = new S2(localS2ClientConfig(server.url)).basin('rc-outage').stream(name);
      await vi.waitFor(async () => expect((await stream.checkTail()).tail.seqNum).toBe(5));
      await stream.close();
      await server.close();
      for (const event of events.slice(3)) source.push(event);
      source.end();
      await Promise.all(persisted);
      expect(ends).toMatchObject([{ reason: 'error', fromSeqNum: 0, toSeqNum: 2, open: true }]);
      expect(logger.error).toHaveBeenCalled();
    } finally {
      await chat.close();
      await server.close();
    }
  }, 20_000);
});
