// Batches the S2 SDK sends again after they landed (its default appendRetryPolicy 'all'): counted once, not failed.
import {
  type AppendAck,
  type AppendInput,
  AppendRecord,
  type AppendSession,
  S2Stream,
} from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { decodeAppended, decodeRecord, GENERATION_HEADER, type ProtocolRecord, parseToken } from './protocol';
import {
  eventsOf,
  messageEvents,
  readAll,
  registerS2Fixture,
  SseReader,
  spySubmits,
  startControlledTurn,
  uniqueStream,
} from './test-support';

const s2 = registerS2Fixture();

const quietLogger = () => ({ warn: vi.fn(), error: vi.fn() });

type Ticket = Awaited<ReturnType<AppendSession['submit']>>;
const ticketOf = (ack: Promise<AppendAck>) => ({ ack: () => ack }) as unknown as Ticket;

const decoded = (input: AppendInput): ProtocolRecord[] =>
  input.records.map((record) => decodeAppended(record, 0, new Date(0)));

const carriesEvent = (type: string) => (input: AppendInput) =>
  decoded(input).some((record) => record.kind === 'event' && record.eventType === type);

const carriesTerminalFence = (input: AppendInput) =>
  decoded(input).some((record) => record.kind === 'fence' && parseToken(record.token)?.phase !== 'active');

/**
 * What the SDK's default `appendRetryPolicy: 'all'` does after a dropped connection: the first batch that
 * `pick` matches lands, its ack is lost, and the session sends it again (as `resend` makes it).
 */
function resendOnce(
  pick: (input: AppendInput) => boolean,
  resend: (input: AppendInput) => AppendInput = (i) => i,
) {
  const resent: AppendInput[] = [];
  spySubmits(async (input, submit) => {
    if (resent.length > 0 || !pick(input)) return submit(input);
    resent.push(input);
    await (await submit(input)).ack();
    return submit(resend(input));
  });
  return resent;
}

/** Every event record of the stream, once per record: a doubled batch would show up twice. */
async function eventRecords(name: string): Promise<string[]> {
  return (await s2.records(name))
    .map(decodeRecord)
    .flatMap((record) => (record.kind === 'event' ? [record.body] : []));
}

