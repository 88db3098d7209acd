// Browser client: subscribe() to a resumable SSE endpoint, following its cursor across drops and reconnects.
import { createParser } from 'eventsource-parser';
import type { ResumableEvent } from './events';

export type { ResumableEvent };

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'ended';

/** The endpoint answered with a status that ends the subscription (a permanent 4xx, or a 5xx without retries). */
export class SubscribeHttpError extends Error {
  override name = 'SubscribeHttpError';
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`The stream endpoint answered HTTP ${status}.`);
    this.status = status;
    this.body = body;
  }
}

/** A response sent nothing for `idleTimeoutMs`: taken for a dead connection (a laptop's sleep, a half-open
 * network), it is dropped and the subscription reconnects from its cursor. */
export class ConnectionIdleError extends Error {
  override name = 'ConnectionIdleError';
}

/** 416 (cursor past the tail) or 410 (records after it trimmed): re-hydrate from history, then resubscribe. */
export class CursorOutOfRangeError extends SubscribeHttpError {
  override name = 'CursorOutOfRangeError';
}

export interface SubscribeOptions {
  /** A string gets `?from=<cursor>` added or replaced once a cursor is known; a function builds the URL. */
  url: string | ((cursor: number | undefined) => string);
  /** Initial cursor: an SSE id from an earlier subscription, or a cursor from the server. */
  from?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  headers?: HeadersInit;
  credentials?: RequestCredentials;
  /** Delays before successive reconnects; the last repeats. `[]` disables reconnects (errors are rethrown). */
  reconnectBackoffMs?: number[];
  onState?: (state: ConnectionState, info: { attempt: number; error?: unknown }) => void;
  /** Called with the new cursor just before the event that advanced it is yielded. */
  onCursor?: (cursor: number) => void;
  /**
   * A response that sends no byte for this long is dropped and reopened from the cursor; 0 turns this off.
   * The server pings every 15 s (`pingIntervalMs`), so the default misses two pings and a half.
   */
  idleTimeoutMs?: number;
}

export const DEFAULT_RECONNECT_BACKOFF_MS: readonly number[] = [0, 250, 500, 1000, 2000, 5000];
export const DEFAULT_IDLE_TIMEOUT_MS = 40_000;

/** 408 and 429 are worth retrying; any other 4xx will not get better by asking again. */
function isPermanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function isCursor(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseCursor(id: string | undefined): number | undefined {
  if (id === undefined || !/^\d+$/.test(id)) return undefined;
  const value = Number(id);
  return isCursor(value) ? value : undefined;
}

function parseEvent(data: string): ResumableEvent | undefined {
  try {
    const parsed: unknown = JSON.parse(data);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'type' in parsed &&
      typeof parsed.type === 'string'
    ) {
      return parsed as ResumableEvent;
    }
  } catch {
    // A malformed frame is skipped; its id still counts (R22).
  }
  return undefined;
}

/** Adds or replaces `from` in a URL that may be relative, keeping its other parameters and fragment. */
export function withCursor(url: string, cursor: number): string {
  const hashAt = url.indexOf('#');
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const rest = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : rest.slice(queryAt + 1));
  params.set('from', String(cursor));
  return `${path}?${params.toString()}${hash}`;
}

async function readBody(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  } catch {
    return undefined;
  }
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface Frame {
  cursor?: number;
  event?: ResumableEvent;
}

/**
 * Yields the endpoint's events, verbatim, across reconnects: a dropped or cleanly ended body reconnects from
 * the last SSE id (`onCursor` reports it), with backoff that resets whenever events arrive. Ends on 204 or
 * when `signal` aborts; throws CursorOutOfRangeError on 416/410 and SubscribeHttpError on a permanent 4xx.
 * Breaking out of the loop (or throwing in it) cancels the response body.
 */
