// Integration tests for claims made with the newStream hint, on a local S2.
import { describe, expect, it, vi } from 'vitest';
import {
  controlledSource,
  eventsOf,
  finishTurn,
  messageEvents,
  paced,
  readAll,
  registerS2Fixture,
  spyS2Calls,
  uniqueStream,
} from './test-support';

const s2 = registerS2Fixture();

describe('claims with the newStream hint', () => {
  it('claim a missing stream in one round trip: the append at seq num 0 creates it', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const calls = spyS2Calls();
    expect(await finishTurn(chat, name, ['hello'], { turnId: 'turn-1', newStream: true })).toBe(202);
    expect(calls.reads).not.toHaveBeenCalled();
    expect(calls.creates).not.toHaveBeenCalled();
    expect(calls.appends).not.toHaveBeenCalled();
    // The claim is the first batch of the generation's append session, conditioned on an empty stream.
    expect(calls.submitted[0]?.matchSeqNum).toBe(0);
    expect(calls.submitted[0]?.fencingToken).toBeUndefined();
    expect(await s2.generations(name)).toEqual([{ fromSeqNum: 0, turnId: 'turn-1' }]);
    const frames = await readAll(await chat.replay(name, { fromSeqNum: 0 }));
    expect(eventsOf(frames)).toEqual(messageEvents(['hello']));
  });

  it('create the stream and claim it on a new session where the basin does not create on append', async () => {
    const basin = `manual-${Date.now().toString(36)}`;
    await s2.s2.basins.create({ basin });
    const chat = s2.chat({ basin, mode: 'session' });
    const name = uniqueStream();
    const calls = spyS2Calls();
    expect(await finishTurn(chat, name, ['made'], { newStream: true })).toBe(202);
    expect(calls.reads).not.toHaveBeenCalled();
    expect(calls.creates).toHaveBeenCalledTimes(1);
    // The first session met the missing stream; the retry went out on a second one, which the writer kept.
    expect(calls.appends).not.toHaveBeenCalled();
    const matchSeqNums = calls.submitted.map((input) => input.matchSeqNum);
    expect(matchSeqNums.slice(0, 3)).toEqual([0, 0, 2]);
    const frames = await readAll(await chat.replay(name, { fromSeqNum: 0 }));
    expect(eventsOf(frames)).toEqual(messageEvents(['made']));
  });

  it('claim an empty stream that a live reader created, and the reader gets every event', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const live = await chat.replay(name, { fromSeqNum: 0, live: true, signal: AbortSignal.timeout(5000) });
    expect(live.status).toBe(200);
    const calls = spyS2Calls();
    expect(await finishTurn(chat, name, ['seen', 'live'], { newStream: true })).toBe(202);
    expect(calls.reads).not.toHaveBeenCalled();
    expect(calls.submitted[0]?.matchSeqNum).toBe(0);
    const reader = live.body?.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (reader && !text.includes('message_stop')) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader?.cancel();
    const deltas = [...text.matchAll(/"text":"([^"]*)"/g)].map((match) => match[1]);
    expect(deltas.join('')).toBe('seenlive');
  });

  it('read the stream and claim after its generation when it is not new after all', async () => {
    const there = s2.chat({ mode: 'session' });
    const here = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    expect(await finishTurn(there, name, ['one'], { turnId: 'turn-1' })).toBe(202);
    const calls = spyS2Calls();
    expect(await finishTurn(here, name, ['two'], { turnId: 'turn-2', newStream: true })).toBe(202);
    // The optimistic claim failed on its condition; the claim then read the stream as it would have anyway.
    expect(calls.reads).toHaveBeenCalled();
    const [first, second] = await s2.generations(name);
    expect(first?.turnId).toBe('turn-1');
    expect(second?.turnId).toBe('turn-2');
    const records = await s2.records(name);
    expect(records.map((record) => record.seqNum)).toEqual(records.map((_, i) => i));
    expect(second?.fromSeqNum).toBe(2 + messageEvents(['one']).length + 1);
  });

  it('let a retry of the active turn join it, and refuse any other turn with 409', async () => {
    const there = s2.chat({ mode: 'session' });
    const here = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const held = controlledSource();
    let persisting: Promise<unknown> = Promise.resolve();
    const holding = await there.makeResumable(name, held, {
      delivery: 'replay',
      turnId: 'turn-1',
      newStream: true,
      waitUntil: (p) => {
        persisting = p;
      },
    });
    expect(holding.status).toBe(202);
    const factory = vi.fn(() => paced(messageEvents(['twice']), 0));
    const retry = await here.makeResumable(name, factory, {
      delivery: 'replay',
      turnId: 'turn-1',
      newStream: true,
    });
    expect(retry.status).toBe(202);
    expect(factory).not.toHaveBeenCalled();
    const other = await here.makeResumable(name, paced(messageEvents(['no']), 0), {
      delivery: 'replay',
      turnId: 'turn-2',
      newStream: true,
    });
    expect(other.status).toBe(409);
    held.end();
    await persisting;
    expect(await s2.generations(name)).toEqual([{ fromSeqNum: 0, turnId: 'turn-1' }]);
  });

  it('still refuse a second claim of a single-use stream', async () => {
    const chat = s2.chat({ mode: 'single-use' });
    const name = uniqueStream();
    expect(await finishTurn(chat, name, ['once'], { newStream: true })).toBe(202);
    expect(await finishTurn(chat, name, ['again'], { newStream: true })).toBe(409);
  });
});
