// Claiming a stream for a new generation, per mode: at most one writer, lease takeover, self-conflict safe.
import {
  type AppendAck,
  AppendInput,
  AppendRecord,
  FencingTokenMismatchError,
  type S2Stream,
  SeqNumMismatchError,
} from '@s2-dev/streamstore';
import { INTERRUPTED_EVENT } from './events';
import type { KnownEnd } from './known-ends';
import { decodeRecord, eventRecord, makeToken, parseToken, startRecord } from './protocol';
import { isMissingStream, leaseExpired, readStreamState, type StreamState } from './state';
import type { ResumableMode } from './types';

export interface ClaimRequest {
  mode: ResumableMode;
  turnId: string;
  /** Only an explicit turnId from the caller may join an existing generation. */
  joinable: boolean;
  leaseDurationMs: number;
  /** S2's current time, for lease judgements. */
  now: () => number;
  /** Called with every append ack, to keep the S2 clock estimate fresh. */
  onAck: (ack: AppendAck) => void;
  /** Creates the stream when the basin does not create streams on append. */
  createStream: () => Promise<void>;
  /** How this process last ended a generation on the stream: lets the claim skip reading it first. */
  knownEnd?: KnownEnd;
  /** The caller expects an empty or missing stream: claim it at seq num 0 without reading it first. */
  newStream?: boolean;
  /** Sends the claim's conditional append (see claim-session.ts). Default: the SDK's unary append. */
  append?: (input: AppendInput) => Promise<AppendAck>;
}

export interface Claimed {
  kind: 'claimed';
  token: string;
  fromSeqNum: number;
  /** The writer's first `matchSeqNum`: the claim ack's end (R2). */
  nextSeqNum: number;
  tookOver?: { fromSeqNum: number };
  /** The claim batch as appended from `startSeqNum`, so readers in this process need not read it back. */
  appended: { startSeqNum: number; records: readonly AppendRecord[] };
}

export interface Busy {
  kind: 'busy';
  /** Present when the stream's current or last generation has the caller's turnId (R23). */
  join?: { fromSeqNum: number; token: string; active: boolean };
}

interface Plan {
  token: string;
  fromSeqNum: number;
  records: AppendRecord[];
  matchSeqNum: number;
  fencingToken?: string;
  tookOver?: { fromSeqNum: number };
}

function planSingleUse(turnId: string): Plan {
  const token = makeToken('active', 0);
  return {
    token,
    fromSeqNum: 0,
    matchSeqNum: 0,
    records: [AppendRecord.fence(token), startRecord(token, turnId)],
  };
}

/** `undefined` while a live generation holds the stream. */
function planReuse(
  mode: ResumableMode,
  state: StreamState,
  turnId: string,
  stale: boolean,
): Plan | undefined {
  if (state.kind === 'active' && !stale) return undefined;
  // Readers of an abandoned generation get a terminal event before the new fence ends their tail (R8).
  const prefix = state.kind === 'active' ? [eventRecord(state.token, INTERRUPTED_EVENT)] : [];
  const fromSeqNum = state.tail + prefix.length;
  const token = makeToken('active', fromSeqNum);
  const trim = mode === 'shared' && state.tail > 0 ? [AppendRecord.trim(state.tail)] : [];
  return {
    token,
    fromSeqNum,
    matchSeqNum: state.tail,
    fencingToken: state.token,
    records: [...prefix, AppendRecord.fence(token), ...trim, startRecord(token, turnId)],
    tookOver: state.kind === 'active' ? { fromSeqNum: state.fromSeqNum } : undefined,
  };
}

function claimed(plan: Plan, ack?: AppendAck): Claimed {
  return {
    kind: 'claimed',
    token: plan.token,
    fromSeqNum: plan.fromSeqNum,
    nextSeqNum: ack?.end.seqNum ?? plan.matchSeqNum + plan.records.length,
    tookOver: plan.tookOver,
    appended: { startSeqNum: plan.matchSeqNum, records: plan.records },
  };
}

