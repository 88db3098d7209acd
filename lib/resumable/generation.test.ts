// Integration tests for readGeneration: finished, stopped, lease-expired and missing generations.
import { AppendInput, AppendRecord } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { INTERRUPTED_EVENT, STOPPED_EVENT } from './events';
import { eventRecord, makeToken, startRecord } from './protocol';
import { controlledSource, messageEvents, registerS2Fixture, sleep, uniqueStream } from './test-support';

const s2 = registerS2Fixture();

describe('readGeneration', () => {
  it('reads a finished generation back with its turn id, events and ending', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const events = messageEvents(['Hello', ' world']);
    let from = -1;
    const response = await chat.makeResumable(
      name,
      (async function* () {
        yield* events;
      })(),
      {
        delivery: 'replay',
        turnId: 'turn-1',
        onStart: (start) => {
          from = start.fromSeqNum;
        },
      },
    );
    expect(response.status).toBe(202);
    const report = await chat.readGeneration(name, from);
    expect(report).toMatchObject({ state: 'ended', ending: 'complete', turnId: 'turn-1', fromSeqNum: from });
    expect(report.events).toEqual(events);
    expect(report.toSeqNum).toBe((await s2.records(name)).length);
  });

  it('reads past a page that S2 cut at 1 MiB before 1,000 records', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    // Five deltas of 300 KB each: a unary read returns at most three of them.
    const events = messageEvents(Array.from({ length: 5 }, (_, i) => String(i).repeat(300_000)));
    let from = -1;
    await chat.makeResumable(
      name,
      (async function* () {
        yield* events;
      })(),
      {
        delivery: 'replay',
        onStart: (start) => {
          from = start.fromSeqNum;
        },
      },
    );
    const report = await chat.readGeneration(name, from);
    expect(report).toMatchObject({ state: 'ended', ending: 'complete' });
    expect(report.events).toEqual(events);
  });

  it('reports a stopped generation with its partial events', async () => {
    const chat = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const source = controlledSource();
    const [first, second] = messageEvents(['partial']);
    let from = -1;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    await chat.makeResumable(name, source, {
      delivery: 'replay',
      waitUntil: () => undefined,
      onStart: (start) => {
        from = start.fromSeqNum;
      },
      onFinish: () => finished(),
    });
    if (!first || !second) throw new Error('fixture events missing');
    source.push(first);
    source.push(second);
    await vi.waitFor(
      async () => {
        expect(await chat.readGeneration(name, from)).toMatchObject({
          state: 'active',
          events: [first, second],
        });
      },
      { timeout: 10_000 },
    );
    expect(await chat.stop(name)).toBe(true);
    await done;
    const report = await chat.readGeneration(name, from);
    expect(report).toMatchObject({ state: 'ended', ending: 'stopped' });
    expect(report.events).toEqual([first, second, STOPPED_EVENT]);
  });

  it('closes a crashed writer’s generation once its lease has run out, and reports it interrupted', async () => {
    const chat = s2.chat({ mode: 'session', leaseDurationMs: 3_000 });
    const name = uniqueStream();
    const stream = s2.s2.basin(s2.basin).stream(name);
    const token = makeToken('active', 0);
    const [first] = messageEvents(['cut off']);
    if (!first) throw new Error('fixture events missing');
    // What a writer leaves behind when its process is killed mid-turn: an open generation, no terminal fence.
    await stream.append(
      AppendInput.create(
        [AppendRecord.fence(token), startRecord(token, 'turn-x'), eventRecord(token, first)],
        {
          matchSeqNum: 0,
        },
      ),
    );
    await stream.close();

    const early = await chat.readGeneration(name, 0);
    expect(early.state).toBe('active');
    await sleep(3_500);
    const report = await chat.readGeneration(name, 0);
    expect(report).toMatchObject({ state: 'ended', ending: 'interrupted', turnId: 'turn-x', toSeqNum: 5 });
    expect(report.events).toEqual([first, INTERRUPTED_EVENT]);
    // The chat is free again: the next claim succeeds without waiting.
    const next = await chat.makeResumable(
      name,
      (async function* () {
        yield* messageEvents(['next']);
      })(),
      { delivery: 'replay' },
    );
    expect(next.status).toBe(202);
  });

  it('reports nothing for a missing stream or a cursor that is not a generation start', async () => {
    const chat = s2.chat({ mode: 'session' });
    expect(await chat.readGeneration(uniqueStream(), 0)).toMatchObject({ state: 'missing', events: [] });
    const name = uniqueStream();
    await chat.makeResumable(
      name,
      (async function* () {
        yield* messageEvents(['x']);
      })(),
      { delivery: 'replay' },
    );
    expect((await chat.readGeneration(name, 2)).state).toBe('missing');
  });
});
