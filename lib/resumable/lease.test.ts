// Integration tests for leases: stale generations, takeovers and taken-over writers, on a local S2.
import { AppendInput, AppendRecord, S2Error, S2Stream } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { INTERRUPTED_EVENT } from './events';
import { decodeRecord, eventRecord, makeToken, parseToken, startRecord } from './protocol';
import {
  eventsOf,
  messageEvents,
  paced,
  readAll,
  registerS2Fixture,
  SseReader,
  sleep,
  startControlledTurn,
  uniqueStream,
} from './test-support';
import type { GenerationStart, ResumableMode } from './types';

const s2 = registerS2Fixture();

const LEASE = 600;

/** Writes what a writer leaves behind when it dies right after its claim (and `events`): no terminal fence. */
async function abandonGeneration(
  name: string,
  events: unknown[] = [],
): Promise<{ token: string; fromSeqNum: number }> {
  const stream = s2.s2.basin(s2.basin).stream(name);
  try {
    const tail = await stream.checkTail().then(
      (t) => t.tail.seqNum,
      (err: unknown) => {
        if (err instanceof S2Error && err.status === 404) return 0;
        throw err;
      },
    );
    const token = makeToken('active', tail);
    const records = [AppendRecord.fence(token), startRecord(token, 'crashed-turn')];
    for (const event of events) records.push(eventRecord(token, event as never));
    await stream.append(AppendInput.create(records, { matchSeqNum: tail }));
    return { token, fromSeqNum: tail };
  } finally {
    await stream.close();
  }
}

describe('leases', () => {
  it.each(['shared', 'session'] as const)(
    'R7: a crashed writer is taken over once its lease runs out, never before (%s)',
    async (mode: ResumableMode) => {
      const chat = s2.chat({ mode, leaseDurationMs: LEASE });
      const name = uniqueStream(mode);
      await chat.makeResumable(name, paced(messageEvents(['first']), 0), { delivery: 'replay' });
      const crashed = await abandonGeneration(name, messageEvents(['half']).slice(0, 2));
      expect((await chat.makeResumable(name, paced([], 0), { delivery: 'replay' })).status).toBe(409);
      // A reader of the abandoned generation (with a lease long enough that it never closes it itself).
      const patient = s2.chat({ mode, leaseDurationMs: 60_000 });
      const oldFrames = new SseReader(await patient.replay(name, { fromSeqNum: crashed.fromSeqNum })).all();
      await sleep(LEASE + 50);
      const starts: GenerationStart[] = [];
      const response = await chat.makeResumable(name, paced(messageEvents(['second']), 0), {
        delivery: 'replay',
        onStart: (start) => void starts.push(start),
      });
      expect(response.status).toBe(202);
      expect(starts[0]?.tookOver).toEqual({ fromSeqNum: crashed.fromSeqNum });
      // The abandoned generation's readers get a terminal event, and nothing of the new one (R5, R8).
      const oldEvents = eventsOf(await oldFrames);
      expect(oldEvents.slice(0, 2)).toEqual(messageEvents(['half']).slice(0, 2));
      expect(oldEvents[2]).toEqual(INTERRUPTED_EVENT);
      const records = (await s2.records(name)).map(decodeRecord);
      expect(records.some((r) => r.kind === 'trim')).toBe(mode === 'shared');
      // The active-generation replay shows only the new generation.
      expect(eventsOf(await readAll(await chat.replay(name, { fromSeqNum: starts[0]?.fromSeqNum })))).toEqual(
        messageEvents(['second']),
      );
    },
  );

  it('R7: a single-use stream is never re-claimed, but its stale generation still ends for readers', async () => {
    const chat = s2.chat({ mode: 'single-use', leaseDurationMs: LEASE });
    const name = uniqueStream();
    const crashed = await abandonGeneration(name, messageEvents(['half']).slice(0, 1));
    const frames = await readAll(await chat.replay(name));
    expect(eventsOf(frames)).toEqual([messageEvents(['half'])[0], INTERRUPTED_EVENT]);
    // The reader closed it only after a whole lease without a record of it, judged (as leases are) on the
    // timestamps S2 assigned: its writer's last record (the fence, the start, one event) and the closing fence.
    const records = (await s2.records(name)).map(decodeRecord);
    const lastWritten = records.find((r) => r.seqNum === crashed.fromSeqNum + 2);
    const closing = records.at(-1);
    expect(closing?.kind === 'fence' && parseToken(closing.token)?.phase).toBe('error');
    const silentFor = (closing?.timestamp.getTime() ?? 0) - (lastWritten?.timestamp.getTime() ?? Infinity);
    expect(silentFor).toBeGreaterThanOrEqual(LEASE);
    expect((await chat.makeResumable(name, paced([], 0), { delivery: 'replay' })).status).toBe(409);
  });

  it('R16: a live replay tailing an abandoned generation gets a terminal event instead of hanging', async () => {
    const chat = s2.chat({ mode: 'session', leaseDurationMs: LEASE });
    const name = uniqueStream();
    const crashed = await abandonGeneration(name, messageEvents(['stuck']).slice(0, 3));
    const reader = new SseReader(await chat.replay(name, { fromSeqNum: 0, live: true }));
    const gotTerminal = await reader.until((r) => r.frames.some((f) => f.event === 'error'));
    expect(gotTerminal).toBe(true);
    expect(eventsOf(reader.frames)).toEqual([...messageEvents(['stuck']).slice(0, 3), INTERRUPTED_EVENT]);
    await reader.cancel();
    const last = (await s2.records(name)).map(decodeRecord).at(-1);
    expect(last?.kind === 'fence' && parseToken(last.token)).toMatchObject({
      phase: 'error',
      fromSeqNum: crashed.fromSeqNum,
    });
    // The stream is free again at once.
    expect((await chat.makeResumable(name, paced([], 0), { delivery: 'replay' })).status).toBe(202);
  });

  it('R8: a taken-over writer cancels its source, writes nothing after the new fence and logs nothing', async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    // The old writer is alive but frozen: its heartbeats are far apart, so the claimer judges its lease stale.
    const frozen = s2.chat({ mode: 'session', leaseDurationMs: 20_000, heartbeatIntervalMs: 10_000, logger });
    const claimer = s2.chat({ mode: 'session', leaseDurationMs: LEASE });
    const name = uniqueStream();
    const { source, ends, persisted } = await startControlledTurn(frozen, name);
    source.push(messageEvents(['a'])[0] as never);
    await sleep(LEASE + 100);
    const starts: GenerationStart[] = [];
    const response = await claimer.makeResumable(name, paced(messageEvents(['b']), 30), {
      delivery: 'replay',
      waitUntil: (p) => void persisted.push(p),
      onStart: (start) => void starts.push(start),
    });
    expect(response.status).toBe(202);
    source.push(messageEvents(['late'])[1] as never);
    await source.returned;
    await Promise.all(persisted);
    expect(ends).toMatchObject([{ reason: 'taken-over', toSeqNum: starts[0]?.fromSeqNum }]);
    expect(logger.error).not.toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();
    const records = (await s2.records(name)).map(decodeRecord);
    const newFence = records.findIndex((r) => r.kind === 'fence' && r.seqNum === starts[0]?.fromSeqNum);
    const oldToken = makeTokenOf(records, 0);
    expect(records.slice(newFence).some((r) => 'token' in r && r.token === oldToken)).toBe(false);
  });
});