/** The generation a retry with `turnId` should join: the active one, or the last one if it has ended. */
async function findJoin(
  stream: S2Stream,
  state: StreamState,
  turnId: string,
  stale: boolean,
): Promise<Busy['join']> {
  let generation: { fromSeqNum: number; token: string; active: boolean } | undefined;
  if (state.kind === 'active') {
    // An abandoned generation is taken over rather than joined, even by its own retry.
    if (stale) return undefined;
    generation = { fromSeqNum: state.fromSeqNum, token: state.token, active: true };
  } else if (state.token !== undefined) {
    const parsed = parseToken(state.token);
    if (parsed) generation = { fromSeqNum: parsed.fromSeqNum, token: state.token, active: false };
  }
  if (!generation) return undefined;
  const batch = await stream.read({
    start: { from: { seqNum: generation.fromSeqNum } },
    stop: { limits: { count: 4 } },
  });
  const start = batch.records.map(decodeRecord).find((r) => r.kind === 'start');
  return start?.kind === 'start' && start.turnId === turnId ? generation : undefined;
}

function isConditionFailure(err: unknown): err is FencingTokenMismatchError | SeqNumMismatchError {
  return err instanceof FencingTokenMismatchError || err instanceof SeqNumMismatchError;
}

/**
 * One conditional append opens the generation: `[interrupted event?] fence(gen-…) [trim?] start`.
 * The condition (`matchSeqNum` = the tail we judged, plus the current fencing token) makes the judgement
 * atomic, so concurrent claims yield exactly one winner (R1).
 */
export async function claimGeneration(stream: S2Stream, request: ClaimRequest): Promise<Claimed | Busy> {
  const { mode, turnId } = request;
  const stale = (state: StreamState) =>
    state.kind === 'active' && leaseExpired(state.lastRecordAt, request.leaseDurationMs, request.now());
  let state: StreamState | undefined;
  const known = request.knownEnd;
  if (known && known.turnId !== turnId) {
    // One round trip instead of two or three: conditioned on this tail and token, the append only lands if
    // nothing changed since our own generation ended there, and that generation answered another turn.
    state = { kind: 'idle', tail: known.tail, token: known.token };
  } else if (request.newStream) {
    // Claimed at 0 at once: an empty stream has no generation to join, a missing one is created on append
    // (or below), and a stream with records fails the append, which then reads the stream and joins below.
    state = { kind: 'idle', tail: 0 };
  } else if (request.joinable) {
    state = await readStreamState(stream);
    const join = await findJoin(stream, state, turnId, stale(state));
    if (join) return { kind: 'busy', join };
  }
  const append = request.append ?? ((input: AppendInput) => stream.append(input));
  let createdStream = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (mode !== 'single-use') state ??= await readStreamState(stream);
    if (state?.kind === 'idle' && state.missing && !createdStream) {
      // Known to be missing (a basin without create-on-append): create it, rather than append, fail, create.
      createdStream = true;
      await request.createStream();
    }
    const plan =
      state && mode !== 'single-use' ? planReuse(mode, state, turnId, stale(state)) : planSingleUse(turnId);
    if (!plan) return { kind: 'busy' };
    try {
      const input = AppendInput.create(plan.records, {
        matchSeqNum: plan.matchSeqNum,
        fencingToken: plan.fencingToken,
      });
      const ack = await append(input);
      request.onAck(ack);
      return claimed(plan, ack);
    } catch (err) {
      if (isMissingStream(err) && !createdStream) {
        createdStream = true;
        await request.createStream();
        continue;
      }
      if (!isConditionFailure(err)) throw err;
      // A retried append whose first attempt landed conflicts with itself (R3): our token is the holder.
      if (err instanceof FencingTokenMismatchError && err.expectedFencingToken === plan.token) {
        return claimed(plan);
      }
      state = await readStreamState(stream);
      if (state.kind === 'active' && state.token === plan.token) return claimed(plan);
      if (request.joinable) {
        // The winner may be this turn's own original request, racing its retry: join it (R23).
        const join = await findJoin(stream, state, turnId, stale(state));
        if (join) return { kind: 'busy', join };
      }
      if (mode === 'single-use') return { kind: 'busy' };
    }
  }
  return { kind: 'busy' };
}
