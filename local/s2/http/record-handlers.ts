// Record routes: append (JSON, protobuf, s2s), read (JSON, protobuf, SSE, s2s) and check tail.
import type { AutoCreateOptions, StreamConfigInput } from '../engine/index';
import {
  headerValue,
  isJsonType,
  isProtobufType,
  mediaType,
  readBody,
  sendJson,
  sendJsonText,
  sendProtobuf,
} from './http-io';
import { parseJsonAppendInput, parseRecordFormat, renderJsonReadBatch } from './json-records';
import { decodeAppendInput, ProtoDecodeError } from './proto-decode';
import { encodeAppendAck, encodeReadBatch } from './proto-encode';
import { parseLastEventId, parseReadQuery, resumeFrom } from './read-query';
import { type RequestContext, trackWork } from './request-context';
import { serveS2sAppendSession } from './s2s-append-session';
import { serveS2sReadSession } from './s2s-read-session';
import { serveSseReadSession } from './sse-read-session';
import { WireError } from './wire-errors';

const S2S_TYPE = 's2s/proto';

/** The `s2-stream-config` header: the config to use if this request auto-creates the stream. */
function autoCreateOptions(ctx: RequestContext): AutoCreateOptions {
  const raw = headerValue(ctx.req.headers, 's2-stream-config');
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new WireError('bad_header', 'invalid header `s2-stream-config`: not JSON');
  }
  if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
    throw new WireError('bad_header', 'invalid header `s2-stream-config`: expected an object');
  }
  return { createConfig: parsed as StreamConfigInput | null };
}

export async function handleAppend(ctx: RequestContext, basin: string, stream: string): Promise<void> {
  const { req, res, engine } = ctx;
  const contentType = mediaType(headerValue(req.headers, 'content-type'));
  if (contentType === S2S_TYPE) {
    if (!ctx.http2) throw new WireError('bad_header', 's2s sessions need HTTP/2');
    const autoCreate = autoCreateOptions(ctx);
    await trackWork(ctx, (signal) => {
      signal.addEventListener('abort', () => res.end(), { once: true });
      return serveS2sAppendSession({ engine, basin, stream, autoCreate }, req, res);
    });
    return;
  }
  const protobuf = isProtobufType(contentType);
  if (!protobuf && !isJsonType(contentType)) {
    throw new WireError('bad_json', 'Expected request with `Content-Type: application/json`');
  }
  const format = protobuf ? 'raw' : parseRecordFormat(req.headers['s2-format']);
  const autoCreate = autoCreateOptions(ctx);
  const body = await readBody(req);
  let input: ReturnType<typeof decodeAppendInput>;
  if (protobuf) {
    try {
      input = decodeAppendInput(body);
    } catch (error) {
      if (error instanceof ProtoDecodeError) throw new WireError('bad_proto', error.message);
      throw error;
    }
  } else {
    input = parseJsonAppendInput(body.toString('utf8'), format);
  }
  // Queued, so concurrent appends (any stream) share one commit; the ack still waits for that commit.
  const [outcome] = await engine.queueAppend({ basin, stream, options: autoCreate, take: () => [input] });
  if (outcome === undefined) throw new Error('an append of one input had no outcome');
  if (!outcome.ok) throw outcome.error;
  const ack = outcome.ack;
  const wantsProtobuf = isProtobufType(mediaType(headerValue(req.headers, 'accept')));
  if (wantsProtobuf) sendProtobuf(res, 200, encodeAppendAck(ack));
  else sendJson(res, 200, ack);
}

export async function handleRead(ctx: RequestContext, basin: string, stream: string): Promise<void> {
  const { req, res, engine } = ctx;
  const contentType = mediaType(headerValue(req.headers, 'content-type'));
  const accept = mediaType(headerValue(req.headers, 'accept'));
  const s2s = contentType === S2S_TYPE;
  const sse = !s2s && accept === 'text/event-stream';
  const format = s2s ? 'raw' : parseRecordFormat(req.headers['s2-format']);
  let query = parseReadQuery(ctx.query);
  const resumedFrom = sse ? parseLastEventId(req.headers['last-event-id']) : undefined;
  if (resumedFrom) query = resumeFrom(query, resumedFrom);
  const autoCreate = autoCreateOptions(ctx);

  if (s2s || sse) {
    if (s2s && !ctx.http2) throw new WireError('bad_header', 's2s sessions need HTTP/2');
    await trackWork(ctx, (signal) => {
      // Opening validates and resolves the start, so 4xx errors throw here, before the response starts.
      const session = engine.openReadSession(basin, stream, query, { ...autoCreate, signal });
      const pump = { signal, heartbeatMs: ctx.heartbeatMs };
      return s2s
        ? serveS2sReadSession(session, res, pump)
        : serveSseReadSession(session, res, { ...pump, format, resumedFrom });
    });
    return;
  }

  const batch = await trackWork(ctx, (signal) =>
    engine.read(basin, stream, query, { ...autoCreate, signal }),
  );
  if (res.writableEnded) return;
  if (isProtobufType(accept)) sendProtobuf(res, 200, encodeReadBatch(batch));
  else sendJsonText(res, 200, renderJsonReadBatch(batch, format));
}

export function handleCheckTail(ctx: RequestContext, basin: string, stream: string): void {
  const tail = ctx.engine.checkTail(basin, stream, autoCreateOptions(ctx));
  sendJson(ctx.res, 200, { tail });
}
