// Follows a stream from a cursor and yields its event records until an end rule fires; closes stale generations.
import {
  AppendInput,
  FencingTokenMismatchError,
  type S2Stream,
  SeqNumMismatchError,
} from '@s2-dev/streamstore';
import { ReadSessionEndedError } from './errors';
import { INTERRUPTED_EVENT } from './events';
import { type FeedListener, type FeedSource, RecordFeed } from './feed';
import { isActiveToken, type ProtocolRecord, parseToken, terminalRecords } from './protocol';
import type { TailReader } from './sse';

/** Where a tail stops. */
export type TailEnd =
  /** Never: follow every generation until aborted. */
  | { kind: 'live' }
  /** Before this seq num: the stream was idle when the replay began (non-live). */
  | { kind: 'before'; seqNum: number }
  /** At the first fence after the opening fence at `fromSeqNum`: that generation's end or a takeover. */
  | { kind: 'generation'; fromSeqNum: number };

export interface TailRequest extends FeedSource {
  end: TailEnd;
  /** The generation open at the reading position when the tail starts, if known. */
  activeToken?: string;
  leaseDurationMs: number;
  logger: Pick<Console, 'warn'>;
}

export interface TailEvent {
  readonly seqNum: number;
  readonly eventType: string;
  /** The stored event JSON, verbatim. */
  readonly body: string;
}

/** Where a tail's events go: each `request()` is answered by exactly one call, unless the tail was stopped. */
export interface TailSink {
  /** A non-empty batch of events, in stream order. */
  events(events: TailEvent[]): void;
  /** The end rule fired (after its last events, if any). */
  end(): void;
  failed(err: unknown): void;
}

/**
 * Ends a generation whose writer went silent for a whole lease, so no reader waits forever (R7, R16).
 * Conditioned on the holder's token and on the seq num this reader saw last: if anything was written
 * meanwhile the append fails harmlessly, and of several readers only one succeeds.
 */
export async function closeStaleGeneration(
  stream: S2Stream,
  token: string,
  matchSeqNum: number,
  logger: Pick<Console, 'warn'>,
): Promise<void> {
  const parsed = parseToken(token);
  if (!parsed) return;
  const { records } = terminalRecords(token, parsed.fromSeqNum, { phase: 'error', event: INTERRUPTED_EVENT });
  try {
    await stream.append(AppendInput.create(records, { fencingToken: token, matchSeqNum }));
  } catch (err) {
    if (err instanceof FencingTokenMismatchError || err instanceof SeqNumMismatchError) return;
    logger.warn('resumable: closing a stale generation failed', err);
  }
}

/** Where a tail is in the stream, and the generation open there. */
interface TailState {
  active: string | undefined;
  nextSeqNum: number;
}

/**
 * Applies one record to the tail's state, adding its event (if it has one) to `events`; true when the tail
 * ends here. An event is the hub's record itself, shared by every reader: nothing is allocated per reader.
 */
function step(record: ProtocolRecord, end: TailEnd, state: TailState, events: TailEvent[]): boolean {
  if (end.kind === 'before' && record.seqNum >= end.seqNum) return true;
  state.nextSeqNum = record.seqNum + 1;
  switch (record.kind) {
    case 'fence':
      state.active = isActiveToken(record.token) ? record.token : undefined;
      if (end.kind === 'generation' && record.seqNum > end.fromSeqNum) return true;
      break;
    case 'event':
      // A generation's events all carry its token: parse it only when it changes.
      if (record.token !== undefined && record.token !== state.active && isActiveToken(record.token)) {
        state.active = record.token;
      }
      events.push(record);
      break;
    case 'start':
    case 'heartbeat':
      state.active = record.token;
      break;
    case 'trim':
    case 'ignored':
      break;
    default:
      record satisfies never;
  }
  return end.kind === 'before' && state.nextSeqNum >= end.seqNum;
}

const UNOPENED: TailSink = {
  events: () => undefined,
  end: () => undefined,
  failed: () => undefined,
};

/**
 * The stream's events from a cursor, in batches, until the end rule fires or `stop()`. Pull-driven (one batch
 * per request, so a slow client is never sent more than it reads) but not promise-driven: a tail that waits
 * for records holds no pending promise or suspended frame, which is most of what an idle live tab costs.
 */
export class Tail implements FeedListener, TailReader {
  private readonly feed: RecordFeed;
  private sink: TailSink = UNOPENED;
  private readonly state: TailState;
  private requested = false;
  private stopped = false;
  /** When the tail last got records (or closed a stale generation): a lease of quiet after it, it acts. */
  private quietSince = Date.now();
  private quietTimer: ReturnType<typeof setTimeout> | undefined;
  private closingStale = false;

  constructor(private readonly tail: TailRequest) {
    this.state = { active: tail.activeToken, nextSeqNum: tail.startSeqNum };
    this.feed = new RecordFeed(tail, tail.end.kind !== 'before', this);
  }

  /** Where the answers go; before this, requests are not answered. */
  open(sink: TailSink): void {
    this.sink = sink;
  }

  /** Asks for the next batch of events. */
  request(): void {
    if (this.stopped) return;
    const { end, startSeqNum } = this.tail;
    if (end.kind === 'before' && startSeqNum >= end.seqNum) {
      this.finish(() => this.sink.end());
      return;
    }
    this.requested = true;
    this.feed.request();
    this.watchQuiet();
  }

  /** Ends the tail now: no sink call follows. The handle is closed by its owner. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.requested = false;
    clearTimeout(this.quietTimer);
    // Fire and forget: the SDK's cancel can wait on a read that only ends with the session (R19, R20).
    this.feed.close();
  }

  records(records: ProtocolRecord[]): void {
    if (this.stopped) return;
    this.quietSince = Date.now();
    const events: TailEvent[] = [];
    for (const record of records) {
      if (step(record, this.tail.end, this.state, events)) {
        this.finish(() => {
          if (events.length > 0) this.sink.events(events);
          this.sink.end();
        });
        return;
      }
    }
    if (events.length === 0) {
      // Only fences or heartbeats: keep reading for this request.
      this.feed.request();
      this.watchQuiet();
      return;
    }
    this.requested = false;
    this.sink.events(events);
  }

  ended(): void {
    this.finish(() => this.sink.failed(new ReadSessionEndedError()));
  }

  failed(err: unknown): void {
    this.finish(() => this.sink.failed(err));
  }

  private finish(report: () => void): void {
    if (this.stopped) return;
    this.stop();
    report();
  }

  /**
   * While a request waits on an open generation, its writer must show signs of life within a lease; a timer
   * checks once the lease since the last records is up (records meanwhile only move the deadline).
   */
  private watchQuiet(): void {
    if (!this.requested || this.stopped || !this.state.active || this.quietTimer !== undefined) return;
    const wait = this.tail.leaseDurationMs - (Date.now() - this.quietSince);
    this.quietTimer = setTimeout(() => this.onQuiet(), Math.max(0, wait));
  }

  private onQuiet(): void {
    this.quietTimer = undefined;
    if (!this.requested || this.stopped || this.closingStale) return;
    const token = this.state.active;
    if (!token) return;
    if (Date.now() - this.quietSince < this.tail.leaseDurationMs) {
      this.watchQuiet();
      return;
    }
    this.closingStale = true;
    void closeStaleGeneration(
      this.tail.handle.stream,
      token,
      this.state.nextSeqNum,
      this.tail.logger,
    ).finally(() => {
      this.closingStale = false;
      this.quietSince = Date.now();
      this.watchQuiet();
    });
  }
}
