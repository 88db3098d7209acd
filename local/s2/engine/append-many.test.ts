// Group commit: appendMany and queueAppend apply each input in order against the state the ones before left.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store';
import { bodies, fence, openTestEngine, rec, seqNums, type TestEngine, trim } from './test-support';
import type { AppendAck, AppendInput, AppendOutcome, S2ApiError, StreamPosition } from './types';

const B = 'group-basin';
let kit: TestEngine;
const appendMany = (stream: string, inputs: AppendInput[]) => kit.engine.appendMany(B, stream, inputs);
const readAll = async (stream: string) =>
  (await kit.engine.read(B, stream, { seq_num: 0, clamp: true, wait: 0 })).records;

function acks(outcomes: readonly AppendOutcome[]): AppendAck[] {
  return outcomes.flatMap((outcome) => (outcome.ok ? [outcome.ack] : []));
}

function failure(outcomes: readonly AppendOutcome[]): S2ApiError | undefined {
  const last = outcomes[outcomes.length - 1];
  return last !== undefined && !last.ok ? last.error : undefined;
}

const ranges = (list: readonly AppendAck[]) => list.map((ack) => [ack.start.seq_num, ack.end.seq_num]);

beforeEach(() => {
  kit = openTestEngine();
  kit.engine.createBasin(B, { create_stream_on_append: true });
  kit.engine.createStream(B, 's');
});
afterEach(() => kit.dispose());

