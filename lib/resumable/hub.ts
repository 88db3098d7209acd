// One in-process hub per stream: the records every reader here needs, fed by a local writer or one S2 session.
import type { S2Stream } from '@s2-dev/streamstore';
import type { AckedBatch } from './batcher';
import { HubSession } from './hub-session';
import { type ProtocolRecord, placed } from './protocol';
import { type StreamState, stateAfter } from './state';

/** What a hub tells a reader that found nothing to take. */
export interface HubListener {
  /** Records may be there now: take them. */
  wake(): void;
  /** The hub's S2 session failed; the reader ends, and its client resumes. */
  fail(err: unknown): void;
}

/** A reader's place in a hub. */
export interface HubReader {
  /** The next seq num this reader needs. */
  position: number;
  /** Closed by its owner: never woken again. */
  closed: boolean;
  /** Among the hub's waiters. */
  waiting: boolean;
  readonly listener: HubListener;
}

/** The generation a writer in this process is persisting to the hub's stream. */
export interface LocalGeneration {
  token: string;
  fromSeqNum: number;
  /** Seq num of the claim batch's first record (before `fromSeqNum` when it closed an abandoned generation). */
  claimStart: number;
  /**
   * Its terminal fence is acknowledged: the generation is over, though its writer may still be closing its
   * append session (`endLocal` comes a round trip or more later).
   */
  ended?: true;
}

export interface HubDeps {
  /** Opens the S2 handle the hub's shared read session runs on. */
  open: () => S2Stream;
  /** Closes a handle in the background. */
  release: (stream: S2Stream) => void;
  /** The instance is closing: no new read sessions. */
  shutdown: AbortSignal;
  logger: Pick<Console, 'warn'>;
}

/**
 * Records kept behind the slowest reader (or the local generation's start): a reader further behind
 * leaves the hub and reads S2 on its own until it catches up.
 */
export const MAX_RETAINED_RECORDS = 16_384;
/** Dropped records are only compacted away in chunks, so trimming stays cheap per batch. */
const COMPACT_AFTER = 1024;

/** Records, or why there are none: the reader left the hub, or must read S2 itself. `undefined`: none yet. */
type TakeResult = ProtocolRecord[] | 'detached' | 'closed' | undefined;

const defer: (task: () => void) => void =
  typeof setImmediate === 'function' ? (task) => void setImmediate(task) : queueMicrotask;

/**
 * Serves every reader in this process from one buffer of consecutive records. While a writer here persists
 * a generation, its acknowledged batches are the feed: readers get exactly what S2 stored, with no read
 * round trip. Otherwise one S2 read session per stream feeds all of them. Records are only ever
 * acknowledged ones, so every cursor a reader hands out is durable (R11).
 */
export class StreamHub {
  private buffer: ProtocolRecord[] = [];
  private head = 0;
  private startSeq = 0;
  private anchored = false;
  /** The record at `next - 1`, once the hub has taken one since it anchored (it outlives the buffer's trims). */
  private last: ProtocolRecord | undefined;
  /** The state a reader's plan read from S2 at the tail where the hub stands, while it has taken no record. */
  private known: StreamState | undefined;
  private readonly readers = new Set<HubReader>();
  /** Readers that found nothing: woken (not awaited) so an idle reader holds no promise or frame. */
  private waiters: HubReader[] = [];
  private wakeScheduled = false;
  private local: LocalGeneration | undefined;
  /** Writer batches that arrived ahead of the buffer while the session catches up to the claim. */
  private readonly parked = new Map<number, ProtocolRecord[]>();
  private session: HubSession | undefined;
  private stream: S2Stream | undefined;
  private disposed = false;

  constructor(
    private readonly deps: HubDeps,
    private readonly onIdle: (hub: StreamHub) => void,
  ) {}

  /** The seq num after the last buffered record. */
  get next(): number {
    return this.startSeq + this.buffer.length - this.head;
  }

  get localGeneration(): LocalGeneration | undefined {
    return this.local;
  }

  /** True when a reader at `position` can be served from here without a gap. */
  covers(position: number): boolean {
    return !this.disposed && this.anchored && position >= this.startSeq && position <= this.next;
  }

