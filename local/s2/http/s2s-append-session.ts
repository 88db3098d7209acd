// s2s append session over HTTP/2: framed AppendInput in, one framed AppendAck out per input, in order.
import type { AppendInput, AppendOutcome, AutoCreateOptions, S2Engine } from '../engine/index';
import type { WireRequest, WireResponse } from './http-io';
import { decodeAppendInput, ProtoDecodeError } from './proto-decode';
import { encodeAppendAck } from './proto-encode';
import {
  encodeTerminalFrame,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  FrameError,
  frameInPlace,
} from './s2s-framing';
import { toErrorReply, WireError } from './wire-errors';

export interface S2sAppendTarget {
  engine: S2Engine;
  basin: string;
  stream: string;
  autoCreate: AutoCreateOptions;
}

function terminalFrame(error: unknown): Buffer {
  const wire =
    error instanceof ProtoDecodeError || error instanceof FrameError
      ? new WireError('bad_proto', error.message)
      : error;
  const reply = toErrorReply(wire);
  return encodeTerminalFrame(reply.status, JSON.stringify(reply.body));
}

/** Inputs one session puts in one group: bounds how long a commit can hold the event loop. */
const MAX_GROUP_INPUTS = 1000;

const joined = (frames: readonly Buffer[]): Buffer =>
  frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames);

/**
 * Group commit: decoded inputs wait in `pending`; one engine group job at a time takes all of them when it
 * commits (inputs that arrive meanwhile go to the next group), and acks are written only after the commit,
 * in input order. The first failure is sent as a terminal frame (status + JSON body) after the acks of the
 * inputs before it and ends the session; an undecodable frame fails the same way, in its place. Later
 * input is drained and ignored. Resolves when the exchange is over.
 */
export function serveS2sAppendSession(
  target: S2sAppendTarget,
  req: WireRequest,
  res: WireResponse,
): Promise<void> {
  const { engine, basin, stream, autoCreate } = target;
  res.writeHead(200, { 'content-type': 's2s/proto' });
  res.flushHeaders?.();
  const decoder = new FrameDecoder();
  let pending: AppendInput[] = [];
  /** The frame after `pending` that could not be decoded; reported once everything before it is acked. */
  let decodeFailure: { error: unknown } | undefined;
  let inputEnded = false;
  let committing = false;
  let finished = false;

  const finish = (terminal?: Buffer): void => {
    if (finished) return;
    finished = true;
    // The server may have ended the response already (shutdown); acks of a late commit then go nowhere.
    if (!res.writableEnded) res.end(terminal);
  };

  const write = (frames: readonly Buffer[]): void => {
    if (frames.length === 0 || res.write(joined(frames))) return;
    req.pause();
    res.once('drain', () => req.resume());
  };

  const deliver = (outcomes: readonly AppendOutcome[]): void => {
    if (finished || res.writableEnded) return;
    const frames: Buffer[] = [];
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        frames.push(terminalFrame(outcome.error));
        finish(joined(frames));
        return;
      }
      frames.push(frameInPlace(encodeAppendAck(outcome.ack, FRAME_HEADER_BYTES)));
    }
    write(frames);
  };

  const take = (): AppendInput[] => {
    // A session whose client went away acks nothing more, so it has nothing more to write.
    if (finished) pending = [];
    return pending.splice(0, MAX_GROUP_INPUTS);
  };

  /** Starts the next group, or ends the session once nothing is left to commit. */
  const advance = (): void => {
    if (finished || committing) return;
    if (pending.length > 0) {
      committing = true;
      engine.queueAppend({ basin, stream, options: autoCreate, take }).then(
        (outcomes) => {
          committing = false;
          deliver(outcomes);
          advance();
        },
        (error: unknown) => {
          committing = false;
          finish(terminalFrame(error));
        },
      );
    } else if (decodeFailure !== undefined) {
      finish(terminalFrame(decodeFailure.error));
    } else if (inputEnded) {
      finish();
    }
  };

  const onData = (chunk: Buffer): void => {
    if (finished || decodeFailure !== undefined) return;
    decoder.push(chunk);
    try {
      for (let frame = decoder.next(); frame; frame = decoder.next()) {
        // Clients end a session by half-closing; a terminal frame from them carries nothing to append.
        if (frame.terminal) break;
        pending.push(decodeAppendInput(frame.body));
      }
    } catch (error) {
      decodeFailure = { error };
    }
    advance();
  };

  return new Promise((resolve) => {
    req.on('data', onData);
    req.once('end', () => {
      inputEnded = true;
      advance();
    });
    req.once('error', () => finish());
    res.once('close', () => {
      finished = true;
      req.off('data', onData);
      resolve();
    });
  });
}
