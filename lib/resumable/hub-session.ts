// The S2 read session a stream's hub follows when no writer in this process feeds it.
import type { ReadRecord, ReadSession, S2Stream } from '@s2-dev/streamstore';
import { ReadSessionEndedError } from './errors';
import { decodeRecord, type ProtocolRecord } from './protocol';

/** Where a followed session's records go, and its failure. */
export interface HubSessionSink {
  record(record: ProtocolRecord): void;
  /** The session failed or S2 ended it; never called after `cancel()`. */
  failed(err: unknown): void;
}

/** Reads a stream from `from` on, one record at a time, into its sink until cancelled or failed. */
export class HubSession {
  private cancelled = false;
  /** The SDK's session: it knows whether it has delivered everything up to the tail S2 last reported. */
  private records: ReadSession<'string'> | undefined;
  private reader: ReadableStreamDefaultReader<ReadRecord<'string'>> | undefined;

  constructor(stream: S2Stream, from: number, sink: HubSessionSink) {
    void this.follow(stream, from, sink);
  }

  /**
   * True once the SDK has delivered everything up to the tail S2 last reported, and the sink has taken all
   * of it: the next record it would deliver is `next`.
   */
  caughtUpAt(next: number): boolean {
    const records = this.records;
    return records?.isCaughtUp() === true && records.nextReadPosition()?.seqNum === next;
  }

  cancel(): void {
    this.cancelled = true;
    void this.reader?.cancel().catch(() => undefined);
  }

  private async follow(stream: S2Stream, from: number, sink: HubSessionSink): Promise<void> {
    try {
      const records = await stream.readSession({ start: { from: { seqNum: from } } });
      this.records = records;
      this.reader = records.getReader();
      if (this.cancelled) return;
      for (;;) {
        const { done, value } = await this.reader.read();
        if (this.cancelled) return;
        if (done) throw new ReadSessionEndedError();
        sink.record(decodeRecord(value));
      }
    } catch (err) {
      if (!this.cancelled) sink.failed(err);
    } finally {
      void this.reader?.cancel().catch(() => undefined);
    }
  }
}
