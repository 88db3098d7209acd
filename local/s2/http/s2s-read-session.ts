// s2s read session over HTTP/2: framed ReadBatch messages, empty batches with a tail as heartbeats.
import type { ReadSession } from '../engine/index';
import type { WireResponse } from './http-io';
import { encodeReadBatch } from './proto-encode';
import { encodeTerminalFrame, FRAME_HEADER_BYTES, frameInPlace } from './s2s-framing';
import { type PumpOptions, pumpReadSession, type ReadSessionSink } from './session-pump';
import { toErrorReply } from './wire-errors';

/** Starts the s2s response and streams `session` into it as frames until it ends or the client leaves. */
export async function serveS2sReadSession(
  session: ReadSession,
  res: WireResponse,
  options: PumpOptions,
): Promise<void> {
  res.writeHead(200, { 'content-type': 's2s/proto' });
  res.flushHeaders?.();
  const sink: ReadSessionSink = {
    batch(event) {
      const batch = event.tail ? { records: event.records, tail: event.tail } : { records: event.records };
      return res.write(frameInPlace(encodeReadBatch(batch, FRAME_HEADER_BYTES)));
    },
    heartbeat(tail) {
      return res.write(frameInPlace(encodeReadBatch({ records: [], tail }, FRAME_HEADER_BYTES)));
    },
    end() {
      res.end();
    },
    fail(error) {
      const reply = toErrorReply(error);
      res.end(encodeTerminalFrame(reply.status, JSON.stringify(reply.body)));
    },
  };
  try {
    await pumpReadSession(session, sink, res, options);
  } finally {
    if (!res.writableEnded) res.end();
  }
}
