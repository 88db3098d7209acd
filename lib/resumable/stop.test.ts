// Integration tests for stopping a generation, locally or from another instance, against a local S2.
import { S2Stream } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { STOPPED_EVENT } from './events';
import { decodeRecord, parseToken } from './protocol';
import {
  eventsOf,
  messageEvents,
  paced,
  readAll,
  registerS2Fixture,
  type S2Fixture,
  SseReader,
  startControlledTurn,
  uniqueStream,
} from './test-support';
import type { GenerationEnd } from './types';

const s2 = registerS2Fixture();

/** A promise the test settles by hand. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}

async function startStalled(chat: ReturnType<S2Fixture['chat']>, name: string) {
  const { source, ends, persisted, response } = await startControlledTurn(chat, name);
  expect(response.status).toBe(202);
  const events = messageEvents(['partial', 'answer']);
  for (const event of events.slice(0, 4)) source.push(event);
  return { source, ends, persisted, sent: events.slice(0, 4) };
}

describe('stop', () => {
  it('R18: stop aborts the upstream at once and replays end with a terminal stopped event', async () => {
    // Heartbeats every 30 s, beyond the test's timeout: the abort cannot come from a fenced heartbeat or the lease.
    const chat = s2.chat({ mode: 'session', leaseDurationMs: 90_000 });
    const name = uniqueStream();
    const { source, ends, persisted, sent } = await startStalled(chat, name);
    const reader = new SseReader(await chat.replay(name));
    await reader.until((r) => r.frames.length === sent.length);
    expect(await chat.stop(name)).toBe(true);
    await source.returned;
    expect(eventsOf(await reader.all())).toEqual([...sent, STOPPED_EVENT]);
    await Promise.all(persisted);
    const tail = (await s2.records(name)).at(-1);
    expect(ends).toMatchObject([{ reason: 'stopped', fromSeqNum: 0, toSeqNum: (tail?.seqNum ?? 0) + 1 }]);
    expect(tail && parseToken(tail.body)?.phase).toBe('stopped');
    expect(await chat.stop(name)).toBe(false);
  });

  it('R18: a stop sent to another server instance reaches the writer through the stream', async () => {
    // Heartbeats every 30 s, beyond the test's timeout: only the fence watch can deliver the stop in time.
    const writer = s2.chat({ mode: 'shared', leaseDurationMs: 90_000 });
    const other = s2.chat({ mode: 'shared' });
    const name = uniqueStream();
    const { source, ends, persisted } = await startStalled(writer, name);
    expect(await other.stop(name)).toBe(true);
    await source.returned;
    await Promise.all(persisted);
    expect(ends).toMatchObject([{ reason: 'stopped' }]);
    // The stream is free for the next turn at once.
    expect(
      (await other.makeResumable(name, paced(messageEvents(['next']), 0), { delivery: 'replay' })).status,
    ).toBe(202);
  });

  it('R18: stop answers false when no generation is active, or the stream does not exist', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    expect(await chat.stop(name)).toBe(false);
    await chat.makeResumable(name, paced(messageEvents(['done']), 0), { delivery: 'replay' });
    expect(await chat.stop(name)).toBe(false);
  });

  it('R18: a stop aimed at a generation that ended meanwhile never ends the next one', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const first = await startStalled(chat, name);
    const secondEnds: GenerationEnd[] = [];
    const secondPersisted: Promise<unknown>[] = [];
    const original = S2Stream.prototype.append;
    vi.spyOn(S2Stream.prototype, 'append').mockImplementation(async function (
      this: S2Stream,
      input,
      options,
    ) {
      const isStop = input.records.some((r) => typeof r.body === 'string' && r.body.startsWith('stop-'));
      if (isStop) {
        // Between the stop's look at the stream and its append, the turn finishes and the next one starts.
        first.source.end();
        await Promise.all(first.persisted);
        const next = await chat.makeResumable(name, paced(messageEvents(['second']), 30), {
          delivery: 'replay',
          waitUntil: (p) => void secondPersisted.push(p),
          onFinish: (end) => void secondEnds.push(end),
        });
        expect(next.status).toBe(202);
      }
      return original.call(this, input, options);
    });
    expect(await chat.stop(name)).toBe(false);
    await Promise.all(secondPersisted);
    expect(first.ends).toMatchObject([{ reason: 'complete' }]);
    expect(secondEnds).toMatchObject([{ reason: 'complete' }]);
  });

  it('R18: a client disconnect is not a stop: the generation persists in full', async () => {
    const chat = s2.chat({ mode: 'single-use' });
    const name = uniqueStream();
    const events = messageEvents(['one', 'two', 'three', 'four']);
    const ends: GenerationEnd[] = [];
    const persisted: Promise<unknown>[] = [];
    const live = await chat.makeResumable(name, paced(events, 15), {
      waitUntil: (p) => void persisted.push(p),
      onFinish: (end) => void ends.push(end),
    });
    const reader = new SseReader(live);
    await reader.until((r) => r.frames.length >= 2);
    await reader.cancel();
    // Replay during the single-use generation (before its trim) still yields every event.
    expect(eventsOf(await readAll(await chat.replay(name)))).toEqual(events);
    await Promise.all(persisted);
    expect(ends).toMatchObject([{ reason: 'complete' }]);
  });

  it('R18: stopping before the first upstream event still ends cleanly', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const { source, ends, persisted } = await startControlledTurn(chat, name);
    expect(await chat.stop(name)).toBe(true);
    await Promise.all(persisted);
    expect(source.wasReturned()).toBe(true);
    expect(ends).toMatchObject([{ reason: 'stopped' }]);
    const kinds = (await s2.records(name)).map((r) => decodeRecord(r).kind);
    expect(kinds).toEqual(['fence', 'start', 'event', 'fence']);
  });

  it('R18: a stop that lands while onStart runs keeps the source from ever being started', async () => {
    // Heartbeats every 30 s: only the stop itself can end this generation within the test.
    const chat = s2.chat({ mode: 'session', leaseDurationMs: 90_000 });
    const name = uniqueStream();
    const held = gate();
    const entered = gate();
    const factory = vi.fn((_signal: AbortSignal) => paced(messageEvents(['never']), 0));
    const ends: GenerationEnd[] = [];
    const persisted: Promise<unknown>[] = [];
    const response = chat.makeResumable(name, factory, {
      delivery: 'replay',
      waitUntil: (p) => void persisted.push(p),
      onStart: async () => {
        entered.open();
        await held.opened;
      },
      onFinish: (end) => void ends.push(end),
    });
    await entered.opened;
    expect(await chat.stop(name)).toBe(true);
    held.open();
    expect((await response).status).toBe(202);
    await Promise.all(persisted);
    expect(factory).not.toHaveBeenCalled();
    expect(ends).toMatchObject([{ reason: 'stopped' }]);
    // Readers get the stop, and nothing the model could have said.
    expect(eventsOf(await readAll(await chat.replay(name, { fromSeqNum: 0 })))).toEqual([STOPPED_EVENT]);
  });
});
