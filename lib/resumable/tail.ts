// Follows a stream from a cursor and yields its event records until an end rule fires; closes stale generations.
import {
  AppendInput,
  FencingTokenMismatchError,
  type S2Stream,
  SeqNumMismatchError,
} from '@s2-dev/streamstore';
import { ReadSessionEndedError } from './errors';
import { INTERRUPTED_EVENT } from './events';
import { FEED_CLOSED, RecordFeed } from './feed';
import type { HubRegistry } from './hub';
import { isActiveToken, type ProtocolRecord, parseToken, terminalRecords } from './protocol';

/** Where a tail stops. */
export type TailEnd =
  /** Never: follow every generation until aborted. */
  | { kind: 'live' }
  /** Before this seq num: the stream was idle when the replay began (non-live). */
  | { kind: 'before'; seqNum: number }
  /** At the first fence after the opening fence at `fromSeqNum`: that generation's end or a takeover. */
  | { kind: 'generation'; fromSeqNum: number };

export interface TailRequest {
  stream: S2Stream;
  streamName: string;
  /** Readers in this process share one hub per stream; without it every tail reads S2 on its own. */
  hubs?: HubRegistry;
  startSeqNum: number;
  end: TailEnd;
  /** The generation open at the reading position when the tail starts, if known. */
  activeToken?: string;
  leaseDurationMs: number;
  signal: AbortSignal;
  logger: Pick<Console, 'warn'>;
}

export interface TailEvent {
  seqNum: number;
  eventType: string;
  /** The stored event JSON, verbatim. */
  body: string;
}

const QUIET = Symbol('quiet');

function raceQuiet<T>(promise: Promise<T>, ms: number): Promise<T | typeof QUIET> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const quiet = new Promise<typeof QUIET>((resolve) => {
    timer = setTimeout(() => resolve(QUIET), Math.max(0, ms));
  });
  return Promise.race([promise, quiet]).finally(() => clearTimeout(timer));
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

/** Applies one record to the tail's state: its event, if it has one, and whether the tail ends here. */
function step(record: ProtocolRecord, end: TailEnd, state: TailState): { event?: TailEvent; done: boolean } {
  if (end.kind === 'before' && record.seqNum >= end.seqNum) return { done: true };
  state.nextSeqNum = record.seqNum + 1;
  let event: TailEvent | undefined;
  switch (record.kind) {
    case 'fence':
      state.active = isActiveToken(record.token) ? record.token : undefined;
      if (end.kind === 'generation' && record.seqNum > end.fromSeqNum) return { done: true };
      break;
    case 'event':
      if (record.token !== undefined && isActiveToken(record.token)) state.active = record.token;
      event = { seqNum: record.seqNum, eventType: record.eventType, body: record.body };
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
  return { event, done: end.kind === 'before' && state.nextSeqNum >= end.seqNum };
}

/** The stream's events from a cursor, in batches, until the end rule fires or the signal aborts. */
export async function* tailEvents(request: TailRequest): AsyncGenerator<TailEvent[], void, undefined> {
  const { end, signal, leaseDurationMs } = request;
  if (signal.aborted || (end.kind === 'before' && request.startSeqNum >= end.seqNum)) return;
  const feed = new RecordFeed({
    stream: request.stream,
    streamName: request.streamName,
    hubs: request.hubs,
    startSeqNum: request.startSeqNum,
    createHub: end.kind !== 'before',
  });
  // Closing the feed settles a pending read, so an abort never waits for the next record.
  const onAbort = () => feed.close();
  signal.addEventListener('abort', onAbort, { once: true });
  const state: TailState = { active: request.activeToken, nextSeqNum: request.startSeqNum };
  let quietSince = Date.now();
  let pending: Promise<ProtocolRecord[] | typeof FEED_CLOSED> | undefined;
  try {
    for (;;) {
      if (signal.aborted) return;
      pending ??= feed.next();
      const result = state.active
        ? await raceQuiet(pending, leaseDurationMs - (Date.now() - quietSince))
        : await pending;
      if (result === QUIET) {
        if (state.active) {
          await closeStaleGeneration(request.stream, state.active, state.nextSeqNum, request.logger);
        }
        quietSince = Date.now();
        continue;
      }
      pending = undefined;
      if (result === FEED_CLOSED) {
        if (signal.aborted) return;
        throw new ReadSessionEndedError();
      }
      quietSince = Date.now();
      const events: TailEvent[] = [];
      for (const record of result) {
        const { event, done } = step(record, end, state);
        if (event) events.push(event);
        if (done) {
          if (events.length > 0) yield events;
          return;
        }
      }
      if (events.length > 0) yield events;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Fire and forget: the SDK's cancel can wait on a read that only ends with the session, and awaiting it
    // here would keep the response from ever ending (R19, R20). The handle is closed by its owner.
    feed.close();
  }
}
