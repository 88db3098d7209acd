// SSE framing and the streaming Response: event frames with cursor ids, `: ping` comments, a bounded lifetime.
import type { OpenResponse, OpenResponses } from './open-responses';
import type { TailEvent, TailSink } from './tail';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  // A reader's private reply: never stored by a shared cache, never recompressed or buffered on the way.
  'Cache-Control': 'no-store, no-transform',
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

/** What an SSE body reads: once opened, answers each `request()` once through the body's `TailSink`. */
export interface TailReader {
  open(sink: TailSink): void;
  request(): void;
  /** Ends it now; no answer follows. */
  stop(): void;
}

export interface SseResponseOptions {
  tail: TailReader;
  /** The instance's open bodies: pings, lifetimes and shutdown. */
  responses: OpenResponses;
  /** The client went away (e.g. the request's signal): the body ends. */
  signal?: AbortSignal;
  logger: Pick<Console, 'warn'>;
  /** Released exactly once, however the body ends: completed, cancelled, failed or timed out. */
  owner: { release(): void };
}

const encoder = new TextEncoder();
const PING_BYTES = encoder.encode(PING_COMMENT);

/**
 * The body's source, its tail's sink and an open response of the instance, in one object: an idle live tab
 * costs this object, its ReadableStream and its tail's few objects, with no timer or promise of its own.
 */
class SseBody implements UnderlyingDefaultSource<Uint8Array>, TailSink, OpenResponse {
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private closed = false;
  private unregister: (() => void) | undefined;
  private readonly onAbort = () => this.end();

  constructor(private readonly options: SseResponseOptions) {
    options.tail.open(this);
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.controller = controller;
    // An immediate comment flushes the headers, so a client on an idle live tail knows it is connected.
    controller.enqueue(PING_BYTES);
    // Ends before serverless limits cut the connection; the client resumes from its cursor (R16).
    this.unregister = this.options.responses.add(this);
    const { signal } = this.options;
    if (signal?.aborted) this.end();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  pull(): void {
    this.options.tail.request();
  }

  /** The client went away: the tail stops and the stream is released. */
  cancel(): void {
    this.finish();
  }

  events(events: TailEvent[]): void {
    if (!this.closed) this.enqueue(encoder.encode(eventFrames(events)));
  }

  /** The client gets its end of stream first; releasing S2 handles never holds the response open. */
  end(): void {
    if (this.closed) return;
    this.controller?.close();
    this.finish();
  }

  failed(err: unknown): void {
    if (this.closed) return;
    this.options.logger.warn('resumable: an SSE response failed; the client will resume', err);
    this.controller?.error(err);
    this.finish();
  }

  ping(): void {
    if (!this.closed) this.enqueue(PING_BYTES);
  }

  expire(): void {
    this.end();
  }

  private enqueue(bytes: Uint8Array): void {
    try {
      this.controller?.enqueue(bytes);
    } catch {
      // The body already ended without this body's knowledge (its stream was errored): let it go.
      this.finish();
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.unregister?.();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.options.tail.stop();
    try {
      this.options.owner.release();
    } catch (err) {
      this.options.logger.warn('resumable: closing a stream failed', err);
    }
  }
}

export function sseResponse(options: SseResponseOptions): Response {
  const body = new ReadableStream<Uint8Array>(new SseBody(options));
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