describe('a batch the append session sends again after it landed', () => {
  it('is counted as acknowledged once, and the turn completes', async () => {
    const logger = quietLogger();
    const chat = s2.chat({ mode: 'session', batchSize: 1, lingerDuration: 0, logger });
    const name = uniqueStream();
    const resent = resendOnce(carriesEvent('content_block_start'));
    const { source, ends, persisted } = await startControlledTurn(chat, name);
    // One batch at a time: a reader on the writer's instance is shown an event once its batch is acknowledged.
    const reader = new SseReader(await chat.replay(name));
    const events = messageEvents(['a', 'b', 'c']);
    for (const [index, event] of events.entries()) {
      source.push(event);
      await reader.until((r) => r.frames.length === index + 1);
    }
    source.end();
    await Promise.all(persisted);
    expect(eventsOf(await reader.all())).toEqual(events);
    expect(resent).toHaveLength(1);
    expect(ends).toMatchObject([{ reason: 'complete', fromSeqNum: 0 }]);
    expect(source.wasReturned()).toBe(false);
    expect(logger.error).not.toHaveBeenCalled();
    expect(eventsOf(await readAll(await chat.replay(name, { fromSeqNum: 0 })))).toEqual(events);
    expect(await eventRecords(name)).toEqual(events.map((event) => JSON.stringify(event)));
    expect(ends[0]?.toSeqNum).toBe((await s2.records(name)).length);
  });

  it('sends the batch behind it, which had not landed, again on a fresh session', async () => {
    const chat = s2.chat({ mode: 'session', batchSize: 1, lingerDuration: 0, logger: quietLogger() });
    const name = uniqueStream();
    const resent = resendOnce(carriesEvent('content_block_start'));
    const sessions = vi.spyOn(S2Stream.prototype, 'appendSession');
    const { source, ends, persisted } = await startControlledTurn(chat, name);
    // All at once: the next batch is queued behind the resent one on the session that then fails.
    const events = messageEvents(['a', 'b', 'c', 'd']);
    for (const event of events) source.push(event);
    source.end();
    await Promise.all(persisted);
    expect(resent).toHaveLength(1);
    expect(sessions.mock.calls.length).toBeGreaterThan(1);
    expect(ends).toMatchObject([{ reason: 'complete' }]);
    expect(await eventRecords(name)).toEqual(events.map((event) => JSON.stringify(event)));
  });

  it('acknowledges the batch behind it that had landed too, without sending it again', async () => {
    const chat = s2.chat({ mode: 'session', batchSize: 1, lingerDuration: 0, logger: quietLogger() });
    const name = uniqueStream();
    let resent: Promise<AppendAck> | undefined;
    let bothLanded: () => void = () => undefined;
    let behind: AppendInput | undefined;
    const submitted = spySubmits(async (input, submit) => {
      if (!resent && carriesEvent('content_block_start')(input)) {
        const first = await submit(input);
        const landed = new Promise<void>((resolve) => (bothLanded = resolve));
        // Both batches land, the connection drops before either ack, and the session resends them.
        resent = first.ack().then(async () => {
          await landed;
          return (await submit(input)).ack();
        });
        resent.catch(() => undefined);
        return ticketOf(resent);
      }
      if (resent && !behind) {
        behind = input;
        const ack = (await submit(input)).ack();
        void ack.then(bothLanded);
        // The SDK acks in order, and fails every batch behind a failed one with its error.
        return ticketOf(ack.then(() => resent as Promise<AppendAck>));
      }
      return submit(input);
    });
    const { source, ends, persisted } = await startControlledTurn(chat, name);
    const events = messageEvents(['a', 'b', 'c']);
    for (const event of events) source.push(event);
    source.end();
    await Promise.all(persisted);
    expect(behind).toBeDefined();
    expect(submitted.filter((input) => input.matchSeqNum === behind?.matchSeqNum)).toHaveLength(1);
    expect(ends).toMatchObject([{ reason: 'complete' }]);
    expect(await eventRecords(name)).toEqual(events.map((event) => JSON.stringify(event)));
  });

  it('refused for its fencing token while the stream still holds this generation’s, is checked the same way', async () => {
    const chat = s2.chat({ mode: 'session', batchSize: 1, lingerDuration: 0, logger: quietLogger() });
    const name = uniqueStream();
    // A resend S2 judges by its fencing token first: it names the generation's own active token.
    const resent = resendOnce(carriesEvent('content_block_start'), (input) => ({
      ...input,
      fencingToken: 'not-the-token',
    }));
    const { source, ends, persisted } = await startControlledTurn(chat, name);
    const events = messageEvents(['a']);
    for (const event of events) source.push(event);
    source.end();
    await Promise.all(persisted);
    expect(resent).toHaveLength(1);
    expect(ends).toMatchObject([{ reason: 'complete' }]);
    expect(await eventRecords(name)).toEqual(events.map((event) => JSON.stringify(event)));
  });

  it('the terminal batch: the generation completed, it was not taken over', async () => {
    const chat = s2.chat({ mode: 'session', batchSize: 1, lingerDuration: 0, logger: quietLogger() });
    const name = uniqueStream();
    const resent = resendOnce(carriesTerminalFence);
    const { source, ends, persisted } = await startControlledTurn(chat, name);
    const events = messageEvents(['a', 'b']);
    for (const event of events) source.push(event);
    source.end();
    await Promise.all(persisted);
    expect(resent).toHaveLength(1);
    const records = (await s2.records(name)).map(decodeRecord);
    const last = records.at(-1);
    expect(last?.kind === 'fence' && parseToken(last.token)?.phase).toBe('complete');
    expect(ends).toEqual([expect.objectContaining({ reason: 'complete', toSeqNum: records.length })]);
    expect(ends[0]).not.toHaveProperty('error');
    expect(eventsOf(await readAll(await chat.replay(name, { fromSeqNum: 0 })))).toEqual(events);
  });

  it('the terminal batch of a failed upstream: the generation ended with its error', async () => {
    const chat = s2.chat({ mode: 'session', batchSize: 1, lingerDuration: 0, logger: quietLogger() });
    const name = uniqueStream();
    const resent = resendOnce(carriesTerminalFence);
    const { source, ends, persisted } = await startControlledTurn(chat, name);
    const events = messageEvents(['a']).slice(0, 3);
    for (const event of events) source.push(event);
    source.fail(new Error('overloaded'));
    await Promise.all(persisted);
    expect(resent).toHaveLength(1);
    const records = (await s2.records(name)).map(decodeRecord);
    expect(ends).toEqual([
      expect.objectContaining({
        reason: 'error',
        toSeqNum: records.length,
        error: { type: 'api_error', message: 'An error occurred.' },
      }),
    ]);
    const error = { type: 'error', error: { type: 'api_error', message: 'An error occurred.' } };
    expect(eventsOf(await readAll(await chat.replay(name, { fromSeqNum: 0 })))).toEqual([...events, error]);
  });

  it('the terminal batch, when it cannot be read back: still the generation’s own ending', async () => {
    const chat = s2.chat({ mode: 'session', batchSize: 1, lingerDuration: 0, logger: quietLogger() });
    const name = uniqueStream();
    const resent = resendOnce(carriesTerminalFence);
    const { source, ends, persisted } = await startControlledTurn(chat, name);
    const reads = vi.spyOn(S2Stream.prototype, 'read').mockRejectedValue(new Error('S2 is unreachable'));
    for (const event of messageEvents(['a'])) source.push(event);
    source.end();
    await Promise.all(persisted);
    reads.mockRestore();
    expect(resent).toHaveLength(1);
    const records = await s2.records(name);
    expect(ends).toEqual([expect.objectContaining({ reason: 'complete', toSeqNum: records.length })]);
  });

  it('is still a failure when the records at its place are not its own', async () => {
    const logger = quietLogger();
    const chat = s2.chat({ mode: 'session', batchSize: 1, lingerDuration: 0, logger });
    const name = uniqueStream();
    let intruded = false;
    spySubmits(async (input, submit) => {
      if (!intruded && carriesEvent('content_block_start')(input)) {
        intruded = true;
        // Someone holding the generation's token took the batch's place with a record of its own.
        const stream = s2.s2.basin(s2.basin).stream(name);
        const token = input.fencingToken ?? '';
        const record = AppendRecord.string({
          body: '{"type":"ping"}',
          headers: [[GENERATION_HEADER, token]],
        });
        await stream.append({ ...input, records: [record], meteredBytes: record.meteredBytes });
        await stream.close();
      }
      return submit(input);
    });
    const { source, ends, persisted } = await startControlledTurn(chat, name);
    for (const event of messageEvents(['a'])) source.push(event);
    source.end();
    await Promise.all(persisted);
    expect(intruded).toBe(true);
    expect(ends).toMatchObject([{ reason: 'error' }]);
    expect(logger.error).toHaveBeenCalled();
  });
});
