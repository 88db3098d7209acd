// createResumableChat: claim a stream, persist a generation to S2, and serve it as resumable SSE.
import {
  AppendInput,
  type AppendSession,
  FencingTokenMismatchError,
  S2,
  S2Error,
  type S2Stream,
} from '@s2-dev/streamstore';
import { type Claimed, claimGeneration } from './claim';
import { ClaimSession } from './claim-session';
import { S2Clock } from './clock';
import { resolveConfig } from './config';
import { ResumableClosedError } from './errors';
import { STOPPED_EVENT } from './events';
import { type GenerationReport, readGenerationRecords } from './generation';
import { StreamHandles } from './handles';
import { HubRegistry } from './hub-registry';
import { KnownEnds } from './known-ends';
import { OpenResponses } from './open-responses';
import {
  endGenerationDirectly,
  type PersistOutcome,
  persistGeneration,
  trimFinishedSingleUse,
} from './persist';
import { decodeAppended, terminalRecords } from './protocol';
import { errorResponse, eventStreamResponse, replayResponse } from './replay';
import { releaseSource } from './source';
import { readStreamState } from './state';
import { type InstanceParts, StreamContext } from './stream-context';
import { closeStaleGeneration } from './tail';
import type {
  EventSource,
  EventSourceFactory,
  GenerationEnd,
  GenerationStart,
  MakeResumableOptions,
  ReplayOptions,
  ResumableChat,
  ResumableChatConfig,
} from './types';
import type { ForeignFence } from './watch';

