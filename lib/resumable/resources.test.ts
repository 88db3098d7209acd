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
    /** Waits until every handle opened so far was closed, then checks each was closed exactly once. */
    async expectAllClosedOnce() {
      await vi.waitFor(() => expect(opened.every((handle) => closes.has(handle))).toBe(true), {
        timeout: 5000,
      });
      expect(opened.map((handle) => closes.get(handle))).toEqual(opened.map(() => 1));
    },
  };
}

describe('handles', () => {
  it('R20: every path closes each S2 handle exactly once', async () => {
    const handles = trackHandles();
    const chat = s2.chat({ mode: 'session', leaseDurationMs: 2000 });
    const logger = { warn: vi.fn(), error: vi.fn() };
    const broken = s2.chat({ mode: 'session', basin: 'no-such-basin-here', logger });
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
    const chat = s2.chat({ mode: 'session', logger });
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
