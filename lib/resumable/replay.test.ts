// Integration tests for replay: cursors, statuses, trimming per mode and live readers, on a local S2.
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { S2Error, S2Stream } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { InvalidCursorError } from './errors';
import { decodeRecord } from './protocol';
import {
  controlledSource,
  eventsOf,
  messageEvents,
  paced,
  readAll,
  registerS2Fixture,
  SseReader,
  uniqueStream,
} from './test-support';
import type { GenerationStart, ResumableMode } from './types';

const s2 = registerS2Fixture();

const ids = (frames: { id?: string }[]) => frames.map((f) => Number(f.id));

describe('replay', () => {
  it('R5: end- and error- fences both end the readers of their generation', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    for (const failing of [false, true]) {
      const source = controlledSource();
      const persisted: Promise<unknown>[] = [];
      await chat.makeResumable(name, source, {
        delivery: 'replay',
        waitUntil: (p) => void persisted.push(p),
      });
      const reader = chat.replay(name);
      source.push(messageEvents(['partial'])[0] as RawMessageStreamEvent);
      if (failing) source.fail(new Error('upstream broke'));
      else source.end();
      const frames = await readAll(await reader);
      expect(frames.map((f) => f.event)).toEqual(failing ? ['message_start', 'error'] : ['message_start']);
      await Promise.all(persisted);
    }
  });

  it('R9: single-use leaves only its tail behind; shared trims on claim; session never trims', async () => {
    const events = messageEvents(['n']);
    const kinds = async (mode: ResumableMode) => {
      const chat = s2.chat({ mode });
      const name = uniqueStream(mode);
      await chat.makeResumable(name, paced(events, 0), { delivery: 'replay' });
      if (mode !== 'single-use') await chat.makeResumable(name, paced(events, 0), { delivery: 'replay' });
      const raw = s2.s2.basin(s2.basin).stream(name);
      const { tail } = await raw.checkTail();
      await raw.close();
      return { tail: tail.seqNum, kinds: (await s2.records(name)).map((r) => decodeRecord(r).kind) };
    };
    const generation = ['fence', 'start', ...events.map(() => 'event'), 'fence'];
    expect(await kinds('single-use')).toEqual({ tail: 2 + events.length + 1 + 1, kinds: [] });
    const shared = await kinds('shared');
    expect(shared.kinds).toEqual(['fence', 'trim', 'start', ...events.map(() => 'event'), 'fence']);
    expect(await kinds('session')).toMatchObject({ kinds: [...generation, ...generation] });
  });

  it('R11: live ids equal replay ids, strictly increase and are above 0', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const live = await readAll(await chat.makeResumable(name, paced(messageEvents(['a', 'b', 'c']), 5)));
    const replayed = await readAll(await chat.replay(name, { fromSeqNum: 0 }));
    expect(replayed).toEqual(live);
    const seen = ids(live);
    expect(seen.every((id, i) => id > 0 && (i === 0 || id > (seen[i - 1] ?? 0)))).toBe(true);
  });

  it('R11: a cursor reconnect yields only later frames, and head plus tail recombine verbatim', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const events = messageEvents(['x', 'y', 'z']);
    await chat.makeResumable(name, paced(events, 0), { delivery: 'replay' });
    const all = await readAll(await chat.replay(name, { fromSeqNum: 0 }));
    const cut = 3;
    const tail = await readAll(await chat.replay(name, { fromSeqNum: Number(all[cut - 1]?.id) }));
    expect([...all.slice(0, cut), ...tail]).toEqual(all);
    expect(eventsOf(all)).toEqual(events);
  });

  it.each(['shared', 'session'] as const)(
    'R12: a reconnect after completion still receives the tail (%s)',
    async (mode: ResumableMode) => {
      const chat = s2.chat({ mode });
      const name = uniqueStream(mode);
      const events = messageEvents(['1', '2', '3', '4']);
      const source = controlledSource();
      const persisted: Promise<unknown>[] = [];
      const response = await chat.makeResumable(name, source, { waitUntil: (p) => void persisted.push(p) });
      for (const event of events.slice(0, 3)) source.push(event);
      const reader = new SseReader(response);
      await reader.until((r) => r.frames.length === 3);
      await reader.cancel();
      for (const event of events.slice(3)) source.push(event);
      source.end();
      await Promise.all(persisted);
      const resumed = await chat.replay(name, { fromSeqNum: Number(reader.frames[2]?.id) });
      expect(resumed.status).toBe(200);
      expect(eventsOf(await readAll(resumed))).toEqual(events.slice(3));
      // Caught up: nothing after the last id, so 204.
      const last = await readAll(await chat.replay(name, { fromSeqNum: 0 }));
      expect((await chat.replay(name, { fromSeqNum: Number(last.at(-1)?.id) })).status).toBe(204);
    },
  );

  it('R12: a single-use reconnect after the generation was trimmed gets 410, never 204', async () => {
    const chat = s2.chat({ mode: 'single-use' });
    const name = uniqueStream();
    const live = await chat.makeResumable(name, paced(messageEvents(['gone']), 0), { delivery: 'replay' });
    expect(live.status).toBe(202);
    const gone = await chat.replay(name, { fromSeqNum: 3 });
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ error: { type: 'cursor_trimmed' } });
    expect((await chat.replay(name)).status).toBe(204);
  });

  it('R13: statuses and headers of every path', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const live = await chat.makeResumable(name, paced(messageEvents(['s']), 0));
    expect(live.status).toBe(200);
    expect(Object.fromEntries(live.headers)).toMatchObject({
      'content-type': 'text/event-stream',
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    });
    await readAll(live);
    const idle = await chat.replay(name);
    expect([idle.status, idle.headers.get('cache-control'), idle.body]).toEqual([204, 'no-store', null]);
    const liveIdle = await chat.replay(name, { live: true });
    expect(liveIdle.status).toBe(200);
    await liveIdle.body?.cancel();
    // An active generation answers 200 even before it has written any event.
    const source = controlledSource();
    const persisted: Promise<unknown>[] = [];
    await chat.makeResumable(name, source, { delivery: 'replay', waitUntil: (p) => void persisted.push(p) });
    const early = await chat.replay(name);
    expect(early.status).toBe(200);
    source.push(messageEvents(['late'])[0] as RawMessageStreamEvent);
    source.end();
    expect((await readAll(early)).map((f) => f.event)).toEqual(['message_start']);
    await Promise.all(persisted);
  });

  it('R14: an S2 outage makes replay, stop and makeResumable fail, never answer 204 or 409', async () => {
    const chat = s2.chat({ mode: 'session' });
    const outage = new S2Error({ message: 'unavailable', status: 503 });
    vi.spyOn(S2Stream.prototype, 'read').mockRejectedValue(outage);
    vi.spyOn(S2Stream.prototype, 'checkTail').mockRejectedValue(outage);
    await expect(chat.replay(uniqueStream(), { fromSeqNum: 0 })).rejects.toBe(outage);
    await expect(chat.stop(uniqueStream())).rejects.toBe(outage);
    const factory = vi.fn(() => paced([], 0));
    await expect(chat.makeResumable(uniqueStream(), factory)).rejects.toBe(outage);
    expect(factory).not.toHaveBeenCalled();
  });

  it('R15: a cursor past the tail gets 416, a missing stream is empty, a malformed cursor throws', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    await chat.makeResumable(name, paced(messageEvents(['t']), 0), { delivery: 'replay' });
    const past = await chat.replay(name, { fromSeqNum: 1000 });
    expect(past.status).toBe(416);
    expect(await past.json()).toEqual({
      error: { type: 'cursor_out_of_range', message: 'The cursor is past the end of the stream.' },
    });
    expect((await chat.replay(uniqueStream('missing'))).status).toBe(204);
    expect((await chat.replay(uniqueStream('missing'), { fromSeqNum: 5 })).status).toBe(416);
    await expect(chat.replay(name, { fromSeqNum: -1 })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(chat.replay(name, { fromSeqNum: 1.5 })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('R16: an idle live replay sends pings, never frames for heartbeats or fences', async () => {
    const chat = s2.chat({ mode: 'session', pingIntervalMs: 50, leaseDurationMs: 300 });
    const name = uniqueStream();
    await chat.makeResumable(name, paced(messageEvents(['p']), 0), { delivery: 'replay' });
    const reader = new SseReader(await chat.replay(name, { fromSeqNum: 0, live: true }));
    expect(await reader.until((r) => r.comments.length >= 2)).toBe(true);
    expect(reader.comments[0]?.trim()).toBe('ping');
    expect(eventsOf(reader.frames)).toEqual(messageEvents(['p']));
    await reader.cancel();
  });

  it('shared mode: a replay shows only the active generation; the previous one was trimmed', async () => {
    const chat = s2.chat({ mode: 'shared' });
    const name = uniqueStream();
    await chat.makeResumable(name, paced(messageEvents(['old']), 0), { delivery: 'replay' });
    const source = controlledSource();
    const starts: GenerationStart[] = [];
    const persisted: Promise<unknown>[] = [];
    await chat.makeResumable(name, source, {
      delivery: 'replay',
      waitUntil: (p) => void persisted.push(p),
      onStart: (start) => void starts.push(start),
    });
    const reader = chat.replay(name);
    for (const event of messageEvents(['new'])) source.push(event);
    source.end();
    expect(eventsOf(await readAll(await reader))).toEqual(messageEvents(['new']));
    await Promise.all(persisted);
    expect((await chat.replay(name, { fromSeqNum: 0 })).status).toBe(410);
    expect(eventsOf(await readAll(await chat.replay(name, { fromSeqNum: starts[0]?.fromSeqNum })))).toEqual(
      messageEvents(['new']),
    );
  });

  it('session mode: live readers in several tabs follow every generation in order', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const tabs = await Promise.all([0, 1, 2].map(() => chat.replay(name, { fromSeqNum: 0, live: true })));
    const readers = tabs.map((tab) => new SseReader(tab));
    const turns = [messageEvents(['first'], 'msg_1'), messageEvents(['second'], 'msg_2')];
    for (const turn of turns) await chat.makeResumable(name, paced(turn, 2), { delivery: 'replay' });
    const expected = turns.flat();
    for (const reader of readers) {
      await reader.until((r) => r.frames.length >= expected.length);
      expect(eventsOf(reader.frames)).toEqual(expected);
      await reader.cancel();
    }
  });

  it('concurrent readers and the live response all receive the full generation', async () => {
    const chat = s2.chat({ mode: 'single-use', batchSize: 3, lingerDuration: 5 });
    const name = uniqueStream();
    const events = messageEvents(Array.from({ length: 20 }, (_, i) => `w${i} `));
    const source = controlledSource();
    const live = new SseReader(await chat.makeResumable(name, source));
    for (const event of events.slice(0, 5)) source.push(event);
    // The readers join mid-generation: after the live response has shown its first events, before the rest.
    await live.until((r) => r.frames.length === 5);
    const readers = await Promise.all([0, 1, 2].map(() => chat.replay(name)));
    for (const event of events.slice(5)) source.push(event);
    source.end();
    const results = await Promise.all([live.all(), ...readers.map((response) => readAll(response))]);
    for (const frames of results) expect(eventsOf(frames)).toEqual(events);
  });

  it('a replay read from S2 sends the records S2 delivered together as one chunk, not one per event', async () => {
    const name = uniqueStream();
    const texts = Array.from({ length: 2500 }, (_, i) => `w${i} `);
    const events = messageEvents(texts);
    await s2.chat({ mode: 'session' }).makeResumable(name, paced(events, 0), { delivery: 'replay' });
    // Another instance has no hub for the stream: its replay reads S2 through its own read session.
    const response = await s2.chat({ mode: 'session' }).replay(name, { fromSeqNum: 0 });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += decoder.decode(value, { stream: true });
    }
    const cursors = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    // Every event once, in order: cursors follow the stream's seq nums (the opening fence and start first).
    expect(cursors).toEqual(events.map((_, index) => index + 3));
    // The opening ping plus a few batches; one chunk per event before.
    expect(chunks).toBeLessThan(events.length / 10);
  });
});