describe('takeover errors', () => {
  it('R4: a writer that learns of its takeover only from a failed append stays quiet and says taken-over', async () => {
    // Blind the writer's fence watch, so the Producer's FencingTokenMismatchError is all it has.
    vi.spyOn(S2Stream.prototype, 'readSession').mockImplementation(
      async () => new ReadableStream<never>() as unknown as Awaited<ReturnType<S2Stream['readSession']>>,
    );
    const logger = { warn: vi.fn(), error: vi.fn() };
    const frozen = s2.chat({ mode: 'session', leaseDurationMs: 20_000, heartbeatIntervalMs: 10_000, logger });
    const claimer = s2.chat({ mode: 'session', leaseDurationMs: LEASE });
    const name = uniqueStream();
    const { source, ends, persisted } = await startControlledTurn(frozen, name);
    source.push(messageEvents(['a'])[0] as never);
    await sleep(LEASE + 100);
    const starts: GenerationStart[] = [];
    await claimer.makeResumable(name, paced([], 0), {
      delivery: 'replay',
      onStart: (s) => void starts.push(s),
    });
    source.push(messageEvents(['late'])[1] as never);
    await Promise.all(persisted);
    expect(source.wasReturned()).toBe(true);
    expect(ends).toMatchObject([{ reason: 'taken-over' }]);
    expect(logger.error).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });
});

function makeTokenOf(records: ReturnType<typeof decodeRecord>[], seqNum: number): string | undefined {
  const record = records.find((r) => r.seqNum === seqNum);
  return record?.kind === 'fence' ? record.token : undefined;
}
