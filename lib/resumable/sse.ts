// SSE framing and the streaming Response: event frames with cursor ids, `: ping` comments, a bounded lifetime.
import type { TailEvent } from './tail';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
} as const satisfies Record<string, string>;

export const PING_COMMENT = ': ping\n\n';

const LINE_BREAK = /[\r\n]/;

/** `id` is the cursor to resume from: the next seq num after this record (R11). */
export function eventFrame(event: TailEvent): string {
  const { body } = event;
  // JSON.stringify never emits a raw line break, so nearly every body is one `data:` line.
  const data = LINE_BREAK.test(body)
    ? body
        .split(/\r\n|\r|\n/)
        .map((line) => `data: ${line}\n`)
        .join('')
    : `data: ${body}\n`;
  return `event: ${event.eventType}\n${data}id: ${event.seqNum + 1}\n\n`;
}

/** One chunk for a batch of events: a single write however many events arrived together. */
export function eventFrames(events: readonly TailEvent[]): string {
  let out = '';
  for (const event of events) out += eventFrame(event);
  return out;
}

export interface SseResponseOptions {
  events: AsyncGenerator<TailEvent[], void, undefined>;
  /** Aborting it ends `events` promptly; the body then closes cleanly. */
  stop: AbortController;
  pingIntervalMs: number;
  maxLifetimeMs: number;
  logger: Pick<Console, 'warn'>;
  /** Called exactly once, however the body ends: completed, cancelled, failed or timed out. */
  onClose: () => Promise<void>;
}

export function sseResponse(options: SseResponseOptions): Response {
  const { events, stop } = options;
  const encoder = new TextEncoder();
  let ping: ReturnType<typeof setInterval> | undefined;
  let lifetime: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let cancelled = false;
  const finish = async () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    clearTimeout(lifetime);
    stop.abort();
    await options
      .onClose()
      .catch((err: unknown) => options.logger.warn('resumable: closing a stream failed', err));
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // An immediate comment flushes the headers, so a client on an idle live tail knows it is connected.
      controller.enqueue(encoder.encode(PING_COMMENT));
      ping = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(PING_COMMENT));
        } catch {
          // The body already ended; the interval is being cleared.
        }
      }, options.pingIntervalMs);
      // Ends before serverless limits cut the connection; the client resumes from its cursor (R16).
      lifetime = setTimeout(() => stop.abort(), options.maxLifetimeMs);
    },
    async pull(controller) {
      let step: IteratorResult<TailEvent[], void>;
      try {
        step = await events.next();
      } catch (err) {
        if (cancelled) return;
        options.logger.warn('resumable: an SSE response failed; the client will resume', err);
        controller.error(err);
        await finish();
        return;
      }
      // A cancel settles the pending read; the body is gone, so the controller must not be touched.
      if (cancelled) return;
      if (step.done) {
        // The client gets its end of stream first; releasing S2 handles must never hold the response open.
        controller.close();
        await finish();
        return;
      }
      controller.enqueue(encoder.encode(eventFrames(step.value)));
    },
    async cancel() {
      cancelled = true;
      stop.abort();
      await events.return(undefined);
      await finish();
    },
  });
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
