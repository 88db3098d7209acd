// s2s append session over HTTP/2: framed AppendInput in, one framed AppendAck out per input, in order.
import type { AutoCreateOptions, S2Engine } from '../engine/index';
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

function asWireError(error: unknown): unknown {
  if (error instanceof ProtoDecodeError || error instanceof FrameError) {
    return new WireError('bad_proto', error.message);
  }
  return error;
}

/**
 * Appends each input as it arrives (the engine commits synchronously, so acks leave in input order).
 * The first failure is sent as a terminal frame (status + JSON body) and ends the session; later input
 * is drained and ignored. Resolves when the exchange is over.
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
  let finished = false;

  const finish = (terminal?: Buffer): void => {
    if (finished) return;
    finished = true;
    res.end(terminal);
  };

  const onData = (chunk: Buffer): void => {
    if (finished) return;
    decoder.push(chunk);
    const acks: Buffer[] = [];
    try {
      for (let frame = decoder.next(); frame; frame = decoder.next()) {
        // Clients end a session by half-closing; a terminal frame from them carries nothing to append.
        if (frame.terminal) break;
        const ack = engine.append(basin, stream, decodeAppendInput(frame.body), autoCreate);
        acks.push(frameInPlace(encodeAppendAck(ack, FRAME_HEADER_BYTES)));
      }
    } catch (error) {
      const reply = toErrorReply(asWireError(error));
      acks.push(encodeTerminalFrame(reply.status, JSON.stringify(reply.body)));
      finish(acks.length === 1 ? acks[0] : Buffer.concat(acks));
      return;
    }
    if (acks.length === 0) return;
    const writable = res.write(acks.length === 1 ? (acks[0] as Buffer) : Buffer.concat(acks));
    if (!writable) {
      req.pause();
      res.once('drain', () => req.resume());
    }
  };

  return new Promise((resolve) => {
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('error', () => finish());
    res.once('close', () => {
      finished = true;
      req.off('data', onData);
      resolve();
    });
  });
}
