// Per-request context for handlers, and the registry that ends long-lived work on disconnect or shutdown.
import type { S2Engine } from '../engine/index';
import type { WireRequest, WireResponse } from './http-io';

/** Long-lived work (sessions, long-polls) tied to both the client connection and the server's life. */
export class SessionRegistry {
  private readonly active = new Set<AbortController>();
  private closing = false;

  get size(): number {
    return this.active.size;
  }

  /**
   * Runs `work` with a signal that aborts when the response closes (the client went away) or the
   * server shuts down; the work must wind down promptly when it fires.
   */
  async track<T>(res: WireResponse, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (this.closing) controller.abort();
    const onClose = () => controller.abort();
    res.once('close', onClose);
    this.active.add(controller);
    try {
      return await work(controller.signal);
    } finally {
      this.active.delete(controller);
      res.off('close', onClose);
    }
  }

  /** Aborts every tracked piece of work, now and from now on. */
  abortAll(): void {
    this.closing = true;
    for (const controller of this.active) controller.abort();
  }
}

export interface RequestContext {
  engine: S2Engine;
  req: WireRequest;
  res: WireResponse;
  query: URLSearchParams;
  /** The request arrived over HTTP/2 (s2s sessions are only offered there). */
  http2: boolean;
  heartbeatMs: number;
  sessions: SessionRegistry;
}

/** `ctx.sessions.track` bound to this request's response. */
export function trackWork<T>(ctx: RequestContext, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return ctx.sessions.track(ctx.res, work);
}
