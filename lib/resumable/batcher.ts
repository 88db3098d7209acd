// Groups a generation's records into fenced, seq-matched batches on one S2 append session, acked in order.
import {
  type AppendAck,
  AppendInput,
  type AppendSession,
  MAX_APPEND_BYTES,
  MAX_APPEND_RECORDS,
} from '@s2-dev/streamstore';
import type { OutgoingRecord } from './protocol';

export interface AckedBatch {
  records: readonly OutgoingRecord[];
  ack: AppendAck;
}

export interface BatcherOptions {
  /** May still be opening: records queue meanwhile, so the upstream need not wait for the session. */
  session: AppendSession | Promise<AppendSession>;
  fencingToken: string;
  /** Seq num of the first record this batcher appends; every batch is conditioned on its own (R2). */
  matchSeqNum: number;
  batchSize: number;
  lingerMs: number;
  /** Every acknowledged batch, in stream order. */
  onAcked: (batch: AckedBatch) => void;
  /** The first failed submit or append; the batcher accepts nothing after it. */
  onFailed: (err: unknown) => void;
}

/**
 * Unacknowledged batches at a time. While the window is full, records gather into the next batch (up to
 * S2's 1,000 records or 1 MiB), so a fast upstream makes fewer, larger appends instead of a queue.
 */
export const MAX_INFLIGHT_BATCHES = 2;

/**
 * Not the SDK's Producer: it keeps a ticket and two promises per record (about 11 µs per event in the
 * benchmark's profiles), while a generation only needs per-batch acks. A batch is sent once it holds
 * `batchSize` records or its first record has waited `lingerMs`, as with the Producer; while
 * `MAX_INFLIGHT_BATCHES` are unacknowledged it keeps growing instead.
 */
export class AppendBatcher {
  private pending: OutgoingRecord[] = [];
  private pendingBytes = 0;
  private linger: ReturnType<typeof setTimeout> | undefined;
  private lingerDue = false;
  private flushWanted = false;
  private draining = false;
  private inflight = 0;
  private nextSeqNum: number;
  /** Submits run one after another, so batches reach S2 in order. */
  private submitted: Promise<void> = Promise.resolve();
  /** Acks are reported one after another, in the order of their batches. */
  private acked: Promise<void> = Promise.resolve();
  private lastAck: AppendAck | undefined;
  private failure: { error: unknown } | undefined;
  /** Woken by every ack and by a failure. */
  private listeners: Array<() => void> = [];

  private readonly session: Promise<AppendSession>;

  constructor(private readonly options: BatcherOptions) {
    this.nextSeqNum = options.matchSeqNum;
    this.session = Promise.resolve(options.session);
    // A session that cannot be opened fails the batcher at once, not at its first send.
    this.session.catch((err: unknown) => this.fail(err));
  }

  /** The seq num after the last acknowledged record: nothing at or after it is known to be ours yet. */
  get ackedEnd(): number {
    return this.lastAck?.end.seqNum ?? this.options.matchSeqNum;
  }

  /**
   * Queues a record. Returns a promise only when the batch being built is full and the window is too:
   * awaiting it carries S2's backpressure to the upstream (R10). `flushNow` sends as soon as the window
   * allows, e.g. a reply's first event, so the first token does not wait out a linger.
   */
  add(outgoing: OutgoingRecord, flushNow = false): Promise<void> | undefined {
    if (this.failure) throw this.failure.error;
    const { meteredBytes } = outgoing.record;
    const full =
      this.pending.length >= MAX_APPEND_RECORDS || this.pendingBytes + meteredBytes > MAX_APPEND_BYTES;
    if (full) {
      if (this.inflight >= MAX_INFLIGHT_BATCHES) {
        return this.until(() => this.inflight < MAX_INFLIGHT_BATCHES).then(() =>
          this.add(outgoing, flushNow),
        );
      }
      this.send();
    }
    this.pending.push(outgoing);
    this.pendingBytes += meteredBytes;
    if (flushNow) this.flushWanted = true;
    this.linger ??= setTimeout(() => {
      this.linger = undefined;
      this.lingerDue = true;
      this.maybeSend();
    }, this.options.lingerMs);
    this.maybeSend();
    return undefined;
  }

  /** Sends everything queued and waits until all of it is acknowledged; the last ack, if any. */
  async drain(): Promise<AppendAck | undefined> {
    this.draining = true;
    this.maybeSend();
    await this.until(() => this.inflight === 0 && this.pending.length === 0);
    await this.acked;
    return this.lastAck;
  }

  /** Drains, then closes the session. */
  async close(): Promise<AppendAck | undefined> {
    try {
      return await this.drain();
    } finally {
      clearTimeout(this.linger);
      const session = await this.session.catch(() => undefined);
      await session?.close();
    }
  }

  /** Resolves once `ready()` holds; rejects with the batcher's failure. */
  private async until(ready: () => boolean): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (ready()) return;
      await new Promise<void>((resolve) => this.listeners.push(resolve));
    }
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    clearTimeout(this.linger);
    this.options.onFailed(error);
    this.notify();
  }

  private maybeSend(): void {
    if (this.pending.length === 0 || this.failure || this.inflight >= MAX_INFLIGHT_BATCHES) return;
    if (
      this.draining ||
      this.flushWanted ||
      this.lingerDue ||
      this.pending.length >= this.options.batchSize
    ) {
      this.send();
    }
  }

  private send(): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    this.lingerDue = false;
    this.flushWanted = false;
    const records = this.pending;
    const input = AppendInput.create(
      records.map((outgoing) => outgoing.record),
      {
        fencingToken: this.options.fencingToken,
        matchSeqNum: this.nextSeqNum,
      },
    );
    this.nextSeqNum += records.length;
    this.pending = [];
    this.pendingBytes = 0;
    this.inflight++;
    this.submitted = this.submitted.then(async () => {
      if (this.failure) return;
      try {
        const session = await this.session;
        const ticket = await session.submit(input);
        const ack = ticket.ack();
        // A rejection is handled by the chain below; this keeps it from being reported as unhandled meanwhile.
        ack.catch(() => undefined);
        this.acked = this.acked.then(async () => {
          if (this.failure) return;
          try {
            const result = await ack;
            this.lastAck = result;
            this.inflight--;
            this.options.onAcked({ records, ack: result });
          } catch (err) {
            this.fail(err);
            return;
          }
          this.maybeSend();
          this.notify();
        });
      } catch (err) {
        this.fail(err);
      }
    });
  }
}
