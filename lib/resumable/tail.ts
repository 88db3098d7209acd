// Follows a stream from a cursor and yields its event records until an end rule fires; closes stale generations.
import {
  AppendInput,
  FencingTokenMismatchError,
  type ReadRecord,
  type S2Stream,
  SeqNumMismatchError,
} from '@s2-dev/streamstore';
import { ReadSessionEndedError } from './errors';
import { INTERRUPTED_EVENT } from './events';
import { decodeRecord, isActiveToken, parseToken, terminalRecords } from './protocol';

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

export async function* tailEvents(request: TailRequest): AsyncGenerator<TailEvent, void, undefined> {
  const { stream, end, signal, leaseDurationMs } = request;
  if (signal.aborted || (end.kind === 'before' && request.startSeqNum >= end.seqNum)) return;
  const session = await stream.readSession({ start: { from: { seqNum: request.startSeqNum } } });
  const reader = session.getReader();
  // Cancelling the reader settles a pending read with `done`, so an abort never waits for the next record.
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  let active = request.activeToken;
  let nextSeqNum = request.startSeqNum;
  let quietSince = Date.now();
  let pending: Promise<ReadableStreamReadResult<ReadRecord<'string'>>> | undefined;
  try {
    for (;;) {
      if (signal.aborted) return;
      pending ??= reader.read();
      const result = active
        ? await raceQuiet(pending, leaseDurationMs - (Date.now() - quietSince))
        : await pending;
      if (result === QUIET) {
        if (active) await closeStaleGeneration(stream, active, nextSeqNum, request.logger);
        quietSince = Date.now();
        continue;
      }
      pending = undefined;
      if (result.done) {
        if (signal.aborted) return;
        throw new ReadSessionEndedError();
      }
      const record = decodeRecord(result.value);
      nextSeqNum = record.seqNum + 1;
      quietSince = Date.now();
      switch (record.kind) {
        case 'fence':
          active = isActiveToken(record.token) ? record.token : undefined;
          if (end.kind === 'generation' && record.seqNum > end.fromSeqNum) return;
          break;
        case 'event':
          if (record.token !== undefined && isActiveToken(record.token)) active = record.token;
          yield { seqNum: record.seqNum, eventType: record.eventType, body: record.body };
          break;
        case 'start':
        case 'heartbeat':
          active = record.token;
          break;
        case 'trim':
        case 'ignored':
          break;
        default:
          record satisfies never;
      }
      if (end.kind === 'before' && nextSeqNum >= end.seqNum) return;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Fire and forget: the SDK's cancel can wait on a read that only ends with the session, and awaiting it
    // here would keep the response from ever ending (R19, R20). The handle is closed by its owner.
    void reader.cancel().catch(() => undefined);
  }
}
