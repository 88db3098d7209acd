// The record log's write side: group commit of appends, one transaction (one fsync) and a savepoint per input.

import type { AppendJob, CheckedInput } from './append-job';
import type { Command } from './append-validation';
import { encodeHeaders } from './header-codec';
import type { Store } from './store';
import { type StreamState, tailOf } from './stream-state';
import type { TailNotifier } from './tail-notifier';
import { type AppendAck, type AppendOutcome, type AppendRecord, S2ApiError } from './types';

const EMPTY = Buffer.alloc(0);

function asBuffer(bytes: Uint8Array | undefined): Buffer {
  if (bytes === undefined || bytes.length === 0) return EMPTY;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function storageError(error: unknown): S2ApiError {
  return new S2ApiError(500, 'storage', `append failed: ${(error as Error).message}`);
}

interface NextState {
  fencingToken: string;
  trimPoint: number;
}

/** What one job achieved inside the open transaction; turned into outcomes only after the commit. */
interface Staged {
  acks: AppendAck[];
  error?: S2ApiError;
}

type WriteInput = (
  draft: StreamState,
  records: readonly AppendRecord[],
  timestamps: readonly number[],
  next: NextState,
) => void;

export class AppendWriter {
  private readonly writeInput: WriteInput;
  private readonly writeGroup: (
    jobs: readonly AppendJob[],
    drafts: Map<StreamState, StreamState>,
    staged: readonly Staged[],
  ) => void;

  constructor(
    private readonly store: Store,
    private readonly notifier: TailNotifier,
    private readonly now: () => number,
  ) {
    const sql = this.store.sql;
    // Always called inside writeGroup, so better-sqlite3 runs it as a SAVEPOINT: a storage failure
    // mid-input undoes that input alone.
    this.writeInput = this.store.db.transaction((draft, records, timestamps, next) => {
      const start = draft.nextSeqNum;
      for (let i = 0; i < records.length; i++) {
        const record = records[i] as AppendRecord;
        sql.insertRecord.run(
          draft.id,
          start + i,
          timestamps[i] as number,
          encodeHeaders(record.headers),
          asBuffer(record.body),
        );
      }
      if (next.trimPoint > draft.trimPoint) sql.deleteRecordsBelow.run(draft.id, next.trimPoint);
      const last = timestamps[timestamps.length - 1] as number;
      sql.updateStreamState.run(start + records.length, last, next.fencingToken, next.trimPoint, draft.id);
    });
    this.writeGroup = this.store.db.transaction((jobs, drafts, staged) => {
      for (let j = 0; j < jobs.length; j++) {
        const job = jobs[j] as AppendJob;
        if (job.state === null) continue;
        let draft = drafts.get(job.state);
        if (draft === undefined) {
          draft = { ...job.state };
          drafts.set(job.state, draft);
        }
        const out = staged[j] as Staged;
        for (const item of job.checked) {
          try {
            out.acks.push(this.applyInput(draft, item));
          } catch (error) {
            if (!(error instanceof S2ApiError)) throw error;
            out.error = error;
            break;
          }
        }
      }
    });
  }

  /**
   * Applies every job in one transaction. Each input is checked against the state the inputs before it
   * (of any job on the same stream) left; a failing input writes nothing and ends its own job only.
   * Cached stream state, tail notifications and the returned acks all come after the commit; if the
   * commit fails, nothing is applied and every job that reached the log fails with a 500.
   */
  commit(jobs: readonly AppendJob[]): AppendOutcome[][] {
    const drafts = new Map<StreamState, StreamState>();
    const staged: Staged[] = jobs.map(() => ({ acks: [] }));
    try {
      this.writeGroup(jobs, drafts, staged);
    } catch (error) {
      const failure = storageError(error);
      return jobs.map((job) => {
        if (job.state !== null) return [{ ok: false, error: failure }];
        return job.stopError ? [{ ok: false, error: job.stopError }] : [];
      });
    }
    for (const [state, draft] of drafts) {
      if (draft.nextSeqNum === state.nextSeqNum) continue;
      state.nextSeqNum = draft.nextSeqNum;
      state.lastTimestamp = draft.lastTimestamp;
      state.fencingToken = draft.fencingToken;
      state.trimPoint = draft.trimPoint;
      this.notifier.notify(state.key, tailOf(state));
    }
    return jobs.map((job, j) => {
      const { acks, error } = staged[j] as Staged;
      const outcomes: AppendOutcome[] = acks.map((ack) => ({ ok: true, ack }));
      const failure = error ?? job.stopError;
      if (failure) outcomes.push({ ok: false, error: failure });
      return outcomes;
    });
  }

  /**
   * One input inside the open transaction: fencing (412) → match_seq_num (412) → timestamps (422) →
   * commands → its savepoint → advance the draft. The checks run before any SQL, so a rejected input
   * leaves nothing behind.
   */
  private applyInput(draft: StreamState, { input, commands }: CheckedInput): AppendAck {
    const token = input.fencing_token;
    if (token !== undefined && token !== null && token !== draft.fencingToken) {
      throw new S2ApiError(412, 'fencing_token_mismatch', 'fencing token mismatch', {
        fencing_token_mismatch: draft.fencingToken,
      });
    }
    const match = input.match_seq_num;
    if (match !== undefined && match !== null && match !== draft.nextSeqNum) {
      throw new S2ApiError(412, 'seq_num_mismatch', 'sequence number mismatch', {
        seq_num_mismatch: draft.nextSeqNum,
      });
    }
    const timestamps = this.assignTimestamps(draft, input.records);
    const next = applyCommands(draft, commands);
    try {
      this.writeInput(draft, input.records, timestamps, next);
    } catch (error) {
      // SQLite may roll back the whole transaction on some errors (disk full, I/O): then the group fails.
      if (!this.store.db.inTransaction) throw error;
      throw storageError(error);
    }
    const start = { seq_num: draft.nextSeqNum, timestamp: timestamps[0] as number };
    draft.nextSeqNum += input.records.length;
    draft.lastTimestamp = timestamps[timestamps.length - 1] as number;
    draft.fencingToken = next.fencingToken;
    draft.trimPoint = next.trimPoint;
    const tail = tailOf(draft);
    return { start, end: { ...tail }, tail };
  }

  /** S2 §6: pick per mode, cap at arrival unless uncapped, then never below the previous timestamp. */
  private assignTimestamps(state: StreamState, records: readonly AppendRecord[]): number[] {
    const now = this.now();
    const { mode, uncapped } = state.config.timestamping;
    const timestamps: number[] = new Array(records.length);
    let previous = state.lastTimestamp;
    for (let i = 0; i < records.length; i++) {
      const client = (records[i] as AppendRecord).timestamp;
      let ts: number;
      switch (mode) {
        case 'arrival':
          ts = now;
          break;
        case 'client-prefer':
          ts = client ?? now;
          break;
        case 'client-require':
          if (client === undefined || client === null) {
            throw new S2ApiError(422, 'invalid', 'record timestamp was required but was missing');
          }
          ts = client;
          break;
      }
      if (!uncapped && ts > now) ts = now;
      if (ts < previous) ts = previous;
      timestamps[i] = ts;
      previous = ts;
    }
    return timestamps;
  }
}

/** S2 §4.5: fences in order (last wins); trim point = max(old, min(payload, trim_seq + 1)). */
function applyCommands(state: StreamState, commands: ReadonlyMap<number, Command>): NextState {
  let fencingToken = state.fencingToken;
  let trimPoint = state.trimPoint;
  for (const [index, command] of commands) {
    switch (command.op) {
      case 'fence':
        fencingToken = command.token;
        break;
      case 'trim': {
        const ceiling = state.nextSeqNum + index + 1;
        const point = command.seqNum < BigInt(ceiling) ? Number(command.seqNum) : ceiling;
        trimPoint = Math.max(trimPoint, point);
        break;
      }
    }
  }
  return { fencingToken, trimPoint };
}
