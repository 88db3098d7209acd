// The generation writer: persists one generation's events in fenced, seq-matched batches (see batcher.ts).
import {
  type AppendAck,
  AppendInput,
  type AppendSession,
  FencingTokenMismatchError,
  MAX_APPEND_BYTES,
  type S2Stream,
} from '@s2-dev/streamstore';
import { type AckedBatch, AppendBatcher } from './batcher';
import type { Claimed } from './claim';
import type { ResolvedConfig } from './config';
import { RecordTooLargeError } from './errors';
import type { ResumableErrorEvent, ResumableEvent } from './events';
import {
  eventEncoder,
  heartbeatRecord,
  outgoing,
  parseToken,
  singleUseTrim,
  terminalRecords,
} from './protocol';
import { resendCheck } from './resend';
import { ABORTED, AbortableSteps, closeIterator, releaseSource } from './source';
import type { EventSource, EventSourceFactory, GenerationEndReason } from './types';
import { type ForeignFence, findForeignFence, SilenceWatch, watchForeignFences } from './watch';

export interface PersistRequest {
  stream: S2Stream;
  claim: Claimed;
  /** The append session the claim was acknowledged on, if any; otherwise the writer opens one. */
  session?: Promise<AppendSession>;
  source: EventSource | EventSourceFactory;
  config: ResolvedConfig;
  /** Resolves when a `stop()` in this process fenced the generation: a fast path beside the watch. */
  localFence: Promise<ForeignFence>;
  /** Called with each batch's ack, to keep the S2 clock estimate fresh. */
  onAck: (ack: AppendAck) => void;
  /** Every acknowledged batch in stream order, for readers in this process. */
  onAcked?: (batch: AckedBatch) => void;
}

export interface PersistOutcome {
  reason: GenerationEndReason;
  toSeqNum: number;
  error?: { type: string; message: string };
  /** The fence that ended the generation, when known. */
  terminalToken?: string;
  /** S2 could not be reached to close the generation; see `GenerationEnd.open`. */
  open?: true;
}

/** How long live readers get to read a finished single-use generation before it is trimmed. */
export const SINGLE_USE_TRIM_DELAY_MS = 1000;

/** Empties a finished single-use stream; conditioned on its terminal token so nothing newer is touched. */
export async function trimFinishedSingleUse(stream: S2Stream, terminalToken: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SINGLE_USE_TRIM_DELAY_MS));
  await stream.append(AppendInput.create([singleUseTrim()], { fencingToken: terminalToken }));
}

/** Ends a generation with one direct conditional append, for paths where no batcher runs. */
export async function endGenerationDirectly(
  stream: S2Stream,
  claim: Claimed,
  error: ResumableErrorEvent['error'],
): Promise<{ toSeqNum: number; terminalToken: string }> {
  const { records, terminalToken } = terminalRecords(claim.token, claim.fromSeqNum, {
    phase: 'error',
    event: { type: 'error', error },
  });
  const ack = await stream.append(AppendInput.create(records, { fencingToken: claim.token }));
  return { toSeqNum: ack.end.seqNum, terminalToken };
}

