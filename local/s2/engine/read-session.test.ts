// Read sessions and tail following: catch-up, caught-up signal, live batches, bounds, idle wait, endings.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bodies, openTestEngine, rec, s2Error, type TestEngine } from './test-support';
import type { ReadQuery, ReadSession, ReadSessionEvent } from './types';

const B = 'session-basin';
let kit: TestEngine;
const open = (query: ReadQuery, signal?: AbortSignal) =>
  kit.engine.openReadSession(B, 's', query, { signal });
const appendText = (...texts: string[]) => kit.engine.append(B, 's', { records: texts.map((t) => rec(t)) });

/** Collects events until the session ends (or `stopAfter` events). */
async function collect(
  session: ReadSession,
  stopAfter = Number.POSITIVE_INFINITY,
): Promise<ReadSessionEvent[]> {
  const events: ReadSessionEvent[] = [];
  for await (const event of session) {
    events.push(event);
    if (events.length >= stopAfter) break;
  }
  return events;
}

/** Stacks of setTimeout/setInterval calls made from engine code (the test runner's own timers are ignored). */
function watchEngineTimers(): string[] {
  const stacks: string[] = [];
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const original = globalThis[name];
    vi.spyOn(globalThis, name).mockImplementation(((...args: Parameters<typeof setTimeout>) => {
      // the first frame outside this file and the spy machinery is whoever asked for the timer
      const frames = (new Error().stack ?? '').split('\n').slice(1);
      const caller =
        frames.find((f) => !f.includes('read-session.test.ts') && !f.includes('node_modules')) ?? '';
      if (caller.includes('/local/s2/engine/')) stacks.push(caller);
      return original(...args);
    }) as typeof setTimeout);
  }
  return stacks;
}

const summary = (events: ReadSessionEvent[]) =>
  events.map((e) => (e.type === 'batch' ? `batch:${bodies(e.records).join(',')}` : 'caught_up'));

beforeEach(() => {
  kit = openTestEngine();
  kit.engine.createBasin(B);
  kit.engine.createStream(B, 's');
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  kit.dispose();
});

describe('following the tail', () => {
  it('catches up, signals the tail, then wakes on an append with no polling timer', async () => {
    appendText('a', 'b');
    const session = open({ seq_num: 0 });
    const iterator = session[Symbol.asyncIterator]();
    expect(await iterator.next()).toMatchObject({ value: { type: 'batch', bytes: 18 } });
    const caughtUp = await iterator.next();
    expect(caughtUp.value).toEqual({ type: 'caught_up', tail: { seq_num: 2, timestamp: kit.clock.ms } });
    const engineTimers = watchEngineTimers();
    const live = iterator.next();
    await new Promise<void>((resolve) => setImmediate(resolve));
    appendText('c');
    const batch = (await live).value as ReadSessionEvent;
    expect(batch).toMatchObject({ type: 'batch', tail: { seq_num: 3 } });
    expect(batch.type === 'batch' && bodies(batch.records)).toEqual(['c']);
    expect(engineTimers).toEqual([]);
    session.close();
    expect((await iterator.next()).done).toBe(true);
    // the watcher does see engine timers: a wait with a timeout arms exactly one
    await kit.engine.waitForTail(B, 's', 3, { timeoutMs: 1 });
    expect(engineTimers).toHaveLength(1);
  });

  it('exposes the current tail for heartbeats', async () => {
    const session = open({});
    appendText('x');
    expect(session.tail()).toEqual({ seq_num: 1, timestamp: kit.clock.ms });
    session.close();
  });

  it('starts an unbounded session at the tail without 416, but 416s a bounded one without wait', async () => {
    appendText('a');
    const session = open({ tail_offset: 0 });
    expect(summary(await collect(session, 1))).toEqual(['caught_up']);
    const error = await s2Error(() => open({ seq_num: 1, count: 5 }));
    expect(error.body).toEqual({ tail: { seq_num: 1, timestamp: kit.clock.ms } });
    expect((await s2Error(() => open({ seq_num: 2 }))).status).toBe(416);
  });
});

