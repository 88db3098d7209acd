// An instance's open SSE bodies: one ping timer and one lifetime timer for all of them, and their shutdown.

/** What the registry asks of an open body. */
export interface OpenResponse {
  /** Writes a keep-alive comment. */
  ping(): void;
  /** Ends the body cleanly: its lifetime is over or the instance is closing; the client resumes. */
  expire(): void;
}

interface Entry {
  response: OpenResponse;
  deadline: number;
}

/**
 * Two timers per body (its ping interval and its lifetime) cost more of an idle body's memory than the rest
 * of it, and a live tab is mostly idle. Every body of an instance has the same lifetime, so the registry's
 * insertion order is also deadline order: one timer, armed for the oldest body, serves every lifetime.
 * Pings go to all open bodies on one interval; each body still gets one every `pingIntervalMs`.
 */
export class OpenResponses {
  private readonly entries = new Set<Entry>();
  private ping: ReturnType<typeof setInterval> | undefined;
  private lifetime: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly pingIntervalMs: number,
    private readonly maxLifetimeMs: number,
    private readonly logger: Pick<Console, 'warn'>,
  ) {}

  /** Registers an open body; the returned function unregisters it. After `closeAll()` it expires at once. */
  add(response: OpenResponse): () => void {
    if (this.closed) {
      response.expire();
      return () => undefined;
    }
    const entry: Entry = { response, deadline: Date.now() + this.maxLifetimeMs };
    this.entries.add(entry);
    this.ping ??= setInterval(() => this.pingAll(), this.pingIntervalMs);
    if (this.lifetime === undefined) this.arm();
    return () => this.remove(entry);
  }

  /** Expires every open body and every later one: the instance is closing. */
  closeAll(): void {
    this.closed = true;
    for (const entry of [...this.entries]) {
      this.remove(entry);
      this.tell(entry, () => entry.response.expire());
    }
  }

  private remove(entry: Entry): void {
    if (!this.entries.delete(entry) || this.entries.size > 0) return;
    clearInterval(this.ping);
    clearTimeout(this.lifetime);
    this.ping = undefined;
    this.lifetime = undefined;
  }

  private pingAll(): void {
    for (const entry of this.entries) this.tell(entry, () => entry.response.ping());
  }

  /** A body that throws is dropped, and the others still get theirs: these run on timers. */
  private tell(entry: Entry, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.remove(entry);
      this.logger.warn('resumable: an open response failed', err);
    }
  }

  /** Arms the lifetime timer for the oldest open body; bodies that closed before it are skipped when it fires. */
  private arm(): void {
    const oldest = this.entries.values().next().value;
    if (!oldest) return;
    this.lifetime = setTimeout(() => this.expireDue(), Math.max(0, oldest.deadline - Date.now()));
  }

  private expireDue(): void {
    this.lifetime = undefined;
    const now = Date.now();
    for (const entry of this.entries) {
      if (entry.deadline > now) break;
      this.remove(entry);
      this.tell(entry, () => entry.response.expire());
    }
    if (this.lifetime === undefined) this.arm();
  }
}
