// Unit tests for a stream hub's followed state and for planning live readers that join it.
import type { ReadSession } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { StreamHub } from './hub';
import { makeToken, type ProtocolRecord } from './protocol';
import { readStreamState, type StreamState } from './state';
import {
  eventsOf,
  messageEvents,
  paced,
  readAll,
  registerS2Fixture,
  SseReader,
  spyReadSessions,
  spyS2Calls,
  startControlledTurn,
  uniqueStream,
} from './test-support';

const s2 = registerS2Fixture();

/** Resolves once the first session opened since `spy` delivered every record up to the tail S2 reported. */
async function caughtUp(spy: ReturnType<typeof spyReadSessions>): Promise<void> {
  const opened = spy.mock.results[0];
  if (opened?.type !== 'return') throw new Error('no read session was opened');
  const session: ReadSession<'string'> = await opened.value;
  await session.caughtUp();
  // The hub's read loop takes the last record a turn of the event loop later.
  await new Promise((resolve) => setImmediate(resolve));
}

/** A hub of `name` on the fixture's S2, as an instance's registry builds it. */
function followingHub(name: string): StreamHub {
  return new StreamHub(
    {
      open: () => s2.s2.basin(s2.basin).stream(name),
      release: (stream) => void stream.close(),
      shutdown: new AbortController().signal,
      logger: { warn: vi.fn() },
    },
    vi.fn(),
  );
}

/** Attaches a live reader at `position` that waits for records, which starts the hub's session. */
function waitingReader(hub: StreamHub, position: number, known?: StreamState): void {
  const reader = hub.attach(position, { wake: vi.fn(), fail: vi.fn() }, known);
  if (!reader) throw new Error(`the hub cannot serve ${position}`);
  expect(hub.take(reader)).toBeUndefined();
}

async function stateOnS2(name: string) {
  const stream = s2.s2.basin(s2.basin).stream(name);
  try {
    return await readStreamState(stream);
  } finally {
    await stream.close();
  }
}

describe('a hub’s followed state', () => {
  it('is what a read of the last record finds, once the session caught up, and follows every generation', async () => {
    const writer = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    await readAll(await writer.makeResumable(name, paced(messageEvents(['first']), 0)));
    const sessions = spyReadSessions();
    const hub = followingHub(name);
    waitingReader(hub, 0);
    await caughtUp(sessions);
    expect(hub.followedState()).toMatchObject({ kind: 'idle', token: expect.stringMatching(/^end-/) });
    expect(hub.followedState()).toEqual(await stateOnS2(name));

    const turn = await startControlledTurn(writer, name);
    for (const event of messageEvents(['second']).slice(0, 3)) turn.source.push(event);
    await vi.waitFor(async () => expect(hub.followedState()).toEqual(await stateOnS2(name)));
    expect(hub.followedState()).toMatchObject({ kind: 'active', token: expect.stringMatching(/^gen-/) });

    turn.source.end();
    await Promise.all(turn.persisted);
    await vi.waitFor(async () => expect(hub.followedState()).toEqual(await stateOnS2(name)));
    expect(hub.followedState()?.kind).toBe('idle');
  });

  it('is idle at 0 on an empty stream', async () => {
    const name = uniqueStream();
    await s2.s2.basin(s2.basin).streams.create({ stream: name });
    const sessions = spyReadSessions();
    const hub = followingHub(name);
    expect(hub.followedState()).toBeUndefined();
    waitingReader(hub, 0);
    await caughtUp(sessions);
    expect(hub.followedState()).toEqual({ kind: 'idle', tail: 0 });
    expect(await stateOnS2(name)).toEqual({ kind: 'idle', tail: 0 });
  });

  it('past 0, is unknown until a reader brings the state it read there, or the next record comes', async () => {
    const writer = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    await readAll(await writer.makeResumable(name, paced(messageEvents(['before']), 0)));
    const atTail = await stateOnS2(name);
    const sessions = spyReadSessions();
    const hub = followingHub(name);
    waitingReader(hub, atTail.tail);
    await caughtUp(sessions);
    // Caught up at the tail, but which record lies before it, the hub never saw.
    expect(hub.followedState()).toBeUndefined();
    // A state read at another seq num says nothing about this one.
    waitingReader(hub, atTail.tail, { kind: 'idle', tail: atTail.tail - 1 });
    expect(hub.followedState()).toBeUndefined();
    waitingReader(hub, atTail.tail, atTail);
    expect(hub.followedState()).toEqual(atTail);
    await readAll(await writer.makeResumable(name, paced(messageEvents(['after']), 0)));
    await vi.waitFor(async () => expect(hub.followedState()).toEqual(await stateOnS2(name)));
    expect(hub.followedState()?.tail).toBeGreaterThan(atTail.tail);
  });

  it('is unknown while a local writer feeds the hub (its generation plans local readers)', () => {
    const hub = followingHub(uniqueStream());
    const token = makeToken('active', 0);
    const fence: ProtocolRecord = { kind: 'fence', seqNum: 0, timestamp: new Date(0), token };
    hub.beginLocal({ token, fromSeqNum: 0, claimStart: 0 }, [fence]);
    expect(hub.followedState()).toBeUndefined();
  });
});

