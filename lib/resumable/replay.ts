// Read paths: which records a replay serves, from which cursor, until when, and with which status.
import { InvalidCursorError } from './errors';
import { decodeRecord } from './protocol';
import { sseResponse } from './sse';
import { readStreamState, type StreamState } from './state';
import type { StreamContext } from './stream-context';
import { Tail, type TailEnd } from './tail';
import type { ReplayOptions } from './types';

const NO_STORE = { 'Cache-Control': 'no-store' } as const satisfies Record<string, string>;

export function errorResponse(status: number, type: string, message: string): Response {
  return Response.json({ error: { type, message } }, { status, headers: NO_STORE });
}

export function noContent(): Response {
  return new Response(null, { status: 204, headers: NO_STORE });
}

export interface EventStreamPlan {
  startSeqNum: number;
  end: TailEnd;
  activeToken?: string;
  /** The stream's state at `startSeqNum`, read from S2 there (the tail): the hub keeps it for later readers. */
  known?: StreamState;
  signal?: AbortSignal;
}

/** The SSE response over a tail; it owns the context's stream handle from here on. */
export function eventStreamResponse(context: StreamContext, plan: EventStreamPlan): Response {
  const { config } = context;
  // A tail served by the hub never touches its own handle; one that must read S2 opens it again.
  context.park();
  const tail = new Tail({
    handle: context,
    streamName: context.streamName,
    hubs: context.hubs,
    startSeqNum: plan.startSeqNum,
    end: plan.end,
    activeToken: plan.activeToken,
    known: plan.known,
    leaseDurationMs: config.leaseDurationMs,
    logger: config.logger,
  });
  return sseResponse({
    tail,
    responses: context.responses,
    signal: plan.signal,
    logger: config.logger,
    owner: context,
  });
}

function assertCursor(cursor: number | undefined): void {
  if (cursor !== undefined && !(Number.isSafeInteger(cursor) && cursor >= 0)) {
    throw new InvalidCursorError(cursor);
  }
}

/**
 * A generation persisted by this process is served from its hub with no S2 round trip, when the cursor
 * (or, without one, the generation's start) is in the hub's buffer: the same records a read of S2 returns.
 * Once its terminal fence is acknowledged the stream is idle, as a read of S2 would find it, while the writer
 * still closes: a read that ends (204 at the fence, or the events before it) and a live read without a cursor
 * (which starts at the tail) are S2's to plan; only a live cursor is still served here, with no generation open.
 */
function localPlan(context: StreamContext, options: ReplayOptions): EventStreamPlan | undefined {
  const hub = context.hubs.find(context.streamName);
  const local = hub?.localGeneration;
  if (!hub || !local) return undefined;
  const live = options.live === true;
  if (local.ended && !(live && options.fromSeqNum !== undefined)) return undefined;
  const startSeqNum = options.fromSeqNum ?? local.fromSeqNum;
  if (startSeqNum < local.fromSeqNum || !hub.covers(startSeqNum)) return undefined;
  return {
    startSeqNum,
    end: live ? { kind: 'live' } : { kind: 'generation', fromSeqNum: local.fromSeqNum },
    activeToken: local.ended ? undefined : local.token,
    signal: options.signal,
  };
}

/**
 * A live reader with a cursor on a stream this process already follows (another tab, a reload, a
 * reconnect) is planned from the hub's state of a moment ago instead of a read of the stream's last record:
 * a cursor the hub has reached was neither past the tail (416) nor trimmed (410) then, and whatever was
 * appended since, the live tail receives. A cursor beyond what the hub has seen is S2's to judge. Reads
 * that end (not live) always ask S2: they must see every generation acknowledged before them, from any
 * instance; so must a live read without a cursor, which starts at the generation active now.
 */
function followedPlan(context: StreamContext, options: ReplayOptions): EventStreamPlan | undefined {
  const { fromSeqNum } = options;
  if (options.live !== true || fromSeqNum === undefined) return undefined;
  const hub = context.hubs.find(context.streamName);
  const state = hub?.followedState();
  if (!hub || !state || !hub.covers(fromSeqNum)) return undefined;
  return {
    startSeqNum: fromSeqNum,
    end: { kind: 'live' },
    activeToken: state.kind === 'active' ? state.token : undefined,
    signal: options.signal,
  };
}

/**
 * Status rules (R12–R15): 416 past the tail; 410 when records after the cursor were trimmed away;
 * 204 only when nothing after the cursor will ever be delivered (not live, no active generation, no event
 * records left); otherwise 200 SSE. Without a cursor the active generation is replayed from its start.
 */
export async function replayResponse(context: StreamContext, options: ReplayOptions): Promise<Response> {
  assertCursor(options.fromSeqNum);
  const { stream } = context;
  let handedOver = false;
  try {
    const planned = localPlan(context, options) ?? followedPlan(context, options);
    if (planned) {
      handedOver = true;
      return eventStreamResponse(context, planned);
    }
    const state = await readStreamState(stream);
    const live = options.live === true;
    if (options.fromSeqNum !== undefined && options.fromSeqNum > state.tail) {
      return errorResponse(416, 'cursor_out_of_range', 'The cursor is past the end of the stream.');
    }
    const startSeqNum = options.fromSeqNum ?? (state.kind === 'active' ? state.fromSeqNum : state.tail);
    let end: TailEnd;
    if (live) {
      end = { kind: 'live' };
      // A live tail may start before the first generation; it needs a stream to follow.
      if (state.kind === 'idle' && state.missing) await context.createStream();
    } else if (state.kind === 'active') end = { kind: 'generation', fromSeqNum: state.fromSeqNum };
    else end = { kind: 'before', seqNum: state.tail };
    if (startSeqNum < state.tail) {
      // One record shows whether the cursor was trimmed away; a few more whether any event is left.
      const span = Math.min(state.tail - startSeqNum, end.kind === 'before' ? 16 : 1);
      const peek = await stream.read({
        start: { from: { seqNum: startSeqNum } },
        stop: { limits: { count: span } },
      });
      const first = peek.records[0];
      if (!first || first.seqNum > startSeqNum) {
        return errorResponse(410, 'cursor_trimmed', 'The records after this cursor are no longer stored.');
      }
      const last = peek.records[peek.records.length - 1];
      const coversTail = last !== undefined && last.seqNum + 1 >= state.tail;
      const hasEvents = peek.records.some((record) => decodeRecord(record).kind === 'event');
      // Only fences or heartbeats remain (e.g. a cursor just before a terminal fence): nothing to deliver.
      if (end.kind === 'before' && coversTail && !hasEvents) return noContent();
    } else if (end.kind === 'before') {
      return noContent();
    }
    handedOver = true;
    return eventStreamResponse(context, {
      startSeqNum,
      end,
      activeToken: state.kind === 'active' ? state.token : undefined,
      // A stream that was missing exists now, and is empty: the hub knows that state without it.
      known: startSeqNum === state.tail && !(state.kind === 'idle' && state.missing) ? state : undefined,
      signal: options.signal,
    });
  } finally {
    if (!handedOver) context.release();
  }
}