describe('appendMany', () => {
  it('checks fencing and match_seq_num of each input against the inputs before it in the group', () => {
    const outcomes = appendMany('s', [
      { records: [fence('writer-1'), rec('a')], match_seq_num: 0 },
      { records: [rec('b')], fencing_token: 'writer-1', match_seq_num: 2 },
      { records: [rec('c'), rec('d')], fencing_token: 'writer-1', match_seq_num: 3 },
    ]);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(ranges(acks(outcomes))).toEqual([
      [0, 2],
      [2, 3],
      [3, 5],
    ]);
    expect(kit.engine.checkTail(B, 's').seq_num).toBe(5);
  });

  it('fails a mismatching input alone and applies neither it nor the inputs after it', async () => {
    const outcomes = appendMany('s', [
      { records: [rec('a')] },
      { records: [rec('b')], match_seq_num: 1 },
      { records: [fence('stolen'), rec('c')], match_seq_num: 0 },
      { records: [rec('d')] },
    ]);
    expect(ranges(acks(outcomes))).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(outcomes).toHaveLength(3);
    expect(failure(outcomes)?.status).toBe(412);
    expect(failure(outcomes)?.body).toEqual({ seq_num_mismatch: 2 });
    expect(bodies(await readAll('s'))).toEqual(['a', 'b']);
    // The failed input's fence was not applied: an unfenced append with the old (empty) token still passes.
    expect(kit.engine.append(B, 's', { records: [rec('e')], fencing_token: '' }).start.seq_num).toBe(2);
  });

  it('reports a fencing mismatch against a fence set earlier in the same group', () => {
    const outcomes = appendMany('s', [
      { records: [fence('new-owner')] },
      { records: [rec('late')], fencing_token: '' },
    ]);
    expect(outcomes).toHaveLength(2);
    expect(failure(outcomes)?.body).toEqual({ fencing_token_mismatch: 'new-owner' });
    expect(kit.engine.checkTail(B, 's').seq_num).toBe(1);
  });

  it('fails an invalid input in the middle with its own 422 after acking the inputs before it', async () => {
    const outcomes = appendMany('s', [{ records: [rec('a')] }, { records: [] }, { records: [rec('never')] }]);
    expect(ranges(acks(outcomes))).toEqual([[0, 1]]);
    expect(failure(outcomes)).toMatchObject({ status: 422, code: 'invalid' });
    expect(bodies(await readAll('s'))).toEqual(['a']);
  });

  it('rolls back a storage failure inside one input alone and keeps the inputs before it', async () => {
    const store = (kit.engine as unknown as { store: Store }).store;
    store.db.exec(`CREATE TEMP TRIGGER refuse_boom BEFORE INSERT ON records WHEN NEW.body = X'626f6f6d'
      BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    const outcomes = appendMany('s', [
      { records: [rec('a')] },
      { records: [rec('written then undone'), trim(1), rec('boom')] },
      { records: [rec('never')] },
    ]);
    expect(ranges(acks(outcomes))).toEqual([[0, 1]]);
    expect(failure(outcomes)).toMatchObject({ status: 500, code: 'storage' });
    expect(bodies(await readAll('s'))).toEqual(['a']);
    expect(kit.engine.checkTail(B, 's').seq_num).toBe(1);
    const next = kit.engine.appendMany(B, 's', [{ records: [rec('b')], match_seq_num: 1 }]);
    expect(ranges(acks(next))).toEqual([[1, 2]]);
    expect(bodies(await readAll('s'))).toEqual(['a', 'b']);
  });

  it('fails the first input with 404 when the stream is missing and may not be created', () => {
    kit.engine.reconfigureBasin(B, { create_stream_on_append: false });
    const outcomes = appendMany('absent', [{ records: [rec('a')] }, { records: [rec('b')] }]);
    expect(outcomes).toHaveLength(1);
    expect(failure(outcomes)?.code).toBe('stream_not_found');
  });

  it('answers an empty group with no outcomes and writes nothing', () => {
    expect(appendMany('s', [])).toEqual([]);
    expect(kit.engine.checkTail(B, 's').seq_num).toBe(0);
  });

  it('keeps every acknowledged input of a group, its fence and its trim, across a reopen', async () => {
    const outcomes = appendMany('s', [
      { records: [rec('a'), rec('b')] },
      { records: [fence('owner'), trim(1)], match_seq_num: 2 },
      { records: [rec('c')], fencing_token: 'owner' },
      { records: [rec('rejected')], fencing_token: 'intruder' },
    ]);
    expect(acks(outcomes)).toHaveLength(3);
    const engine = kit.reopen();
    expect(engine.checkTail(B, 's')).toEqual({ seq_num: 5, timestamp: kit.clock.ms });
    const records = await readAll('s');
    expect(seqNums(records)).toEqual([1, 2, 3, 4]);
    expect(bodies(records).filter((_, i) => i !== 2)).toEqual(['b', 'owner', 'c']);
    const error = failure(engine.appendMany(B, 's', [{ records: [rec('x')], fencing_token: 'intruder' }]));
    expect(error?.body).toEqual({ fencing_token_mismatch: 'owner' });
  });
});

describe('queueAppend', () => {
  it('commits appends queued in one turn together, then notifies once per stream with the final tail', async () => {
    const tails: StreamPosition[] = [];
    const unsubscribe = kit.engine.subscribe(B, 's', (tail) => tails.push(tail));
    const queue = (stream: string, input: AppendInput) =>
      kit.engine.queueAppend({ basin: B, stream, take: () => [input] });
    const results = await Promise.all([
      queue('s', { records: [rec('a')] }),
      queue('other', { records: [rec('x')] }),
      queue('s', { records: [rec('b'), rec('c')], match_seq_num: 1 }),
      queue('s', { records: [rec('d')], match_seq_num: 99 }),
      queue('s', { records: [rec('e')] }),
    ]);
    unsubscribe();
    expect(results.map((outcomes) => ranges(acks(outcomes)))).toEqual([
      [[0, 1]],
      [[0, 1]],
      [[1, 3]],
      [],
      [[3, 4]],
    ]);
    expect(failure(results[3] ?? [])?.body).toEqual({ seq_num_mismatch: 3 });
    expect(tails).toEqual([{ seq_num: 4, timestamp: kit.clock.ms }]);
    expect(bodies(await readAll('s'))).toEqual(['a', 'b', 'c', 'e']);
  });

  it('takes the inputs a writer holds when the group commits, not when it queued', async () => {
    const held: AppendInput[] = [{ records: [rec('queued')] }];
    const pending = kit.engine.queueAppend({ basin: B, stream: 's', take: () => held.splice(0) });
    held.push({ records: [rec('arrived later')] });
    expect(ranges(acks(await pending))).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('notifies followers only after the commit, with the records already readable', async () => {
    const seen: string[][] = [];
    const unsubscribe = kit.engine.subscribe(B, 's', (tail) => {
      seen.push(bodies(kit.engine.scan(B, 's', 0, { count: 10, bytes: 1 << 20 }).records));
      expect(kit.engine.checkTail(B, 's')).toEqual(tail);
    });
    await kit.engine.queueAppend({ basin: B, stream: 's', take: () => [{ records: [rec('a'), rec('b')] }] });
    unsubscribe();
    expect(seen).toEqual([['a', 'b']]);
  });

  it('answers 503 for appends still queued when the engine closes', async () => {
    const pending = kit.engine.queueAppend({ basin: B, stream: 's', take: () => [{ records: [rec('a')] }] });
    kit.engine.close();
    const outcomes = await pending;
    expect(failure(outcomes)?.status).toBe(503);
  });
});
