// Integration tests for the writer's in-process hub: live readers, replay from S2, stops and append batching.
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { STOPPED_EVENT } from './events';
import { decodeRecord } from './protocol';
import {
  controlledSource,
  eventsOf,
  finishTurn,
  messageEvents,
  paced,
  readAll,
  registerS2Fixture,
  SseReader,
  spyReadSessions,
  spySubmits,
  uniqueStream,
} from './test-support';

const s2 = registerS2Fixture();

/** The event records S2 holds for a stream, as SSE frames carry them: `[id, body]`. */
async function storedEvents(name: string): Promise<Array<[string, string]>> {
  return (await s2.records(name))
    .filter((record) => decodeRecord(record).kind === 'event')
    .map((record) => [String(record.seqNum + 1), record.body]);
}

/** Yields as fast as the consumer takes. */
async function* burst<T>(events: readonly T[]): AsyncGenerator<T> {
  for (const event of events) yield event;
}

const deltas = (count: number) => messageEvents(Array.from({ length: count }, (_, i) => `t${i} `));

describe('the in-process hub', () => {
  it('serves readers of a local writer from its acknowledged batches, with no S2 read, exactly as stored', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const source = controlledSource();
    const persisted: Promise<unknown>[] = [];
    await chat.makeResumable(name, source, { delivery: 'replay', waitUntil: (p) => void persisted.push(p) });
    const sessions = spyReadSessions();
    const readers = [1, 2, 3].map(async () => new SseReader(await chat.replay(name, { live: false })));
    const events = deltas(40);
    for (const event of events) source.push(event);
    source.end();
    const frames = await Promise.all(readers.map(async (reader) => (await reader).all()));
    await Promise.all(persisted);
    const stored = await storedEvents(name);
    expect(stored.length).toBe(events.length);
    for (const read of frames) expect(read.map((frame) => [frame.id, frame.data])).toEqual(stored);
    expect(sessions).not.toHaveBeenCalled();
  });

  it('gives live readers of one stream a single shared S2 read session', async () => {
    const writer = s2.chat({ mode: 'session' });
    const readers = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    await readAll(await writer.makeResumable(name, paced(messageEvents(['first']), 0)));
    const sessions = spyReadSessions();
    const tabs = await Promise.all(
      Array.from({ length: 5 }, async () => new SseReader(await readers.replay(name, { live: true }))),
    );
    const events = messageEvents(['second', 'turn']);
    await writer.makeResumable(name, paced(events, 5), { delivery: 'replay' });
    for (const tab of tabs) {
      await tab.until((reader) => reader.frames.length === events.length);
      expect(eventsOf(tab.frames)).toEqual(events);
    }
    // One for the hub; a state read or two are unary reads, not sessions.
    expect(sessions).toHaveBeenCalledTimes(1);
    await Promise.all(tabs.map((tab) => tab.cancel()));
  });

  it('a reader behind the hub catches up from S2, then joins it, without losing or repeating a frame', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    await readAll(await chat.makeResumable(name, paced(deltas(30), 0)));
    const source = controlledSource();
    const persisted: Promise<unknown>[] = [];
    await chat.makeResumable(name, source, { delivery: 'replay', waitUntil: (p) => void persisted.push(p) });
    const second = deltas(30);
    for (const event of second.slice(0, 10)) source.push(event);
    // From the very start: the first generation is older than the hub's buffer.
    const reader = new SseReader(await chat.replay(name, { fromSeqNum: 0, live: true }));
    for (const event of second.slice(10)) source.push(event);
    source.end();
    await Promise.all(persisted);
    // A last turn after it: any frame repeated by the join would reach the reader before this turn's end.
    await finishTurn(chat, name, ['after']);
    const stored = await storedEvents(name);
    await reader.until((r) => r.frames.at(-1)?.id === stored.at(-1)?.[0]);
    expect(reader.frames.map((frame) => [frame.id, frame.data])).toEqual(stored);
    await reader.cancel();
  });

  it('readers on the writer’s instance see a stop sent to another instance', async () => {
    const writer = s2.chat({ mode: 'session' });
    const other = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const source = controlledSource();
    const persisted: Promise<unknown>[] = [];
    await writer.makeResumable(name, source, {
      delivery: 'replay',
      waitUntil: (p) => void persisted.push(p),
    });
    const sent = messageEvents(['partial']).slice(0, 3);
    for (const event of sent) source.push(event);
    const reader = new SseReader(await writer.replay(name));
    await reader.until((r) => r.frames.length === sent.length);
    expect(await other.stop(name)).toBe(true);
    expect(eventsOf(await reader.all())).toEqual([...sent, STOPPED_EVENT]);
    await Promise.all(persisted);
  });
});

describe('batching', () => {
  it('sends a reply’s first event at once, however long the linger', async () => {
    // The linger and the heartbeat that would flush it (every 30 s) both outlast the test's timeout.
    const chat = s2.chat({
      mode: 'session',
      batchSize: 100,
      lingerDuration: 60_000,
      leaseDurationMs: 90_000,
    });
    const name = uniqueStream();
    const source = controlledSource();
    const persisted: Promise<unknown>[] = [];
    await chat.makeResumable(name, source, { delivery: 'replay', waitUntil: (p) => void persisted.push(p) });
    const reader = new SseReader(await chat.replay(name));
    source.push(messageEvents(['x'])[0] as RawMessageStreamEvent);
    expect(await reader.until((r) => r.frames.length === 1)).toBe(true);
    source.end();
    await Promise.all(persisted);
    await reader.cancel();
  });

  it('grows batches while the window is full instead of queueing small ones, in order', async () => {
    const submitted = spySubmits();
    const chat = s2.chat({ mode: 'session', batchSize: 5, lingerDuration: 10 });
    const name = uniqueStream();
    const events = deltas(2_000);
    await chat.makeResumable(name, burst(events), { delivery: 'replay' });
    const stored = await storedEvents(name);
    expect(stored.map(([, body]) => JSON.parse(body))).toEqual(events);
    // The claim (fence and start record) went out first on the same session; then every event and the
    // terminal fence, in batches that grew past batchSize while MAX_INFLIGHT_BATCHES were unacknowledged.
    const [claim, ...sizes] = submitted.map((input) => input.records.length);
    expect(claim).toBe(2);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(events.length + 1);
    expect(Math.max(...sizes)).toBeGreaterThan(5);
    expect(sizes.length).toBeLessThan(events.length / 5);
  });
});
