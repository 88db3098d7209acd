// A reader's records from a cursor on: from the stream's hub in this process when it can, else its own S2 session.
import type { ReadRecord, S2Stream } from '@s2-dev/streamstore';
import type { HubListener, HubReader, StreamHub } from './hub';
import type { HubRegistry } from './hub-registry';
import { decodeRecord, type ProtocolRecord } from './protocol';
import type { StreamState } from './state';

/** Where a feed reads from. */
export interface FeedSource {
  /** Holds the handle for a private read session; opened only if the hub cannot serve this reader. */
  handle: { readonly stream: S2Stream };
  streamName: string;
  /** Readers in this process share one hub per stream; without it every reader reads S2 on its own. */
  hubs?: HubRegistry;
  startSeqNum: number;
  /** The stream's state at `startSeqNum` as the reader's plan read it from S2, when it started at the tail. */
  known?: StreamState;
}

/** Where a feed's records go: each `request()` is answered by exactly one call, unless the feed is closed. */
export interface FeedListener {
  records(records: ProtocolRecord[]): void;
  /** S2 ended the private read session. */
  ended(): void;
  failed(err: unknown): void;
}

type OwnReader = ReadableStreamDefaultReader<ReadRecord<'string'>>;
type OwnStep = ReadableStreamReadResult<ReadRecord<'string'>>;

/** Records one answer from a private session carries at most. */
export const MAX_RECORDS_PER_ANSWER = 256;
const NOT_READY_MARK: unique symbol = Symbol('not ready');
const NOT_READY: Promise<typeof NOT_READY_MARK> = Promise.resolve(NOT_READY_MARK);

/**
 * Switches between the shared hub and a private S2 read session without losing or repeating a record:
 * a reader behind the hub's buffer reads S2 until it reaches the buffer, then joins the hub. Waiting on the
 * hub holds no promise: the hub wakes the feed, so an idle live reader costs a few small objects.
 */
export class RecordFeed implements HubListener {
  private position: number;
  private hub: StreamHub | undefined;
  private hubReader: HubReader | undefined;
  private own: OwnReader | undefined;
  /** A read of the private session begun for an earlier answer and not yet settled (or not yet reported). */
  private pendingRead: Promise<OwnStep> | undefined;
  /** A request is waiting for its answer. */
  private wanted = false;
  /** A private read is in flight. */
  private reading = false;
  private closed = false;

  /** `createHub`: may this reader start a hub (and its shared session)? One-off reads of an idle stream do not. */
  constructor(
    private readonly source: FeedSource,
    private readonly createHub: boolean,
    private readonly listener: FeedListener,
  ) {
    this.position = source.startSeqNum;
  }

  /** Asks for the next records, in order; answered once through the listener. */
  request(): void {
    if (this.closed) return;
    this.wanted = true;
    this.serve();
  }

  /** No answer comes after this, and the private session (if any) is cancelled. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.leaveHub();
    const own = this.own;
    this.own = undefined;
    this.pendingRead = undefined;
    void own?.cancel().catch(() => undefined);
  }

  /** The hub may have records for this reader. */
  wake(): void {
    this.serve();
  }

  /** The hub's session failed. */
  fail(err: unknown): void {
    this.answer(() => this.listener.failed(err));
  }

  private serve(): void {
    if (this.closed || !this.wanted || this.reading) return;
    if (!this.hubReader && !this.own) this.join(this.createHub);
    const { hub, hubReader } = this;
    if (hub && hubReader) {
      const result = hub.take(hubReader);
      // Nothing yet: the hub wakes this feed.
      if (result === undefined || result === 'closed') return;
      if (result !== 'detached') {
        this.position = hubReader.position;
        this.answer(() => this.listener.records(result));
        return;
      }
      // Behind the hub's buffer: read S2 until caught up.
      this.leaveHub();
    }
    void this.readOwn();
  }

  /** Clears the request before answering it: the listener may ask again from inside its callback. */
  private answer(deliver: () => void): void {
    if (this.closed || !this.wanted) return;
    this.wanted = false;
    deliver();
  }

  /**
   * The next records from the private session, which is opened first if needed: it waits for one, then
   * takes those the SDK already holds (up to `MAX_RECORDS_PER_ANSWER`) without waiting for more, so a
   * replay of stored records is answered in batches rather than one event per chunk.
   */
  private async readOwn(): Promise<void> {
    this.reading = true;
    let outcome: { records: ProtocolRecord[] } | { ended: true } | { error: unknown };
    try {
      let own = this.own;
      if (!own) {
        const session = await this.source.handle.stream.readSession({
          start: { from: { seqNum: this.position } },
        });
        own = session.getReader();
        if (this.closed) {
          void own.cancel().catch(() => undefined);
          return;
        }
        this.own = own;
      }
      outcome = await this.takeOwn(own);
    } catch (err) {
      outcome = { error: err };
    } finally {
      this.reading = false;
    }
    if ('records' in outcome) {
      const { records } = outcome;
      this.answer(() => this.listener.records(records));
    } else if ('ended' in outcome) this.answer(() => this.listener.ended());
    else {
      const { error } = outcome;
      this.answer(() => this.listener.failed(error));
    }
  }

  private async takeOwn(own: OwnReader): Promise<{ records: ProtocolRecord[] } | { ended: true }> {
    const records: ProtocolRecord[] = [];
    let read = this.nextRead(own);
    let step = await read;
    for (;;) {
      if (step.done) {
        if (records.length === 0) return { ended: true };
        // The end is told at the next request, after these records.
        this.pendingRead = read;
        break;
      }
      const record = decodeRecord(step.value);
      this.position = record.seqNum + 1;
      records.push(record);
      // Caught up with a hub: hand the private session back.
      if (!this.closed && this.join(false)) {
        this.own = undefined;
        void own.cancel().catch(() => undefined);
        break;
      }
      if (records.length >= MAX_RECORDS_PER_ANSWER) break;
      read = this.nextRead(own);
      // A read the SDK can answer from what it holds is already settled, and wins the race.
      const next = await Promise.race([read, NOT_READY]).catch((): typeof NOT_READY_MARK => NOT_READY_MARK);
      if (next === NOT_READY_MARK) {
        // Kept for the next request: a failure it brings is reported then, after these records.
        this.pendingRead = read;
        break;
      }
      step = next;
    }
    return { records };
  }

  /** The read left pending by the last answer, or a new one. */
  private nextRead(own: OwnReader): Promise<OwnStep> {
    const read = this.pendingRead ?? own.read();
    this.pendingRead = undefined;
    return read;
  }

  private join(create: boolean): boolean {
    const { hubs, streamName } = this.source;
    if (!hubs) return false;
    const hub = create ? hubs.open(streamName) : hubs.find(streamName);
    const reader = hub?.attach(this.position, this, this.source.known);
    if (!hub || !reader) return false;
    this.hub = hub;
    this.hubReader = reader;
    return true;
  }

  private leaveHub(): void {
    if (this.hub && this.hubReader) this.hub.detach(this.hubReader);
    this.hub = undefined;
    this.hubReader = undefined;
  }
}
