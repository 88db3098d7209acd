// A reader's records from a cursor on: from the stream's hub in this process when it can, else its own S2 session.
import type { ReadRecord, S2Stream } from '@s2-dev/streamstore';
import type { HubReader, HubRegistry, StreamHub } from './hub';
import { decodeRecord, type ProtocolRecord } from './protocol';

export const FEED_CLOSED = Symbol('feed closed');

export interface FeedOptions {
  stream: S2Stream;
  streamName: string;
  hubs?: HubRegistry;
  startSeqNum: number;
  /** May this reader start a hub (and its shared session)? One-off reads of an idle stream do not. */
  createHub: boolean;
}

/**
 * Switches between the shared hub and a private S2 read session without losing or repeating a record:
 * a reader behind the hub's buffer reads S2 until it reaches the buffer, then joins the hub.
 */
export class RecordFeed {
  private position: number;
  private hub: StreamHub | undefined;
  private hubReader: HubReader | undefined;
  private own: ReadableStreamDefaultReader<ReadRecord<'string'>> | undefined;
  private closed = false;

  constructor(private readonly options: FeedOptions) {
    this.position = options.startSeqNum;
  }

  /** The next records, in order; `FEED_CLOSED` once closed or when S2 ended the session. */
  async next(): Promise<ProtocolRecord[] | typeof FEED_CLOSED> {
    for (;;) {
      if (this.closed) return FEED_CLOSED;
      if (!this.hubReader && !this.own) {
        this.join(this.options.createHub);
        if (!this.hubReader) await this.openOwn();
        continue;
      }
      if (this.hub && this.hubReader) {
        const result = await this.hub.read(this.hubReader);
        if (result === 'closed') return FEED_CLOSED;
        if (result === 'detached') {
          this.leaveHub();
          await this.openOwn();
          continue;
        }
        this.position = this.hubReader.position;
        return result;
      }
      const own = this.own as ReadableStreamDefaultReader<ReadRecord<'string'>>;
      const { done, value } = await own.read();
      if (done) return FEED_CLOSED;
      const record = decodeRecord(value);
      this.position = record.seqNum + 1;
      // Caught up with a hub: hand the private session back.
      if (this.join(false)) {
        this.own = undefined;
        void own.cancel().catch(() => undefined);
      }
      return [record];
    }
  }

  /** Ends a pending `next()` promptly. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.leaveHub();
    const own = this.own;
    this.own = undefined;
    void own?.cancel().catch(() => undefined);
  }

  private join(create: boolean): boolean {
    const { hubs, streamName } = this.options;
    if (!hubs) return false;
    const hub = create ? hubs.open(streamName) : hubs.find(streamName);
    const reader = hub?.attach(this.position);
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

  private async openOwn(): Promise<void> {
    const session = await this.options.stream.readSession({ start: { from: { seqNum: this.position } } });
    const reader = session.getReader();
    if (this.closed) {
      void reader.cancel().catch(() => undefined);
      return;
    }
    this.own = reader;
  }
}