  /**
   * The stream's state a moment ago, as a read of its last record would have found it: after the last record
   * the hub's S2 session delivered, once that session reported it had reached the stream's tail. Anything
   * appended since is on its way to the hub. `undefined` when the hub cannot tell: no session (a local
   * writer feeds it, or nobody waits), still catching up, or anchored past 0 where no reader knew the state.
   */
  followedState(): StreamState | undefined {
    // Not caught up, or delivered by the SDK but not yet taken by the hub: the hub cannot tell.
    if (this.disposed || !this.session?.caughtUpAt(this.next)) return undefined;
    if (this.last?.seqNum === this.next - 1) return stateAfter(this.last);
    if (this.known?.tail === this.next) return this.known;
    return this.next === 0 ? { kind: 'idle', tail: 0 } : undefined;
  }

  /**
   * A new reader at `position`, or `undefined` when the hub cannot serve it (it then reads S2 itself).
   * `known`: the stream's state at the tail, read from S2 by the reader's plan; the record before that tail
   * never changes, so it stays true for as long as the hub stands there.
   */
  attach(position: number, listener: HubListener, known?: StreamState): HubReader | undefined {
    if (this.disposed) return undefined;
    if (!this.anchored && !this.local && !this.session) this.anchorAt(position);
    if (!this.covers(position)) return undefined;
    if (known?.tail === this.next && this.last === undefined) this.known = known;
    const reader: HubReader = { position, closed: false, waiting: false, listener };
    this.readers.add(reader);
    return reader;
  }

  detach(reader: HubReader): void {
    if (reader.closed) return;
    reader.closed = true;
    this.readers.delete(reader);
    this.maybeIdle();
  }

  /**
   * The records after the reader's position. With none yet, the reader waits: its listener's `wake()` runs
   * once there may be some, or its `fail()` if the hub's session fails.
   */
  take(reader: HubReader): TakeResult {
    if (reader.closed) return 'closed';
    if (reader.position < this.startSeq || this.disposed || !this.readers.has(reader)) return 'detached';
    if (reader.position < this.next) {
      const records = this.buffer.slice(this.head + reader.position - this.startSeq);
      reader.position = this.next;
      return records;
    }
    // Only a reader that has to wait needs a feed: one that ends at its generation's fence never does.
    this.ensureSession();
    if (!reader.waiting) {
      reader.waiting = true;
      this.waiters.push(reader);
    }
    return undefined;
  }

  /** A writer here claimed the stream: from now on its acknowledged batches feed the hub. */
  beginLocal(generation: LocalGeneration, claimRecords: ProtocolRecord[]): void {
    this.local = generation;
    // Without a session to fill a gap, a buffer that does not end at the claim cannot be continued.
    if (!this.anchored || (!this.session && this.next !== generation.claimStart)) {
      this.resetAt(generation.claimStart);
    }
    this.accept(claimRecords, 'local');
  }

  pushAcked(batch: AckedBatch): void {
    if (!this.local || this.disposed) return;
    const first = batch.ack.start.seqNum;
    const timestamp = batch.ack.end.timestamp;
    const records = batch.records.map((record, index) => placed(record, first + index, timestamp));
    // The writer's only fence after its claim is its terminal one: from its ack on, replays must not plan
    // against the generation (see `localPlan`), even before the writer has closed its session.
    if (records.some((record) => record.kind === 'fence')) this.local.ended = true;
    this.accept(records, 'local');
  }

  /** The writer is done (or failed): whatever it did not publish, readers get from S2. */
  endLocal(): void {
    this.local = undefined;
    this.parked.clear();
    // After the wake of the last batch: readers that end at its terminal fence are gone by then, and only
    // readers still waiting (live tails, or a generation fenced by someone else) need a session.
    defer(() => {
      if (this.waiters.some((reader) => !reader.closed)) this.ensureSession();
      else this.maybeIdle();
    });
  }

  private anchorAt(seqNum: number): void {
    this.anchored = true;
    this.startSeq = seqNum;
    this.buffer = [];
    this.head = 0;
    this.last = undefined;
    this.known = undefined;
  }