describe('a live reader joining a followed stream', () => {
  /** A writer instance, and a reader instance whose hub follows the stream from 0 after one whole turn. */
  async function followed() {
    const writer = s2.chat({ mode: 'session' });
    const reader = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    const first = messageEvents(['one', 'two']);
    await readAll(await writer.makeResumable(name, paced(first, 0)));
    const sessions = spyReadSessions();
    const tab = new SseReader(await reader.replay(name, { fromSeqNum: 0, live: true }));
    await tab.until((r) => r.frames.length === first.length);
    await caughtUp(sessions);
    return { writer, reader, name, tab, first };
  }

  it('is planned from the hub with no S2 request, and gets what the tab already there gets', async () => {
    const { writer, reader, name, tab, first } = await followed();
    const calls = spyS2Calls();
    const cut = Number(tab.frames[2]?.id);
    const joined = await reader.replay(name, { fromSeqNum: cut, live: true });
    expect(joined.status).toBe(200);
    expect(calls.reads).not.toHaveBeenCalled();
    expect(calls.tails).not.toHaveBeenCalled();

    const second = messageEvents(['three']);
    await readAll(await writer.makeResumable(name, paced(second, 2)));
    const late = new SseReader(joined);
    await late.until((r) => r.frames.length === first.length + second.length - 3);
    await tab.until((r) => r.frames.length === first.length + second.length);
    expect(late.frames).toEqual(tab.frames.slice(3));
    expect(eventsOf(tab.frames)).toEqual([...first, ...second]);
    await Promise.all([tab.cancel(), late.cancel()]);
  });

  it('at the tail of an idle chat, as a page opens it, is planned from what the first tab read there', async () => {
    const writer = s2.chat({ mode: 'session' });
    const reader = s2.chat({ mode: 'session' });
    const name = uniqueStream();
    await readAll(await writer.makeResumable(name, paced(messageEvents(['done']), 0)));
    const { tail } = await stateOnS2(name);
    const sessions = spyReadSessions();
    const first = new SseReader(await reader.replay(name, { fromSeqNum: tail, live: true }));
    // The first tab's body starts its tail, which joins the hub and starts the shared session.
    void first.until(() => false);
    await vi.waitFor(() => expect(sessions).toHaveBeenCalledOnce());
    await caughtUp(sessions);
    const calls = spyS2Calls();
    const second = new SseReader(await reader.replay(name, { fromSeqNum: tail, live: true }));
    expect(calls.reads).not.toHaveBeenCalled();
    const events = messageEvents(['next', 'turn']);
    await readAll(await writer.makeResumable(name, paced(events, 2)));
    await second.until((r) => r.frames.length === events.length);
    await vi.waitFor(() => expect(first.frames.length).toBe(events.length));
    expect(second.frames).toEqual(first.frames);
    expect(eventsOf(second.frames)).toEqual(events);
    await Promise.all([first.cancel(), second.cancel()]);
  });

  it('still asks S2 with a cursor past what the hub saw, without a cursor, or when it ends', async () => {
    const { writer, reader, name, tab } = await followed();
    const { tail } = await stateOnS2(name);
    const calls = spyS2Calls();

    const past = await reader.replay(name, { fromSeqNum: tail + 5, live: true });
    expect(past.status).toBe(416);
    expect(calls.reads).toHaveBeenCalledTimes(1);

    const uncursored = await reader.replay(name, { live: true });
    expect(uncursored.status).toBe(200);
    await uncursored.body?.cancel();
    expect(calls.reads).toHaveBeenCalledTimes(2);

    // Read after write: a generation acknowledged (202) before a read that ends is in it, whatever the hub saw.
    const turn = await startControlledTurn(writer, name);
    expect(turn.response.status).toBe(202);
    const events = messageEvents(['later']);
    const ending = reader.replay(name, { fromSeqNum: tail });
    for (const event of events) turn.source.push(event);
    turn.source.end();
    expect(eventsOf(await readAll(await ending))).toEqual(events);
    await Promise.all(turn.persisted);
    await tab.cancel();
  });
});
