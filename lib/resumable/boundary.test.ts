// Replays in the window between a local generation's acknowledged terminal fence and its writer's `endLocal`.
import { S2Stream } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { decodeRecord } from './protocol';
import {
  eventsOf,
  messageEvents,
  registerS2Fixture,
  SseReader,
  sleep,
  startControlledTurn,
  uniqueStream,
} from './test-support';

const s2 = registerS2Fixture();

/**
 * Holds every append session's close until `release()`: the writer closes its session only after its last
 * ack (the terminal fence's) reached the hub, so while `closing` has resolved and the gate is shut, the
 * generation is over in S2 but its writer has not called `endLocal` yet.
 */
function holdSessionCloses(): { closing: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let closed: () => void = () => undefined;
  const closing = new Promise<void>((resolve) => (closed = resolve));
  const appendSession = S2Stream.prototype.appendSession;
  vi.spyOn(S2Stream.prototype, 'appendSession').mockImplementation(async function (this: S2Stream, ...args) {
    const session = await appendSession.apply(this, args);
    const close = session.close.bind(session);
    session.close = async () => {
      closed();
      await gate;
      return close();
    };
    return session;
  });
  return { closing, release };
}

/** A turn of `texts` whose writer is held just after its terminal fence was acknowledged. */
async function heldAtBoundary(name: string, texts: string[]) {
  const chat = s2.chat({ mode: 'session' });
  const held = holdSessionCloses();
  const turn = await startControlledTurn(chat, name);
  for (const event of messageEvents(texts)) turn.source.push(event);
  turn.source.end();
  await held.closing;
  const records = (await s2.records(name)).map(decodeRecord);
  const fence = records.at(-1);
  expect(fence?.kind).toBe('fence');
  expect(turn.ends).toEqual([]);
  return { chat, turn, tail: records.length, release: held.release };
}

/** The response's status, and for a 200 whether its body ends within `ms` and with how many frames. */
async function settle(response: Response, ms = 1000) {
  if (response.status !== 200) return { status: response.status };
  const reader = new SseReader(response);
  const ended = await Promise.race([reader.all().then(() => true), sleep(ms).then(() => false)]);
  if (!ended) await reader.cancel();
  return { status: 200, ended, frames: reader.frames.length };
}

describe('the boundary after a local generation ends', () => {
  it('answers a read that ends at or just before the tail with 204 before the writer has closed', async () => {
    const name = uniqueStream();
    const { chat, turn, tail, release } = await heldAtBoundary(name, ['a', 'b']);
    try {
      // At the tail, on the terminal fence (the last event's id), and with no cursor: nothing is left.
      expect(await settle(await chat.replay(name, { fromSeqNum: tail }))).toEqual({ status: 204 });
      expect(await settle(await chat.replay(name, { fromSeqNum: tail - 1 }))).toEqual({ status: 204 });
      expect(await settle(await chat.replay(name, {}))).toEqual({ status: 204 });
      // The finished generation itself is still replayed, and the read ends at its fence.
      const whole = await chat.replay(name, { fromSeqNum: 0 });
      expect(whole.status).toBe(200);
      expect(eventsOf(await new SseReader(whole).all())).toEqual(messageEvents(['a', 'b']));
      expect(turn.ends).toEqual([]);
    } finally {
      release();
      await Promise.all(turn.persisted);
    }
  });

  it('keeps a live reader on the terminal fence open, with no generation, until the next turn', async () => {
    const name = uniqueStream();
    const { chat, turn, tail, release } = await heldAtBoundary(name, ['a']);
    const live = new SseReader(await chat.replay(name, { fromSeqNum: tail - 1, live: true }));
    try {
      release();
      await Promise.all(turn.persisted);
      const next = await startControlledTurn(chat, name);
      for (const event of messageEvents(['next'])) next.source.push(event);
      next.source.end();
      expect(await live.until((reader) => reader.frames.length >= messageEvents(['next']).length)).toBe(true);
      expect(eventsOf(live.frames)).toEqual(messageEvents(['next']));
      expect(Number(live.frames[0]?.id)).toBeGreaterThan(tail);
      await Promise.all(next.persisted);
    } finally {
      release();
      await live.cancel();
    }
  });
});