export function createResumableChat(config: ResumableChatConfig): ResumableChat {
  const resolved = resolveConfig(config);
  const { mode, logger } = resolved;
  const basin = new S2({ accessToken: config.accessToken, endpoints: config.endpoints }).basin(config.basin);
  const handles = new StreamHandles(basin, resolved.connectionIdleMs, logger);
  const shutdown = new AbortController();
  /** Every open SSE body: their pings and lifetimes run on two timers in all, and `close()` ends them. */
  const responses = new OpenResponses(resolved.pingIntervalMs, resolved.maxReplayLifetimeMs, logger);
  const clock = new S2Clock();
  /** Generations persisted by this instance, by token: lets `stop()` here abort them without a round trip. */
  const localWriters = new Map<string, (fence: ForeignFence) => void>();
  const persisting = new Set<Promise<void>>();
  /** Streams whose last generation this instance ended: their next claim here takes one round trip. */
  const knownEnds = new KnownEnds();
  let closed = false;
  const release = (stream: S2Stream): void => handles.release(stream);
  /** Readers in this process share one hub per stream, fed by local writers or one S2 read session. */
  const hubs = new HubRegistry((streamName) => ({
    open: () => handles.open(streamName),
    release,
    shutdown: shutdown.signal,
    logger,
  }));

  const assertOpen = () => {
    if (closed) throw new ResumableClosedError();
  };

  const createStream = async (streamName: string) => {
    try {
      await basin.streams.create({ stream: streamName });
    } catch (err) {
      if (!(err instanceof S2Error && err.status === 409)) throw err;
    }
  };

  const instance: InstanceParts = { handles, hubs, mode, config: resolved, responses, createStream };
  const open = (streamName: string) => new StreamContext(instance, streamName);

  const accepted = () => new Response(null, { status: 202, headers: { 'Cache-Control': 'no-store' } });

  async function runGeneration(
    context: StreamContext,
    claim: Claimed,
    source: EventSource | EventSourceFactory,
    turnId: string,
    options: MakeResumableOptions,
    session: Promise<AppendSession> | undefined,
    localFence: Promise<ForeignFence>,
  ): Promise<void> {
    const hub = hubs.open(context.streamName);
    const { startSeqNum, records } = claim.appended;
    const claimedAt = new Date(clock.now());
    hub.beginLocal(
      { token: claim.token, fromSeqNum: claim.fromSeqNum, claimStart: startSeqNum },
      records.map((record, index) => decodeAppended(record, startSeqNum + index, claimedAt)),
    );
    let outcome: PersistOutcome;
    try {
      outcome = await persistGeneration({
        stream: context.stream,
        claim,
        session,
        source,
        config: resolved,
        localFence,
        onAck: (ack) => clock.observe(ack.end.timestamp),
        onAcked: (batch) => hub.pushAcked(batch),
      });
    } catch (err) {
      logger.error('resumable: the writer failed', err);
      outcome = {
        reason: 'error',
        toSeqNum: claim.nextSeqNum,
        error: { type: 'api_error', message: resolved.errorMessage(err) },
        open: true,
      };
    } finally {
      localWriters.delete(claim.token);
      hub.endLocal();
    }
    if (outcome.terminalToken !== undefined && !outcome.open && mode !== 'single-use') {
      knownEnds.remember(context.streamName, {
        tail: outcome.toSeqNum,
        token: outcome.terminalToken,
        turnId,
      });
    }
    const end: GenerationEnd = {
      reason: outcome.reason,
      fromSeqNum: claim.fromSeqNum,
      toSeqNum: outcome.toSeqNum,
      turnId,
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.open ? { open: outcome.open } : {}),
    };
    try {
      await options.onFinish?.(end);
    } catch (err) {
      logger.error('resumable: onFinish failed', err);
    }
    try {
      if (mode === 'single-use' && outcome.terminalToken) {
        await trimFinishedSingleUse(context.stream, outcome.terminalToken);
      }
    } catch (err) {
      logger.warn('resumable: trimming a finished single-use stream failed', err);
    } finally {
      context.release();
    }
  }

  async function makeResumable(
    streamName: string,
    source: EventSource | EventSourceFactory,
    options: MakeResumableOptions = {},
  ): Promise<Response> {
    assertOpen();
    const delivery = options.delivery ?? 'response';
    const turnId = options.turnId ?? crypto.randomUUID();
    const context = open(streamName);
    const claimSession = new ClaimSession(context.stream);
    let handedOver = false;
    try {
      const claim = await claimGeneration(context.stream, {
        mode,
        turnId,
        joinable: options.turnId !== undefined,
        leaseDurationMs: resolved.leaseDurationMs,
        now: () => clock.now(),
        onAck: (ack) => clock.observe(ack.end.timestamp),
        createStream: () => context.createStream(),
        knownEnd: mode === 'single-use' ? undefined : knownEnds.take(streamName),
        newStream: options.newStream,
        append: claimSession.append,
      });
      if (claim.kind === 'busy') {
        releaseSource(source);
        if (!claim.join) return errorResponse(409, 'conflict', 'A reply is already in progress.');
        // A retry of the same turn joins it (R23).
        if (delivery === 'replay') return accepted();
        handedOver = true;
        return eventStreamResponse(context, {
          startSeqNum: claim.join.fromSeqNum,
          end: { kind: 'generation', fromSeqNum: claim.join.fromSeqNum },
          activeToken: claim.join.active ? claim.join.token : undefined,
        });
      }
      const start: GenerationStart = { fromSeqNum: claim.fromSeqNum, turnId };
      if (claim.tookOver) start.tookOver = claim.tookOver;
      // From the claim on, a stop in this process reaches the writer directly: one that lands while onStart
      // runs keeps the source from ever being started.
      const localFence = new Promise<ForeignFence>((resolve) => localWriters.set(claim.token, resolve));
      try {
        await options.onStart?.(start);
      } catch (err) {
        localWriters.delete(claim.token);
        releaseSource(source);
        const error = { type: 'api_error', message: resolved.errorMessage(err) };
        await endGenerationDirectly(context.stream, claim, error).catch((endErr: unknown) =>
          logger.error('resumable: ending a generation after onStart failed', endErr),
        );
        throw err;
      }
      handedOver = true;
      const persisted = runGeneration(
        context,
        claim,
        source,
        turnId,
        options,
        claimSession.take(),
        localFence,
      );
      persisting.add(persisted);
      void persisted.finally(() => persisting.delete(persisted));
      if (delivery === 'replay') {
        // Without waitUntil the POST stays open until the generation is persisted (R21).
        if (options.waitUntil) options.waitUntil(persisted);
        else await persisted;
        return accepted();
      }
      options.waitUntil?.(persisted);
      // The live body is read back from S2, so its ids are the replay ids (R11); a disconnect is not a stop.
      return eventStreamResponse(open(streamName), {
        startSeqNum: claim.fromSeqNum,
        end: { kind: 'generation', fromSeqNum: claim.fromSeqNum },
        activeToken: claim.token,
      });
    } finally {
      // Busy, failed or joined: the claim's session (if it opened one) persists nothing.
      claimSession.discard();
      if (!handedOver) context.release();
    }
  }

  async function replay(streamName: string, options: ReplayOptions = {}): Promise<Response> {
    assertOpen();
    return replayResponse(open(streamName), options);
  }

  /**
   * Reads the generation that opened at `fromSeqNum` back from S2. An abandoned one (its writer silent for a
   * whole lease, e.g. a crashed server) is closed first, conditioned on its own token, and reported as ended.
   */
  async function readGeneration(streamName: string, fromSeqNum: number): Promise<GenerationReport> {
    assertOpen();
    const context = open(streamName);
    try {
      const lease = { leaseDurationMs: resolved.leaseDurationMs, now: clock.now() };
      const report = await readGenerationRecords(context.stream, fromSeqNum, lease);
      if (report.state !== 'abandoned' || report.token === undefined) return report;
      await closeStaleGeneration(context.stream, report.token, report.nextSeqNum, logger);
      return await readGenerationRecords(context.stream, fromSeqNum, lease);
    } finally {
      context.release();
    }
  }

  async function stop(streamName: string): Promise<boolean> {
    assertOpen();
    const context = open(streamName);
    try {
      const state = await readStreamState(context.stream);
      if (state.kind !== 'active') return false;
      const { records, terminalToken } = terminalRecords(state.token, state.fromSeqNum, {
        phase: 'stopped',
        event: STOPPED_EVENT,
      });
      let endSeqNum: number;
      try {
        // Conditioned on the generation's own token: a newer generation can never be stopped by mistake (R18).
        const ack = await context.stream.append(AppendInput.create(records, { fencingToken: state.token }));
        clock.observe(ack.end.timestamp);
        endSeqNum = ack.end.seqNum;
      } catch (err) {
        if (!(err instanceof FencingTokenMismatchError)) throw err;
        // Our own retried append may already have landed (R3); otherwise the generation ended meanwhile.
        return err.expectedFencingToken === terminalToken;
      }
      localWriters.get(state.token)?.({ token: terminalToken, seqNum: endSeqNum - 1 });
      return true;
    } finally {
      context.release();
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    // Open SSE responses end cleanly (clients resume elsewhere); running generations finish persisting.
    shutdown.abort();
    responses.closeAll();
    await Promise.allSettled([...persisting]);
    await handles.close();
  }

  return { makeResumable, replay, stop, readGeneration, close };
}
