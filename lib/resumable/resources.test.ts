// Integration tests for S2 connections and handles, each closed exactly once, on a local S2.
import http2 from 'node:http2';
import { syncBuiltinESMExports } from 'node:module';
import { S2Basin, S2Stream } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import {
  controlledSource,
  messageEvents,
  paced,
  readAll,
  registerS2Fixture,
  SseReader,
  uniqueStream,
} from './test-support';
import type { ResumableChat } from './types';

const s2 = registerS2Fixture();

/** Counts every S2Stream handle opened and how often each was closed. */
function trackHandles() {
  const opened: S2Stream[] = [];
  const closes = new Map<S2Stream, number>();
  const stream = S2Basin.prototype.stream;
  const close = S2Stream.prototype.close;
  vi.spyOn(S2Basin.prototype, 'stream').mockImplementation(function (this: S2Basin, name, options) {
    const handle = stream.call(this, name, options);
    opened.push(handle);
    return handle;
  });
  vi.spyOn(S2Stream.prototype, 'close').mockImplementation(function (this: S2Stream) {
    closes.set(this, (closes.get(this) ?? 0) + 1);
    return close.call(this);
  });
  return {
    opened,
    /** Handles opened and not yet closed. */
    open: () => opened.filter((handle) => !closes.has(handle)),
    /** Waits until every handle opened so far was closed, then checks each was closed exactly once. */
    async expectAllClosedOnce() {
      await vi.waitFor(() => expect(opened.every((handle) => closes.has(handle))).toBe(true), {
        timeout: 5000,
      });
      expect(opened.map((handle) => closes.get(handle))).toEqual(opened.map(() => 1));
    },
  };
}

/** Counts the HTTP/2 connections the S2 SDK opens (it imports node:http2 on first use). */
function countConnections() {
  let count = 0;
  const connect = http2.connect;
  (http2 as { connect: typeof http2.connect }).connect = ((...args: Parameters<typeof http2.connect>) => {
    count++;
    return connect(...args);
  }) as typeof http2.connect;
  syncBuiltinESMExports();
  return {
    get count() {
      return count;
    },
    restore() {
      (http2 as { connect: typeof http2.connect }).connect = connect;
      syncBuiltinESMExports();
    },
  };
}

/** `turns` sequential turns on one chat, each persisted and then replayed, as the app serves them. */
async function sequentialTurns(chat: ResumableChat, name: string, turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    let persisting: Promise<unknown> = Promise.resolve();
    const accepted = await chat.makeResumable(name, paced(messageEvents([`turn ${turn}`]), 0), {
      delivery: 'replay',
      waitUntil: (p) => {
        persisting = p;
      },
    });
    expect(accepted.status).toBe(202);
    const frames = await readAll(await chat.replay(name));
    expect(frames.at(-1)?.event).toBe('message_stop');
    await persisting;
  }
}