describe('bounds', () => {
  it('ends after count records without following', async () => {
    appendText('a', 'b', 'c');
    expect(summary(await collect(open({ seq_num: 0, count: 2 })))).toEqual(['batch:a,b']);
    expect(summary(await collect(open({ seq_num: 1, count: 10 })))).toEqual(['batch:b,c']);
  });

  it('ends at the tail when wait is 0 even without limits', async () => {
    appendText('a');
    expect(summary(await collect(open({ seq_num: 0, wait: 0 })))).toEqual(['batch:a']);
  });

  it('splits catch-up into batches of at most 1000 records', async () => {
    for (let i = 0; i < 3; i++)
      kit.engine.append(B, 's', { records: Array.from({ length: 900 }, () => rec('x')) });
    const events = await collect(open({ seq_num: 0, count: 2500 }));
    expect(events.map((e) => (e.type === 'batch' ? e.records.length : 0))).toEqual([1000, 1000, 500]);
    expect(events.every((e) => e.type === 'batch' && e.tail === undefined)).toBe(true);
  });

  it('ends a live session before a record at or past until', async () => {
    kit.engine.createStream(B, 'timed');
    const session = kit.engine.openReadSession(B, 'timed', {
      seq_num: 0,
      until: kit.clock.ms + 10,
      wait: 30,
    });
    const done = collect(session);
    await new Promise<void>((resolve) => setImmediate(resolve));
    kit.engine.append(B, 'timed', { records: [rec('early')] });
    await new Promise<void>((resolve) => setImmediate(resolve));
    kit.clock.ms += 20;
    kit.engine.append(B, 'timed', { records: [rec('late'), rec('later')] });
    expect(summary(await done)).toEqual(['caught_up', 'batch:early']);
  });

  it('spends the wait budget only while idle and ends when it runs out', async () => {
    // The idle budget is all timers and Date.now(): fake both and step the clock by hand.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let ended = false;
    const done = collect(open({ seq_num: 0, wait: 1 })).finally(() => {
      ended = true;
    });
    await vi.advanceTimersByTimeAsync(300);
    appendText('kept alive');
    // The batch restarts the budget: a whole second from now, not from the start.
    await vi.advanceTimersByTimeAsync(999);
    expect(ended).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(ended).toBe(true);
    expect(summary(await done)).toEqual(['caught_up', 'batch:kept alive']);
  });
});

describe('endings', () => {
  it('ends when the caller aborts', async () => {
    const controller = new AbortController();
    const done = collect(open({}, controller.signal));
    setImmediate(() => controller.abort());
    expect(summary(await done)).toEqual(['caught_up']);
  });

  it('throws stream_not_found to a follower when the stream is deleted', async () => {
    const session = open({});
    const iterator = session[Symbol.asyncIterator]();
    await iterator.next();
    const next = iterator.next();
    kit.engine.deleteStream(B, 's');
    await expect(next).rejects.toMatchObject({ status: 404, body: { code: 'stream_not_found' } });
  });

  it('ends every session when the engine closes', async () => {
    const done = collect(open({}));
    setImmediate(() => kit.engine.close());
    expect(summary(await done)).toEqual(['caught_up']);
  });

  it('holds many live sessions on the close signal without a listener-leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const sessions = Array.from({ length: 50 }, () => collect(open({})));
      // Node reports a listener leak on the next tick of the listener that crossed the limit.
      await new Promise((resolve) => setImmediate(resolve));
      kit.engine.close();
      for (const done of sessions) expect(summary(await done)).toEqual(['caught_up']);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('primitives', () => {
  it('waitForTail resolves on the next append, or false on timeout', async () => {
    const woken = kit.engine.waitForTail(B, 's', 0);
    appendText('a');
    expect(await woken).toBe(true);
    expect(await kit.engine.waitForTail(B, 's', 0)).toBe(true);
    expect(await kit.engine.waitForTail(B, 's', 1, { timeoutMs: 20 })).toBe(false);
  });

  it('subscribe reports each committed tail until unsubscribed', () => {
    const tails: number[] = [];
    const unsubscribe = kit.engine.subscribe(B, 's', (tail) => tails.push(tail.seq_num));
    appendText('a');
    appendText('b', 'c');
    unsubscribe();
    appendText('d');
    expect(tails).toEqual([1, 3]);
  });

  it('scan returns records within limits and where to continue', () => {
    appendText('a', 'b', 'c');
    const scan = kit.engine.scan(B, 's', 1, { count: 1, bytes: 1000 });
    expect(bodies(scan.records)).toEqual(['b']);
    expect(scan).toMatchObject({ bytes: 9, next_seq_num: 2, limited: true, reached_until: false });
  });
});
