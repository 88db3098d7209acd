// Reads one generation back from S2: its events, its turn id and how it ended, for reconciling a transcript.
import { RangeNotSatisfiableError, type S2Stream } from '@s2-dev/streamstore';
import { INTERRUPTED_ERROR_TYPE, type ResumableEvent, STOPPED_ERROR_TYPE } from './events';
import { decodeRecord, parseToken } from './protocol';
import { isMissingStream, leaseExpired } from './state';

export type GenerationEnding = 'complete' | 'stopped' | 'error' | 'interrupted';

export interface GenerationReport {
  fromSeqNum: number;
  /** `missing`: nothing was written at this cursor; `abandoned`: still open but silent for a whole lease. */
  state: 'active' | 'abandoned' | 'ended' | 'missing';
  ending?: GenerationEnding;
  /** The seq num just after the generation's terminal fence, once it has ended. */
  toSeqNum?: number;
  turnId?: string;
  /** The generation's events, in order, as they were persisted. */
  events: ResumableEvent[];
  /** The opening token and the next seq num, so an abandoned generation can be closed conditionally. */
  token?: string;
  nextSeqNum: number;
}

const PAGE = 1000;

function endingOf(
  fenceToken: string,
  openingToken: string,
  lastEvent: ResumableEvent | undefined,
): GenerationEnding {
  const parsed = parseToken(fenceToken);
  const own = parsed !== undefined && parsed.fromSeqNum === parseToken(openingToken)?.fromSeqNum;
  // A fence from anyone else (a takeover) cut the generation short.
  if (!own || parsed.phase === 'active') return 'interrupted';
  if (parsed.phase === 'complete') return 'complete';
  if (parsed.phase === 'stopped') return 'stopped';
  if (lastEvent?.type === 'error' && lastEvent.error.type === INTERRUPTED_ERROR_TYPE) return 'interrupted';
  if (lastEvent?.type === 'error' && lastEvent.error.type === STOPPED_ERROR_TYPE) return 'stopped';
  return 'error';
}

/** Reads the generation that opened at `fromSeqNum`, up to its terminal fence or the stream's tail. */
export async function readGenerationRecords(
  stream: S2Stream,
  fromSeqNum: number,
  lease: { leaseDurationMs: number; now: number },
): Promise<GenerationReport> {
  const report: GenerationReport = { fromSeqNum, state: 'missing', events: [], nextSeqNum: fromSeqNum };
  let opening: string | undefined;
  let lastRecordAt: Date | undefined;
  let cursor = fromSeqNum;
  for (;;) {
    let records: Awaited<ReturnType<S2Stream['read']>>['records'];
    let tail: Awaited<ReturnType<S2Stream['read']>>['tail'];
    try {
      ({ records, tail } = await stream.read({
        start: { from: { seqNum: cursor }, clamp: true },
        stop: { limits: { count: PAGE } },
      }));
    } catch (err) {
      // A read that starts exactly at the tail is answered 416: there is nothing (more) to read.
      if (isMissingStream(err) || err instanceof RangeNotSatisfiableError) break;
      throw err;
    }
    for (const raw of records) {
      const record = decodeRecord(raw);
      report.nextSeqNum = record.seqNum + 1;
      if (opening === undefined) {
        // The generation opens with its fence at `fromSeqNum`; anything else there is not a generation start.
        if (record.kind !== 'fence' || parseToken(record.token)?.fromSeqNum !== fromSeqNum) return report;
        opening = record.token;
        report.token = opening;
        report.state = 'active';
        lastRecordAt = record.timestamp;
        continue;
      }
      if (record.kind === 'fence') {
        report.state = 'ended';
        report.ending = endingOf(record.token, opening, report.events.at(-1));
        report.toSeqNum = record.seqNum + 1;
        return report;
      }
      if ('token' in record && record.token !== undefined && record.token !== opening) continue;
      lastRecordAt = record.timestamp;
      if (record.kind === 'start') report.turnId = record.turnId;
      if (record.kind === 'event') report.events.push(JSON.parse(record.body) as ResumableEvent);
    }
    // A page ends at 1,000 records or 1 MiB, whichever comes first: fewer records than asked for means the
    // tail only when S2 says so (or nothing came back); otherwise a page of large events stopped early.
    if (records.length === 0 || (tail !== undefined && report.nextSeqNum >= tail.seqNum)) break;
    cursor = report.nextSeqNum;
  }
  if (
    report.state === 'active' &&
    lastRecordAt &&
    leaseExpired(lastRecordAt, lease.leaseDurationMs, lease.now)
  ) {
    report.state = 'abandoned';
  }
  return report;
}
