// Tests for claims after a generation this instance ended, and the KnownEnds cache behind them.
import { describe, expect, it, vi } from 'vitest';
import { KnownEnds } from './known-ends';
import { parseToken } from './protocol';
import {
  controlledSource,
  finishTurn,
  messageEvents,
  paced,
  registerS2Fixture,
  spyS2Calls,
  uniqueStream,
} from './test-support';

const s2 = registerS2Fixture();

describe('claims after a generation this instance ended', () => {
  it('take one conditional append: no read of the stream first', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    expect(await finishTurn(chat, name, ['one'], { turnId: 'turn-1' })).toBe(202);
    const calls = spyS2Calls();
    expect(await finishTurn(chat, name, ['two'], { turnId: 'turn-2' })).toBe(202);
    expect(calls.reads).not.toHaveBeenCalled();
    expect(calls.tails).not.toHaveBeenCalled();
    // The claim is the generation's first batch on its append session: no unary append either.
    expect(calls.appends).not.toHaveBeenCalled();
    const claim = calls.submitted[0];
    expect(claim?.records).toHaveLength(2);
    expect(claim?.matchSeqNum).toBeGreaterThan(0);
    // Conditioned on the first generation's end: its terminal token, and the tail right after it.
    expect(parseToken(claim?.fencingToken ?? '')?.phase).toBe('complete');
    const [first, second] = await s2.generations(name);
    expect(second?.turnId).toBe('turn-2');
    // The second generation starts right after the first one's terminal fence.
    const firstLength = 2 + messageEvents(['one']).length + 1;
    expect(second?.fromSeqNum).toBe((first?.fromSeqNum ?? 0) + firstLength);
  });

  it('fall back to reading the stream when another instance wrote meanwhile', async () => {
    const here = s2.chat({ mode: 'session' });
    const there = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    expect(await finishTurn(here, name, ['one'], { turnId: 'turn-1' })).toBe(202);
    expect(await finishTurn(there, name, ['two'], { turnId: 'turn-2' })).toBe(202);
    expect(await finishTurn(here, name, ['three'], { turnId: 'turn-3' })).toBe(202);
    expect((await s2.generations(name)).map((g) => g.turnId)).toEqual(['turn-1', 'turn-2', 'turn-3']);
    const records = await s2.records(name);
    expect(records.map((r) => r.seqNum)).toEqual(records.map((_, i) => i));
  });

  it('refuse a new turn while another instance holds the stream', async () => {
    const here = s2.chat({ mode: 'session' });
    const there = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    expect(await finishTurn(here, name, ['one'], { turnId: 'turn-1' })).toBe(202);
    const held = controlledSource();
    let persisting: Promise<unknown> = Promise.resolve();
    const holding = await there.makeResumable(name, held, {
      delivery: 'replay',
      turnId: 'turn-2',
      waitUntil: (p) => {
        persisting = p;
      },
    });
    expect(holding.status).toBe(202);
    const refused = await here.makeResumable(name, paced(messageEvents(['no']), 0), {
      delivery: 'replay',
      turnId: 'turn-3',
    });
    expect(refused.status).toBe(409);
    held.end();
    await persisting;
    expect((await s2.generations(name)).map((g) => g.turnId)).toEqual(['turn-1', 'turn-2']);
  });

  it('still let a retry of the ended turn join it instead of answering twice', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    expect(await finishTurn(chat, name, ['one'], { turnId: 'turn-1' })).toBe(202);
    const factory = vi.fn(() => paced(messageEvents(['again']), 0));
    const retry = await chat.makeResumable(name, factory, { delivery: 'replay', turnId: 'turn-1' });
    expect(retry.status).toBe(202);
    expect(factory).not.toHaveBeenCalled();
    expect((await s2.generations(name)).map((g) => g.turnId)).toEqual(['turn-1']);
  });
});

describe('KnownEnds', () => {
  it('forgets the oldest stream past its limit, and an entry once taken', () => {
    const ends = new KnownEnds(2);
    const end = (tail: number) => ({ tail, token: `end-0-${tail}`, turnId: 't' });
    ends.remember('a', end(1));
    ends.remember('b', end(2));
    ends.remember('a', end(3));
    ends.remember('c', end(4));
    expect(ends.size).toBe(2);
    expect(ends.take('b')).toBeUndefined();
    expect(ends.take('a')?.tail).toBe(3);
    expect(ends.take('a')).toBeUndefined();
    expect(ends.take('c')?.tail).toBe(4);
  });
});
