// A lean SSE client on node:http for the benchmarks: frames with arrival stamps, character counts, waits.
import { Agent, type IncomingMessage, type OutgoingHttpHeaders, request } from 'node:http';
import { wallNow } from './clock';

export interface SseFrame {
  /** The frame's `id` as a number (NaN without one). */
  id: number;
  type: string;
  data: string;
  /** Wall-clock arrival of the chunk that completed the frame. */
  at: number;
}

export class SseWaitError extends Error {
  override name = 'SseWaitError';
}

/** One keep-alive agent per run, with no socket cap: hundreds of subscribers share it. */
export function benchAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
}

interface Waiter {
  predicate: (connection: SseConnection) => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface SseRequest {
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: OutgoingHttpHeaders;
}

export class SseConnection {
  readonly frames: SseFrame[] = [];
  /** Decoded characters of the body so far (what resumable-stream's `skipCharacters` counts). */
  chars = 0;
  status = 0;
  /** Body text of a non-SSE answer (errors, 202s), once ended. */
  text = '';
  readonly startedAt = wallNow();
  endedAt = Number.NaN;
  ended = false;
  /** Why the connection ended, when it failed. */
  error: Error | undefined;
  /** Characters of complete frames only: where a resumable-stream reader may safely resume. */
  get consumedChars(): number {
    return this.chars - this.buffer.length;
  }
  /** Resolves with the status once headers arrive; rejects if the request fails first. */
  readonly opened: Promise<number>;
  /** Resolves when the body ends, fails or is closed. */
  readonly done: Promise<void>;
  private buffer = '';
  private waiters: Waiter[] = [];
  private closedByUs = false;
  private readonly req;

  constructor(url: string, agent: Agent, options: SseRequest = {}) {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: OutgoingHttpHeaders = { accept: 'text/event-stream', ...options.headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    let onOpen: (status: number) => void = () => undefined;
    let onOpenError: (error: Error) => void = () => undefined;
    this.opened = new Promise<number>((resolve, reject) => {
      onOpen = resolve;
      onOpenError = reject;
    });
    let finish: () => void = () => undefined;
    this.done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const end = (error?: Error) => {
      if (this.ended) return;
      this.ended = true;
      this.error = error;
      this.endedAt = wallNow();
      onOpenError(error ?? new SseWaitError('ended before headers'));
      for (const waiter of this.waiters.splice(0)) {
        clearTimeout(waiter.timer);
        if (waiter.predicate(this)) waiter.resolve();
        else
          waiter.reject(
            new SseWaitError(`stream ended (${error?.message ?? 'clean end'}) before the wait held`),
          );
      }
      finish();
    };
    this.req = request(url, { method: options.method ?? 'GET', agent, headers }, (res: IncomingMessage) => {
      this.status = res.statusCode ?? 0;
      onOpen(this.status);
      res.setEncoding('utf8');
      const isSse = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
      res.on('data', (chunk: string) => {
        this.chars += chunk.length;
        if (isSse) this.feed(chunk, wallNow());
        else this.text += chunk;
      });
      res.on('end', () => end());
      res.on('error', (error) => end(error));
      res.on('close', () => end());
    });
    this.req.on('error', (error) => end(this.closedByUs ? undefined : error));
    // Callers that never await `opened` must not turn a failed request into an unhandled rejection.
    this.opened.catch(() => undefined);
    this.req.end(body);
  }

  /** Drops the connection (a reload, a lost network, a finished test). */
  close(): void {
    this.closedByUs = true;
    this.req.destroy();
  }

  /** Resolves once `predicate` holds; rejects on timeout or when the body ends without it holding. */
  waitFor(predicate: (connection: SseConnection) => boolean, timeoutMs: number): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    if (this.ended) return Promise.reject(new SseWaitError('stream already ended'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          reject(new SseWaitError(`timed out after ${timeoutMs} ms with ${this.frames.length} frames`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits for `count` frames of `type` (e.g. one `message_stop` per upstream message). */
  waitForType(type: string, count: number, timeoutMs: number): Promise<void> {
    let seen = 0;
    let scanned = 0;
    return this.waitFor((connection) => {
      for (; scanned < connection.frames.length; scanned++)
        if (connection.frames[scanned]?.type === type) seen++;
      return seen >= count;
    }, timeoutMs);
  }

  /**
   * Frames split by hand, not with eventsource-parser (which lib/resumable's client uses): the baseline (c)
   * resumes at a character offset, so this client must know where its last complete frame ended, which
   * that parser does not expose. The servers measured here send only `\n` line ends.
   */
  private feed(chunk: string, at: number): void {
    this.buffer += chunk;
    let boundary = this.buffer.indexOf('\n\n');
    if (boundary === -1) return;
    let start = 0;
    while (boundary !== -1) {
      this.parseBlock(this.buffer.slice(start, boundary), at);
      start = boundary + 2;
      boundary = this.buffer.indexOf('\n\n', start);
    }
    this.buffer = this.buffer.slice(start);
    if (this.waiters.length === 0) return;
    for (const waiter of [...this.waiters]) {
      if (!waiter.predicate(this)) continue;
      clearTimeout(waiter.timer);
      this.waiters = this.waiters.filter((other) => other !== waiter);
      waiter.resolve();
    }
  }

  private parseBlock(block: string, at: number): void {
    let type = 'message';
    let data: string | undefined;
    let id = Number.NaN;
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(line.charAt(colon + 1) === ' ' ? colon + 2 : colon + 1);
      if (field === 'event') type = value;
      else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
      else if (field === 'id') id = Number(value);
    }
    if (data !== undefined) this.frames.push({ id, type, data, at });
  }
}

export function openSse(url: string, agent: Agent, options?: SseRequest): SseConnection {
  return new SseConnection(url, agent, options);
}

/** A JSON request that waits for the whole answer. */
export async function requestJson(
  url: string,
  agent: Agent,
  method: 'GET' | 'POST',
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const connection = new SseConnection(url, agent, { method, body, headers: { accept: 'application/json' } });
  await connection.done;
  let parsed: unknown = connection.text;
  try {
    parsed = connection.text ? JSON.parse(connection.text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: connection.status, body: parsed };
}
