// Integration tests for claiming a stream in each mode, retried claims and sources, on a local S2.
import { AppendInput, AppendRecord, S2Stream } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { decodeRecord, parseToken } from './protocol';
import {
  eventsOf,
  messageEvents,
  paced,
  readAll,
  registerS2Fixture,
  SseReader,
  spySubmits,
  uniqueStream,
} from './test-support';
import type { GenerationEnd, ResumableMode } from './types';

const s2 = registerS2Fixture();

const MODES: ResumableMode[] = ['single-use', 'shared', 'session'];

async function openingFences(streamName: string): Promise<string[]> {
  const records = (await s2.records(streamName)).map(decodeRecord);
  return records.flatMap((r) =>
    r.kind === 'fence' && parseToken(r.token)?.phase === 'active' ? [r.token] : [],
  );
}

describe('claims', () => {
  it.each(MODES)('R1: of five concurrent claims exactly one wins (%s)', async (mode) => {
    const chat = s2.chat({ mode });
    const name = uniqueStream(mode);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        chat.makeResumable(name, paced(messageEvents(['a', 'b']), 20), { delivery: 'replay' }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409]);
    const conflict = responses.find((r) => r.status === 409);
    expect(await conflict?.json()).toEqual({
      error: { type: 'conflict', message: 'A reply is already in progress.' },
    });
    if (mode === 'single-use') {
      // The winner trimmed its records (R9); the tail is where one generation of 7 events, its fence and
      // the trim end.
      const raw = s2.s2.basin(s2.basin).stream(name);
      expect((await raw.checkTail()).tail.seqNum).toBe(2 + 7 + 1 + 1);
      await raw.close();
      expect(await s2.records(name)).toEqual([]);
    } else {
      expect(await openingFences(name)).toHaveLength(1);
    }
  });

  it('R1: a single-use stream refuses a second claim even after its generation ended and was trimmed', async () => {
    const chat = s2.chat({ mode: 'single-use' });
    const name = uniqueStream();
    expect(
      (await chat.makeResumable(name, paced(messageEvents(['x']), 0), { delivery: 'replay' })).status,
    ).toBe(202);
    const again = await chat.makeResumable(name, paced(messageEvents(['y']), 1), { delivery: 'replay' });
    expect(again.status).toBe(409);
  });

  it.each(['shared', 'session'] as const)(
    'R2: the first matchSeqNum is the claim ack end on a pre-populated stream (%s)',
    async (mode) => {
      const name = uniqueStream(mode);
      const raw = s2.s2.basin(s2.basin).stream(name);
      const prefill = [AppendRecord.string({ body: 'old-1' }), AppendRecord.string({ body: 'old-2' })];
      await raw.append(AppendInput.create([...prefill, AppendRecord.fence('someone-done')]));
      await raw.close();
      const chat = s2.chat({ mode });
      const ends: GenerationEnd[] = [];
      const events = messageEvents(['one']).slice(0, 3);
      const response = await chat.makeResumable(name, paced(events, 5), {
        delivery: 'replay',
        onFinish: (end) => void ends.push(end),
      });
      expect(response.status).toBe(202);
      expect(ends).toMatchObject([{ reason: 'complete', fromSeqNum: 3 }]);
      const replayed = await chat.replay(name, { fromSeqNum: 3 });
      expect(eventsOf(await readAll(replayed))).toEqual(events);
      // 3 foreign records, the opening batch (fence [+ trim] + start), 3 events, the terminal fence.
      const opening = mode === 'shared' ? 3 : 2;
      expect(ends[0]?.toSeqNum).toBe(3 + opening + 3 + 1);
      expect((await s2.records(name)).at(-1)?.seqNum).toBe(3 + opening + 3);
    },
  );

  it('R3: a claim whose retried append conflicts with its own landed first attempt still succeeds', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    let intercepted = false;
    spySubmits(async (input, submit) => {
      const isClaim = input.records.some((r) => typeof r.body === 'string' && r.body.startsWith('gen-'));
      if (!isClaim || intercepted) return submit(input);
      intercepted = true;
      await (await submit(input)).ack();
      // The ack was lost; the retry meets our own fence and fails with a mismatch.
      return submit(input);
    });
    const ends: GenerationEnd[] = [];
    const response = await chat.makeResumable(name, paced(messageEvents(['r3']), 5), {
      delivery: 'replay',
      onFinish: (end) => void ends.push(end),
    });
    expect(intercepted).toBe(true);
    expect(response.status).toBe(202);
    expect(ends).toMatchObject([{ reason: 'complete' }]);
    expect(eventsOf(await readAll(await chat.replay(name, { fromSeqNum: 0 })))).toEqual(
      messageEvents(['r3']),
    );
    // One generation: the claim landed once.
    expect(await openingFences(name)).toHaveLength(1);
  });

  it('R19: a source factory is only called after a successful claim and onStart', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const order: string[] = [];
    const first = await chat.makeResumable(
      name,
      () => {
        order.push('factory');
        return paced(messageEvents(['a']), 100);
      },
      { delivery: 'replay', waitUntil: () => undefined, onStart: () => void order.push('onStart') },
    );
    expect(first.status).toBe(202);
    const factory = vi.fn(() => paced(messageEvents(['b']), 1));
    const second = await chat.makeResumable(name, factory, { delivery: 'replay' });
    expect(second.status).toBe(409);
    expect(factory).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(order).toEqual(['onStart', 'factory']));
  });

  it('R19: an iterable source of a refused claim is released', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    await chat.makeResumable(name, paced(messageEvents(['a']), 100), {
      delivery: 'replay',
      waitUntil: () => undefined,
    });
    let released = false;
    const source = (async function* () {
      try {
        yield* messageEvents(['never']);
      } finally {
        released = true;
      }
    })();
    await source.next();
    expect((await chat.makeResumable(name, source, { delivery: 'replay' })).status).toBe(409);
    await vi.waitFor(() => expect(released).toBe(true));
  });

  it('R23: a retry with the same turnId joins its generation instead of 409, during and after it', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const persisted: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>) => void persisted.push(p);
    const first = await chat.makeResumable(name, paced(messageEvents(['a', 'b']), 30), {
      delivery: 'replay',
      turnId: 'turn-1',
      waitUntil,
    });
    const factory = vi.fn(() => paced(messageEvents(['dup']), 1));
    const retry = await chat.makeResumable(name, factory, { delivery: 'replay', turnId: 'turn-1' });
    const joined = await chat.makeResumable(name, factory, { delivery: 'response', turnId: 'turn-1' });
    const other = await chat.makeResumable(name, factory, { delivery: 'replay', turnId: 'turn-2' });
    expect([first.status, retry.status, joined.status, other.status]).toEqual([202, 202, 200, 409]);
    expect(eventsOf(await readAll(joined))).toEqual(messageEvents(['a', 'b']));
    await Promise.all(persisted);
    const late = await chat.makeResumable(name, factory, { delivery: 'replay', turnId: 'turn-1' });
    expect(late.status).toBe(202);
    expect(factory).not.toHaveBeenCalled();
    expect(await openingFences(name)).toHaveLength(1);
  });

  it.each(MODES)('R23: a retry racing its original request joins it instead of 409 (%s)', async (mode) => {
    const chat = s2.chat({ mode });
    const name = uniqueStream(mode);
    const persisted: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>) => void persisted.push(p);
    const factory = vi.fn(() => paced(messageEvents(['once']), 10));
    const responses = await Promise.all(
      Array.from({ length: 3 }, () =>
        chat.makeResumable(name, factory, { delivery: 'replay', turnId: 'turn-raced', waitUntil }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202]);
    await Promise.all(persisted);
    expect(factory).toHaveBeenCalledTimes(1);
    if (mode !== 'single-use') expect(await openingFences(name)).toHaveLength(1);
  });

  it('creates the stream when the basin does not create streams on first use', async () => {
    const basin = `manual-${Date.now().toString(36)}`;
    await s2.s2.basins.create({ basin });
    const chat = s2.chat({ basin, mode: 'session' });
    const name = uniqueStream();
    expect((await chat.replay(name)).status).toBe(204);
    // A live tab may subscribe before the first turn exists.
    const tab = chat.replay(name, { fromSeqNum: 0, live: true });
    const appends = vi.spyOn(S2Stream.prototype, 'append');
    const submitted = spySubmits();
    const response = await chat.makeResumable(uniqueStream(), paced(messageEvents(['made']), 0));
    expect(response.status).toBe(200);
    // The claim read the stream as missing and created it first: its one append, the session's first
    // batch, did not fail (a failed one is retried on a second session).
    expect(appends).not.toHaveBeenCalled();
    expect(submitted[0]?.matchSeqNum).toBe(0);
    vi.restoreAllMocks();
    expect(eventsOf(await readAll(response))).toEqual(messageEvents(['made']));
    const live = new SseReader(await tab);
    await chat.makeResumable(name, paced(messageEvents(['seen']), 0), { delivery: 'replay' });
    await live.until((r) => r.frames.length === messageEvents(['seen']).length);
    expect(eventsOf(live.frames)).toEqual(messageEvents(['seen']));
    await live.cancel();
  });
});