  /** Starts over at `seqNum`; readers that needed anything before it read S2 on their own. */
  private resetAt(seqNum: number): void {
    this.anchorAt(seqNum);
    this.parked.clear();
    this.wake();
  }

  private accept(records: ProtocolRecord[], from: 'local' | 'session'): void {
    const first = records[0];
    if (!first || this.disposed) return;
    if (!this.anchored) this.anchorAt(first.seqNum);
    if (first.seqNum > this.next) {
      if (from === 'local') {
        this.parked.set(first.seqNum, records);
        return;
      }
      // S2 skipped records (trimmed meanwhile): continue after the gap, as a reader of S2 would.
      this.resetAt(first.seqNum);
    }
    const skip = this.next - first.seqNum;
    if (skip >= records.length) return;
    for (let i = skip; i < records.length; i++) this.buffer.push(records[i] as ProtocolRecord);
    this.last = records[records.length - 1];
    this.unpark();
    if (this.local && this.session && this.next >= this.local.claimStart) this.stopSession();
    this.trim();
    this.scheduleWake();
  }

  private unpark(): void {
    for (const [seqNum, records] of this.parked) {
      if (seqNum > this.next) continue;
      this.parked.delete(seqNum);
      const skip = this.next - seqNum;
      for (let i = skip; i < records.length; i++) this.buffer.push(records[i] as ProtocolRecord);
      if (skip < records.length) this.last = records[records.length - 1];
      this.unpark();
      return;
    }
  }

  private trim(): void {
    if (this.next - this.startSeq <= COMPACT_AFTER) return;
    let keepFrom = this.local ? Math.min(this.local.claimStart, this.next) : this.next;
    for (const reader of this.readers) keepFrom = Math.min(keepFrom, reader.position);
    keepFrom = Math.max(keepFrom, this.next - MAX_RETAINED_RECORDS, this.startSeq);
    if (keepFrom - this.startSeq < COMPACT_AFTER) return;
    this.head += keepFrom - this.startSeq;
    this.startSeq = keepFrom;
    this.buffer = this.buffer.slice(this.head);
    this.head = 0;
  }

  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    // Records of one network read arrive one by one: readers wake once for all of them.
    defer(() => {
      this.wakeScheduled = false;
      this.wake();
    });
  }

  /** Wakes every waiting reader once; one that takes nothing again waits again. */
  private wake(): void {
    for (const reader of this.takeWaiters()) this.tell(reader, () => reader.listener.wake());
  }

  private fail(err: unknown): void {
    for (const reader of this.takeWaiters()) this.tell(reader, () => reader.listener.fail(err));
  }

  /**
   * A reader's listener runs its response's code; one that throws must not keep the others from being
   * woken (a wake runs from a timer, where a throw would end the process). It fails alone.
   */
  private tell(reader: HubReader, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.deps.logger.warn('resumable: a reader failed', err);
      this.detach(reader);
    }
  }

  private takeWaiters(): HubReader[] {
    const waiters = this.waiters;
    this.waiters = [];
    for (const reader of waiters) reader.waiting = false;
    return waiters.filter((reader) => !reader.closed);
  }

  private ensureSession(): void {
    if (this.session || this.disposed || this.deps.shutdown.aborted || this.readers.size === 0) return;
    if (this.local && this.next >= this.local.claimStart) return;
    this.stream ??= this.deps.open();
    const session = new HubSession(this.stream, this.next, {
      record: (record) => this.accept([record], 'session'),
      failed: (err) => {
        // Waiting readers fail (their clients resume); the next read starts a new session from `next`.
        if (this.session === session) this.session = undefined;
        this.fail(err);
      },
    });
    this.session = session;
  }

  private stopSession(): void {
    this.session?.cancel();
    this.session = undefined;
  }

  private maybeIdle(): void {
    if (this.disposed || this.readers.size > 0 || this.local) return;
    this.disposed = true;
    this.stopSession();
    this.buffer = [];
    this.parked.clear();
    this.onIdle(this);
    const stream = this.stream;
    this.stream = undefined;
    if (stream) this.deps.release(stream);
  }
}