export async function* subscribe(options: SubscribeOptions): AsyncGenerator<ResumableEvent, void, undefined> {
  const { signal } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const backoff = options.reconnectBackoffMs ?? DEFAULT_RECONNECT_BACKOFF_MS;
  let cursor = isCursor(options.from) ? options.from : undefined;
  let attempt = 0;
  let step = 0;
  let endError: unknown;
  const report = (state: ConnectionState, error?: unknown) =>
    options.onState?.(state, error === undefined ? { attempt } : { attempt, error });
  const urlFor = () => {
    if (typeof options.url === 'function') return options.url(cursor);
    return cursor === undefined ? options.url : withCursor(options.url, cursor);
  };
  const headers = new Headers(options.headers);
  if (!headers.has('accept')) headers.set('accept', 'text/event-stream');
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  report('connecting');
  try {
    for (;;) {
      if (signal?.aborted) return;
      let failure: unknown;
      let progressed = false;
      /** Any bytes at all, a `: ping` included: the server, not a proxy's empty answer, was there. */
      let heardFrom = false;
      let response: Response | undefined;
      // This attempt's own signal: the caller's abort, or the watchdog when the connection goes quiet.
      const connection = new AbortController();
      const abortConnection = () => connection.abort();
      signal?.addEventListener('abort', abortConnection, { once: true });
      let idle: ReturnType<typeof setTimeout> | undefined;
      let wentIdle = false;
      const watch = () => {
        clearTimeout(idle);
        if (idleTimeoutMs > 0) {
          idle = setTimeout(() => {
            wentIdle = true;
            connection.abort();
          }, idleTimeoutMs);
        }
      };
      const idleOr = (err: unknown) =>
        wentIdle ? new ConnectionIdleError(`No data for ${idleTimeoutMs} ms.`, { cause: err }) : err;
      try {
        watch();
        try {
          response = await fetchImpl(urlFor(), {
            method: 'GET',
            headers,
            credentials: options.credentials,
            signal: connection.signal,
          });
        } catch (err) {
          if (signal?.aborted) return;
          failure = idleOr(err);
        }
        if (response?.status === 204) {
          // By status, not by body: a 204 may arrive with an empty, non-null body (R13).
          await response.body?.cancel().catch(() => undefined);
          return;
        }
        if (response && !response.ok) {
          const body = await readBody(response);
          if (response.status === 416 || response.status === 410) {
            throw new CursorOutOfRangeError(response.status, body);
          }
          failure = new SubscribeHttpError(response.status, body);
          if (isPermanent(response.status)) throw failure;
        } else if (response?.body) {
          report('live');
          const reader = response.body.getReader();
          const onAbort = () => void reader.cancel().catch(() => undefined);
          connection.signal.addEventListener('abort', onAbort, { once: true });
          const frames: Frame[] = [];
          const parser = createParser({
            onEvent: (message) => {
              const id = parseCursor(message.id);
              frames.push({ cursor: id, event: parseEvent(message.data) });
            },
          });
          const decoder = new TextDecoder();
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              if (value.byteLength > 0) heardFrom = true;
              parser.feed(decoder.decode(value, { stream: true }));
              // Not while the consumer holds an event: only the connection's silence counts.
              clearTimeout(idle);
              for (let frame = frames.shift(); frame; frame = frames.shift()) {
                // One chunk can hold many frames, and the consumer may abort while holding one: nothing is
                // yielded (or reported) after the abort.
                if (signal?.aborted) return;
                progressed = true;
                if (frame.cursor !== undefined && (cursor === undefined || frame.cursor > cursor)) {
                  cursor = frame.cursor;
                  options.onCursor?.(cursor);
                }
                if (frame.event) yield frame.event;
              }
              watch();
            }
          } catch (err) {
            if (signal?.aborted) return;
            failure = idleOr(err);
          } finally {
            connection.signal.removeEventListener('abort', onAbort);
            // Also runs when the consumer breaks or throws: the server stops streaming to nobody (R18).
            await reader.cancel().catch(() => undefined);
          }
        }
        // A cancelled reader ends quietly: the watchdog's cancel must still count as a failure.
        if (wentIdle && failure === undefined) failure = idleOr(undefined);
      } finally {
        clearTimeout(idle);
        signal?.removeEventListener('abort', abortConnection);
      }
      if (signal?.aborted) return;
      if (backoff.length === 0) {
        if (failure !== undefined) throw failure;
        return;
      }
      // A 200 the server streamed and ended cleanly (its maxReplayLifetimeMs) is not a failure: an idle live
      // tab that gets no events must not back off further on each lifetime. An empty 200 still backs off.
      if (progressed || (response?.status === 200 && heardFrom && failure === undefined)) {
        step = 0;
        attempt = 0;
      }
      const delay = backoff[Math.min(step, backoff.length - 1)] ?? 0;
      step += 1;
      attempt += 1;
      report('reconnecting', failure);
      if (!(await sleep(delay, signal))) return;
    }
  } catch (err) {
    endError = err;
    throw err;
  } finally {
    report('ended', endError);
  }
}
