// The instance's S2 stream handles: one per request, closed after a short idle so the next request reuses
// the SDK's HTTP/2 connection, and closed in the background so no response waits on a close.
import type { S2Basin, S2Stream } from '@s2-dev/streamstore';

/** Closing a handle is cleanup: everything it wrote is already acknowledged by S2. */
const CLOSE_TIMEOUT_MS = 5_000;
/**
 * Released handles kept open at most. A few are enough to keep the connection attached between turns;
 * under load, handles of running requests keep it anyway, and the rest close at once.
 */
export const MAX_IDLE_HANDLES = 8;

/**
 * Waits for a handle's close, but not forever: closing the last handle of a connection closes it gracefully,
 * which waits for every stream on it to end, and `close()` of the instance must always settle (R20).
 */
function closeWithin(closing: Promise<void>, ms: number, logger: Pick<Console, 'warn'>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn(`resumable: closing an S2 stream handle took over ${ms} ms; moving on`);
      resolve();
    }, ms);
    timer.unref?.();
  });
  return Promise.race([closing, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The SDK pools one HTTP/2 connection per S2 endpoint for all handles, and closes it as soon as the last
 * handle that used it closes. Closed the moment its request ends, every handle would be that last one
 * between two sequential turns: each turn would open a new connection (a TLS handshake on S2 cloud).
 * So a released handle stays open for `idleMs` (or until `MAX_IDLE_HANDLES` newer ones are released),
 * which keeps the connection for the next request without holding anything per stream.
 */
export class StreamHandles {
  private readonly idle = new Map<S2Stream, ReturnType<typeof setTimeout>>();
  /** Closes still running. Only `close()` waits for them: no response or persisting promise does. */
  private readonly closing = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly basin: S2Basin,
    private readonly idleMs: number,
    private readonly logger: Pick<Console, 'warn'>,
  ) {}

  open(streamName: string): S2Stream {
    return this.basin.stream(streamName);
  }

  /** The caller is done with `stream`; it closes later, in the background. Call once per handle. */
  release(stream: S2Stream): void {
    if (this.closed || this.idleMs === 0) {
      this.closeNow(stream);
      return;
    }
    const timer = setTimeout(() => this.closeIdle(stream), this.idleMs);
    // The timer never keeps the process alive; an open connection does, until it fires or `close()` runs.
    timer.unref?.();
    this.idle.set(stream, timer);
    if (this.idle.size > MAX_IDLE_HANDLES) {
      const oldest = this.idle.keys().next().value;
      if (oldest) this.closeIdle(oldest);
    }
  }

  /** Closes every idle handle now and waits for all closes, each bounded (R20). */
  async close(): Promise<void> {
    this.closed = true;
    for (const stream of [...this.idle.keys()]) this.closeIdle(stream);
    await Promise.allSettled([...this.closing]);
  }

  private closeIdle(stream: S2Stream): void {
    const timer = this.idle.get(stream);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.idle.delete(stream);
    this.closeNow(stream);
  }

  private closeNow(stream: S2Stream): void {
    const closing = closeWithin(stream.close(), CLOSE_TIMEOUT_MS, this.logger).catch((err: unknown) =>
      this.logger.warn('resumable: closing a stream failed', err),
    );
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }
}
