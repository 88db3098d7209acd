// SSE read session: `batch` events with `seq,count,bytes` ids, `ping` heartbeats, `error`, then `[DONE]`.
import type { ReadSession, StreamPosition } from '../engine/index';
import type { WireResponse } from './http-io';
import { type RecordFormat, renderJsonReadBatch } from './json-records';
import type { LastEventId } from './read-query';
import { type PumpOptions, pumpReadSession, type ReadSessionSink } from './session-pump';
import { toErrorReply } from './wire-errors';

export interface SseSessionOptions extends PumpOptions {
  format: RecordFormat;
  /** Where a resumed client left off: ids keep counting from there. */
  resumedFrom?: LastEventId;
}

function renderPing(tail: StreamPosition): string {
  const data = JSON.stringify({
    timestamp: Date.now(),
    tail: { seq_num: tail.seq_num, timestamp: tail.timestamp },
  });
  return `event: ping\ndata: ${data}\n\n`;
}

/** Starts the SSE response and streams `session` into it until it ends or the client leaves. */
export async function serveSseReadSession(
  session: ReadSession,
  res: WireResponse,
  options: SseSessionOptions,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders?.();
  let count = options.resumedFrom?.count ?? 0;
  let bytes = options.resumedFrom?.bytes ?? 0;
  const sink: ReadSessionSink = {
    batch(event) {
      const last = event.records[event.records.length - 1];
      count += event.records.length;
      bytes += event.bytes;
      const data = renderJsonReadBatch({ records: event.records, tail: event.tail }, options.format);
      return res.write(`event: batch\nid: ${last?.seq_num ?? 0},${count},${bytes}\ndata: ${data}\n\n`);
    },
    heartbeat(tail) {
      return res.write(renderPing(tail));
    },
    end() {
      res.end('data: [DONE]\n\n');
    },
    fail(error) {
      res.end(`event: error\ndata: ${JSON.stringify(toErrorReply(error).body)}\n\n`);
    },
  };
  try {
    await pumpReadSession(session, sink, res, options);
  } finally {
    if (!res.writableEnded) res.end();
  }
}
