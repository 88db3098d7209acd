// Integration tests for a feed's private S2 read session on a local S2: batches, and how its end is told.
import type { ReadRecord, ReadSession, S2Stream } from '@s2-dev/streamstore';
import { describe, expect, it } from 'vitest';
import { type FeedListener, RecordFeed } from './feed';
import type { ProtocolRecord } from './protocol';
import { finishTurn, registerS2Fixture, uniqueStream } from './test-support';

const s2 = registerS2Fixture();

type Answer = { records: number[] } | { ended: true } | { failed: unknown };

/** A feed with no hub over `stream`, and every answer it gives, asking again after each batch of records. */
function readAll(stream: S2Stream): Promise<Answer[]> {
  return new Promise((resolve) => {
    const answers: Answer[] = [];
    const listener: FeedListener = {
      records: (records: ProtocolRecord[]) => {
        answers.push({ records: records.map((record) => record.seqNum) });
        feed.request();
      },
      ended: () => resolve([...answers, { ended: true }]),
      failed: (err) => resolve([...answers, { failed: err }]),
    };
    const feed = new RecordFeed(
      { handle: { stream }, streamName: 'unused', startSeqNum: 0 },
      false,
      listener,
    );
    feed.request();
  });
}

/** The stream, with its read sessions passed through `limit` (the real session, cut short). */
function withReadSessions(
  stream: S2Stream,
  limit: (session: ReadSession<'string'>) => ReadableStream<ReadRecord<'string'>>,
): S2Stream {
  return new Proxy(stream, {
    get(target, key, receiver) {
      if (key !== 'readSession') return Reflect.get(target, key, receiver);
      return async (...args: Parameters<S2Stream['readSession']>) => limit(await target.readSession(...args));
    },
  });
}

/** The first `count` records of `session`, then `after` (close or error) instead of the rest. */
function firstRecords(
  session: ReadSession<'string'>,
  count: number,
  after: (controller: TransformStreamDefaultController<ReadRecord<'string'>>) => void,
): ReadableStream<ReadRecord<'string'>> {
  let seen = 0;
  return session.pipeThrough(
    new TransformStream<ReadRecord<'string'>, ReadRecord<'string'>>({
      transform(record, controller) {
        if (seen === count) return;
        controller.enqueue(record);
        seen++;
        if (seen === count) after(controller);
      },
    }),
  );
}

describe('record feed, private read session', () => {
  it('hands over every record once and in order, and tells the session ended only after the last one', async () => {
    const name = uniqueStream();
    await finishTurn(s2.chat({ mode: 'session' }), name, ['a ', 'b ', 'c ', 'd ']);
    const raw = s2.s2.basin(s2.basin).stream(name);
    try {
      const answers = await readAll(
        withReadSessions(raw, (session) => firstRecords(session, 6, (controller) => controller.terminate())),
      );
      expect(answers.at(-1)).toEqual({ ended: true });
      const delivered = answers.flatMap((answer) => ('records' in answer ? answer.records : []));
      expect(delivered).toEqual([0, 1, 2, 3, 4, 5]);
      expect(answers.slice(0, -1).every((answer) => 'records' in answer && answer.records.length > 0)).toBe(
        true,
      );
    } finally {
      await raw.close();
    }
  });

  it('reports a session that fails after some records, once those records were handed over', async () => {
    const name = uniqueStream();
    await finishTurn(s2.chat({ mode: 'session' }), name, ['a ', 'b ']);
    const raw = s2.s2.basin(s2.basin).stream(name);
    const cut = new Error('connection reset');
    try {
      const answers = await readAll(
        withReadSessions(raw, (session) => firstRecords(session, 3, (controller) => controller.error(cut))),
      );
      expect(answers.at(-1)).toEqual({ failed: cut });
      expect(answers.flatMap((answer) => ('records' in answer ? answer.records : []))).toEqual([0, 1, 2]);
    } finally {
      await raw.close();
    }
  });
});