describe('handles', () => {
  // First in the file: the SDK's connection pool is per process, and no other instance holds it yet.
  it('sequential turns share one HTTP/2 connection to S2; without the idle time each opens its own', async () => {
    const connections = countConnections();
    try {
      const closing = s2.chat({ mode: 'session', connectionIdleMs: 0 });
      await sequentialTurns(closing, uniqueStream(), 4);
      await closing.close();
      expect(connections.count).toBe(4);

      const handles = trackHandles();
      const chat = s2.chat({ mode: 'session' });
      await sequentialTurns(chat, uniqueStream(), 4);
      expect(connections.count).toBe(5);
      // The handles of the last turn are still open (idle), and close() closes every one exactly once.
      expect(handles.opened.length).toBeGreaterThan(0);
      await chat.close();
      await handles.expectAllClosedOnce();
    } finally {
      connections.restore();
    }
  });

  it('idle live tails hold no S2 handle of their own: the hub of their stream holds the only one', async () => {
    const handles = trackHandles();
    const chat = s2.chat({ mode: 'session', connectionIdleMs: 0 });
    const name = uniqueStream();
    const tabs = await Promise.all([1, 2, 3].map(() => chat.replay(name, { live: true })));
    const readers = tabs.map((tab) => new SseReader(tab));
    // Past the opening comment, each tail waits on the hub, which reads S2 for all three.
    for (const reader of readers) await reader.until((r) => r.comments.length > 0);
    // Each request opened a handle to plan its response; once the response started, it was closed.
    await vi.waitFor(() => expect(handles.open().length).toBe(1));
    expect(handles.opened.length).toBe(4);
    // The tails still follow the stream, through the hub.
    await chat.makeResumable(name, paced(messageEvents(['after']), 0), { delivery: 'replay' });
    for (const reader of readers) await reader.until((r) => r.frames.at(-1)?.event === 'message_stop');
    await Promise.all(readers.map((reader) => reader.cancel()));
    await chat.close();
    await handles.expectAllClosedOnce();
  });

  it('R20: every path closes each S2 handle exactly once', async () => {
    const handles = trackHandles();
    // Released handles stay open this long to keep the connection; they must then close on their own.
    const connectionIdleMs = 100;
    const chat = s2.chat({ mode: 'session', leaseDurationMs: 2000, connectionIdleMs });
    const logger = { warn: vi.fn(), error: vi.fn() };
    const broken = s2.chat({ mode: 'session', basin: 'no-such-basin-here', logger, connectionIdleMs });
    const name = uniqueStream();
    const persisted: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>) => void persisted.push(p);

    // 200 read to the end.
    await readAll(await chat.makeResumable(name, paced(messageEvents(['a']), 0), { waitUntil }));
    // 200 cancelled mid-stream.
    const source = controlledSource();
    const cancelled = new SseReader(await chat.makeResumable(name, source, { waitUntil }));
    source.push(messageEvents(['b'])[0] as never);
    await cancelled.until((r) => r.frames.length === 1);
    await cancelled.cancel();
    // 409 while it is active, and a replay cancelled mid-stream.
    expect((await chat.makeResumable(name, paced([], 0), { delivery: 'replay' })).status).toBe(409);
    const replaying = new SseReader(await chat.replay(name, { fromSeqNum: 0 }));
    await replaying.until((r) => r.frames.length >= 1);
    await replaying.cancel();
    // stop (true), then stop with nothing active (false).
    expect(await chat.stop(name)).toBe(true);
    await Promise.all(persisted);
    expect(await chat.stop(name)).toBe(false);
    // 202, replay 204 and 416.
    expect(
      (await chat.makeResumable(name, paced(messageEvents(['c']), 0), { delivery: 'replay' })).status,
    ).toBe(202);
    expect((await chat.replay(name)).status).toBe(204);
    expect((await chat.replay(name, { fromSeqNum: 10_000 })).status).toBe(416);
    // A live replay ended by close(), a claim that throws, and an onStart that throws.
    const live = chat.replay(name, { live: true });
    await expect(broken.makeResumable(name, paced([], 0))).rejects.toThrow();
    const failingStart = chat.makeResumable(name, paced([], 0), {
      onStart: () => {
        throw new Error('database down');
      },
    });
    await expect(failingStart).rejects.toThrow('database down');
    await (await live).body?.cancel();
    await handles.expectAllClosedOnce();
    expect(handles.opened.length).toBeGreaterThanOrEqual(12);
  });

  it('R20: a handle close that hangs holds up no response, stop or persisting promise', async () => {
    // The SDK's close can wait for an HTTP/2 event that never comes; here every close waits for `unblock`.
    let unblock: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      unblock = resolve;
    });
    const close = S2Stream.prototype.close;
    const closes = vi.spyOn(S2Stream.prototype, 'close').mockImplementation(function (this: S2Stream) {
      return blocked.then(() => close.call(this));
    });
    const logger = { warn: vi.fn(), error: vi.fn() };
    // Handles close as soon as their request ends, so every close below starts (and hangs) at once.
    const chat = s2.chat({ mode: 'session', logger, connectionIdleMs: 0 });
    const name = uniqueStream();
    let persisting: Promise<unknown> = Promise.resolve();
    const accepted = await chat.makeResumable(name, paced(messageEvents(['a']), 0), {
      delivery: 'replay',
      waitUntil: (p) => {
        persisting = p;
      },
    });
    expect(accepted.status).toBe(202);
    await persisting;
    expect((await chat.replay(name)).status).toBe(204);
    await readAll(await chat.replay(name, { fromSeqNum: 0 }));
    expect(await chat.stop(name)).toBe(false);
    // Four handles were released and none of their closes has finished, yet nothing above waited for them:
    // before, each waited out the 5 s bound and logged that it had.
    expect(closes.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(logger.warn).not.toHaveBeenCalled();
    unblock();
    await chat.close();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('R20: close() ends open live replays and waits for running generations', async () => {
    const handles = trackHandles();
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const live = new SseReader(await chat.replay(name, { live: true }));
    let finished = false;
    await chat.makeResumable(name, paced(messageEvents(['bye']), 20), {
      delivery: 'replay',
      waitUntil: () => undefined,
      onFinish: () => {
        finished = true;
      },
    });
    await chat.close();
    expect(finished).toBe(true);
    await live.all();
    expect(live.ended).toBe(true);
    await handles.expectAllClosedOnce();
    await expect(chat.replay(name)).rejects.toThrow('closed');
  });
});
