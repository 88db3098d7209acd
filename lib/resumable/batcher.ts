// Groups a generation's records into fenced, seq-matched batches on one S2 append session, acked in order.
import {
  type AppendAck,
  AppendInput,
  type AppendSession,
  MAX_APPEND_BYTES,
  MAX_APPEND_RECORDS,
} from '@s2-dev/streamstore';
import type { OutgoingRecord } from './protocol';
import type { ResendCheck } from './resend';

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
  /** Tells a batch the SDK resent after it had landed from a conflict; without it, such a batch fails. */
  resend?: ResendCheck;
}

/** A sent batch, until it is acknowledged. */
interface Batch {
  records: OutgoingRecord[];
  input: AppendInput;
  seqNum: number;
  /** The session it was last submitted on. */
  session: Promise<AppendSession>;
  /** Replaced when the batch is found to have landed, or is submitted again on a new session. */
  ack: Promise<AppendAck>;
}

const ignore = () => undefined;

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
  /** Sent and not yet acknowledged, oldest first: at most `MAX_INFLIGHT_BATCHES`. */
  private unacked: Batch[] = [];
  private nextSeqNum: number;
  /** Submits run one after another, so batches reach S2 in order. */
  private submitted: Promise<void> = Promise.resolve();
  /** Batches are settled one after another, so acks are reported in the order of their batches. */
  private acked: Promise<void> = Promise.resolve();
  private lastAck: AppendAck | undefined;
  private failure: { error: unknown } | undefined;
  /** Woken by every ack and by a failure. */
  private listeners: Array<() => void> = [];

  /** Replaced after a failed append that turned out to be a resend: the SDK's session ends at its first failure. */
  private session: Promise<AppendSession>;

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

  /** The seq num after the last record sent: where the generation's records end once all of them landed. */
  get sentEnd(): number {
    return this.nextSeqNum;
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
      if (this.unacked.length >= MAX_INFLIGHT_BATCHES) {
        return this.until(() => this.unacked.length < MAX_INFLIGHT_BATCHES).then(() =>
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
    await this.until(() => this.unacked.length === 0 && this.pending.length === 0);
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
    if (this.pending.length === 0 || this.failure || this.unacked.length >= MAX_INFLIGHT_BATCHES) return;
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
    const batch: Batch = { records, input, seqNum: this.nextSeqNum, ...this.submit(input) };
    this.nextSeqNum += records.length;
    this.pending = [];
    this.pendingBytes = 0;
    this.unacked.push(batch);
    this.acked = this.acked.then(() => this.settle(batch));
  }

  /** Submits on the current session after every earlier submit, so batches reach S2 in order. */
  private submit(input: AppendInput): Pick<Batch, 'session' | 'ack'> {
    const session = this.session;
    const ticket = this.submitted.then(async () => {
      if (this.failure) throw this.failure.error;
      return (await session).submit(input);
    });
    this.submitted = ticket.then(ignore, ignore);
    const ack = ticket.then((sent) => sent.ack());
    // A rejection is handled when the batch settles; this keeps it from being reported as unhandled meanwhile.
    ack.catch(ignore);
    return { session, ack };
  }

  private async settle(batch: Batch): Promise<void> {
    let result: AppendAck | undefined;
    while (result === undefined) {
      if (this.failure) return;
      try {
        result = await batch.ack;
      } catch (err) {
        if (this.failure) return;
        // Recovered, the batch has the ack that was read back; otherwise today's failure (or takeover).
        if (!(await this.recover(batch, err))) {
          this.fail(err);
          return;
        }
      }
    }
    if (this.failure) return;
    this.lastAck = result;
    this.unacked.shift();
    try {
      this.options.onAcked({ records: batch.records, ack: result });
    } catch (err) {
      this.fail(err);
      return;
    }
    this.maybeSend();
    this.notify();
  }

  /**
   * `batch`, the oldest unacknowledged one, failed with `error`: true if it had landed after all (a resend
   * of a batch whose ack was lost, see resend.ts), with the ack read back. The batches sent behind it on
   * the same session failed with it, whatever became of them: each one that landed too gets its ack the
   * same way, the rest go out again, in order, on a new session, before anything newer can be sent (the
   * window is still full). Their seq nums keep a batch from landing twice.
   */
  private async recover(batch: Batch, error: unknown): Promise<boolean> {
    const { resend } = this.options;
    if (!resend?.mayHaveLanded(error)) return false;
    const landedAt = (sent: Batch) => resend.landedAt(sent.seqNum, sent.input.records).catch(ignore);
    const landed = await landedAt(batch);
    if (!landed || this.failure) return false;
    batch.ack = Promise.resolve(landed);
    const failed = batch.session;
    this.session = resend.reopen();
    // A session that cannot be opened fails the batches sent on it, when they settle.
    this.session.catch(ignore);
    void failed.then((session) => session.close()).catch(ignore);
    let resending = false;
    for (const later of this.unacked.filter((sent) => sent !== batch && sent.session === failed)) {
      const found = resending ? undefined : await landedAt(later);
      if (found) {
        later.ack = Promise.resolve(found);
        later.session = this.session;
      } else {
        resending = true;
        Object.assign(later, this.submit(later.input));
      }
    }
    return true;
  }
}