/** While the upstream is silent, one heartbeat per interval keeps the lease of a healthy writer (R7). */
function startHeartbeat(beat: () => void, intervalMs: number): { touch(): void; stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (!busy) beat();
    busy = false;
  }, intervalMs);
  return {
    touch: () => {
      busy = true;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * S2 refused a batch because the stream already holds this generation's terminal token: the terminal
 * batch landed on an earlier try that the SDK resent (resend.ts), even when reading it back failed.
 */
function endedByOwnFence(error: unknown, terminalToken: string | undefined): boolean {
  return error instanceof FencingTokenMismatchError && error.expectedFencingToken === terminalToken;
}

function fencedOutcome(fence: ForeignFence): PersistOutcome {
  const phase = parseToken(fence.token)?.phase;
  if (phase === 'stopped') {
    return { reason: 'stopped', toSeqNum: fence.seqNum + 1, terminalToken: fence.token };
  }
  // A new generation's fence is not part of ours; a stale close's error fence is.
  if (phase === 'active') return { reason: 'taken-over', toSeqNum: fence.seqNum };
  return { reason: 'taken-over', toSeqNum: fence.seqNum + 1, terminalToken: fence.token };
}

type PumpResult =
  | { kind: 'ended'; recordedError?: ResumableErrorEvent['error'] }
  | { kind: 'source-error'; error: unknown }
  | { kind: 'aborted' }
  | { kind: 'producer-error'; error: unknown };

type SourceIterator = AsyncIterator<ResumableEvent>;

/** Copies upstream events into the batcher; awaiting a sent batch carries S2 backpressure upstream (R10). */
async function drain(
  iterator: SourceIterator,
  token: string,
  batcher: AppendBatcher,
  signal: AbortSignal,
  touch: () => void,
): Promise<PumpResult> {
  let recordedError: ResumableErrorEvent['error'] | undefined;
  const steps = new AbortableSteps(iterator, signal);
  const encode = eventEncoder(token);
  let first = true;
  try {
    for (;;) {
      const step = await steps.next();
      if (step === ABORTED) return { kind: 'aborted' };
      if (step.done) return { kind: 'ended', recordedError };
      const encoded = encode(step.value);
      const { meteredBytes } = encoded.record;
      if (meteredBytes > MAX_APPEND_BYTES) {
        return { kind: 'source-error', error: new RecordTooLargeError(meteredBytes) };
      }
      if (step.value.type === 'error') recordedError = step.value.error;
      touch();
      try {
        // The first event goes out at once: a reply's first token should not wait out a linger.
        const sent = batcher.add(encoded, first);
        first = false;
        if (sent) await sent;
      } catch (error) {
        return { kind: 'producer-error', error };
      }
    }
  } catch (error) {
    return signal.aborted ? { kind: 'aborted' } : { kind: 'source-error', error };
  }
}

async function pump(
  request: PersistRequest,
  batcher: AppendBatcher,
  signal: AbortSignal,
  touch: () => void,
): Promise<PumpResult> {
  let iterator: SourceIterator;
  // A stop that landed before the writer began (e.g. during onStart) aborts the signal in a reaction queued
  // already: one turn of the microtask queue lets it run, so such a source is never started.
  await Promise.resolve();
  if (signal.aborted) {
    releaseSource(request.source);
    return { kind: 'aborted' };
  }
  try {
    const events = typeof request.source === 'function' ? await request.source(signal) : request.source;
    iterator = events[Symbol.asyncIterator]();
  } catch (error) {
    return signal.aborted ? { kind: 'aborted' } : { kind: 'source-error', error };
  }
  const result = await drain(iterator, request.claim.token, batcher, signal, touch);
  // Stop, takeover and failure all cancel the upstream: signal for factories, return() for iterators.
  if (result.kind !== 'ended') closeIterator(iterator);
  return result;
}

/** The outcome when the generation did not end by its own terminal fence: fenced out, or failed. */
async function settleUnfinished(
  request: PersistRequest,
  fence: ForeignFence | undefined,
  producerError: unknown,
  position: { ackedEnd: number; isOwn: (token: string) => boolean },
): Promise<PersistOutcome> {
  const { stream, claim, config } = request;
  if (fence) {
    // Only fencing mismatches are the expected face of a stop or takeover (R4); anything else is news.
    if (producerError !== undefined && !(producerError instanceof FencingTokenMismatchError)) {
      config.logger.warn('resumable: the writer failed after its generation was ended', producerError);
    }
    return fencedOutcome(fence);
  }
  if (producerError instanceof FencingTokenMismatchError) {
    // Fenced while events flowed: the fence lies after our last acknowledged record.
    const found = await findForeignFence(stream, position.ackedEnd, position.isOwn).catch(() => undefined);
    if (found) return fencedOutcome(found);
    const { tail } = await stream.checkTail().catch(() => ({ tail: { seqNum: claim.nextSeqNum } }));
    return fencedOutcome({ token: producerError.expectedFencingToken, seqNum: tail.seqNum - 1 });
  }
  config.logger.error('resumable: persisting the generation failed', producerError);
  const error = { type: 'api_error', message: config.errorMessage(producerError) };
  // Best effort, so readers and the next claim need not wait for the lease.
  const closing = await endGenerationDirectly(stream, claim, error).catch(() => undefined);
  // Left open (S2 unreachable): its end, and which events it holds, are known once the lease closes it.
  if (!closing) return { reason: 'error', error, toSeqNum: claim.nextSeqNum, open: true };
  return { reason: 'error', error, ...closing };
}

/**
 * Persists a claimed generation: upstream events, heartbeats while it is silent, then the terminal records,
 * all in batches that carry the generation's fencing token and consecutive `matchSeqNum`s (R2). A fence
 * written by anyone else (stop, takeover, stale close) aborts the upstream.
 */
export async function persistGeneration(request: PersistRequest): Promise<PersistOutcome> {
  const { stream, claim, config } = request;
  const controller = new AbortController();
  let terminalToken: string | undefined;
  const isOwn = (token: string) => token === claim.token || token === terminalToken;
  let foreign: ForeignFence | undefined;
  const onForeign = (fence: ForeignFence) => {
    foreign ??= fence;
    controller.abort();
  };
  void request.localFence.then(onForeign);
  let producerError: unknown;
  let batcher: AppendBatcher | undefined;
  let heartbeat: ReturnType<typeof startHeartbeat> | undefined;
  let silence: SilenceWatch | undefined;
  try {
    const appending = new AppendBatcher({
      // Opened while the upstream starts: the model's first token and the session are awaited side by side.
      session: request.session ?? stream.appendSession(),
      fencingToken: claim.token,
      matchSeqNum: claim.nextSeqNum,
      batchSize: config.batchSize,
      lingerMs: config.lingerDuration,
      onAcked: (batch) => {
        request.onAck(batch.ack);
        request.onAcked?.(batch);
      },
      // A failed append is known at once, even while the upstream is silent and nothing else is sent.
      onFailed: (err) => {
        producerError ??= err;
        controller.abort();
      },
      resend: resendCheck(stream, isOwn),
    });
    batcher = appending;
    silence = new SilenceWatch(
      () => watchForeignFences(stream, appending.ackedEnd, isOwn, config.logger),
      onForeign,
    );
    heartbeat = startHeartbeat(() => {
      try {
        appending.add(outgoing(heartbeatRecord(claim.token)), true)?.catch(() => undefined);
      } catch {
        // The batcher failed; the writer is already being stopped.
      }
    }, config.heartbeatIntervalMs);
    const { touch: beat } = heartbeat;
    const { touch: hush } = silence;
    const result = await pump(request, appending, controller.signal, () => {
      beat();
      hush();
    });
    heartbeat.stop();
    let ended: Omit<PersistOutcome, 'toSeqNum'> | undefined;
    if (result.kind === 'ended' || result.kind === 'source-error') {
      const error =
        result.kind === 'source-error'
          ? { type: 'api_error', message: config.errorMessage(result.error) }
          : result.recordedError;
      const terminal = terminalRecords(claim.token, claim.fromSeqNum, {
        phase: error ? 'error' : 'complete',
        // An error envelope the upstream yielded is already recorded; a thrown error is not (R6).
        event: result.kind === 'source-error' && error ? { type: 'error', error } : undefined,
      });
      terminalToken = terminal.terminalToken;
      try {
        for (const record of terminal.records) appending.add(outgoing(record));
        ended = { reason: error ? 'error' : 'complete', ...(error ? { error } : {}) };
      } catch (err) {
        producerError ??= err;
      }
    } else if (result.kind === 'producer-error') {
      producerError ??= result.error;
    }
    try {
      const last = await appending.close();
      if (ended && last) return { ...ended, toSeqNum: last.end.seqNum, terminalToken };
    } catch (err) {
      producerError ??= err;
    }
    // Only the terminal batch sets that token, at its own seq num, after every batch before it: all landed.
    if (ended && endedByOwnFence(producerError, terminalToken)) {
      return { ...ended, toSeqNum: appending.sentEnd, terminalToken };
    }
  } catch (err) {
    producerError ??= err;
  } finally {
    heartbeat?.stop();
    controller.abort();
    await silence?.stop();
  }
  return settleUnfinished(request, foreign, producerError, {
    ackedEnd: batcher?.ackedEnd ?? claim.nextSeqNum,
    isOwn,
  });
}
