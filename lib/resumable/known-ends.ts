// Where this process last ended each stream's generation, so the next claim there can skip reading S2.

/** A generation this process ended with its own terminal fence: the stream's state right after it. */
export interface KnownEnd {
  /** The seq num after the terminal fence: the tail, unless someone appended since. */
  tail: number;
  /** The terminal fencing token: the stream's fencing token, unless someone fenced since. */
  token: string;
  /** The turn that generation answered; a retry of that turn must still find and join it. */
  turnId: string;
}

/** Enough for every chat an instance serves at once; the oldest entries go first. */
export const MAX_KNOWN_ENDS = 10_000;

/**
 * A hint, never a source of truth: a claim built on it is conditioned on its tail and token, so if another
 * instance wrote meanwhile the append fails and the claim reads the stream as it would have anyway.
 */
export class KnownEnds {
  private readonly ends = new Map<string, KnownEnd>();

  constructor(private readonly limit = MAX_KNOWN_ENDS) {}

  /** Takes the entry out: it describes the stream only until the claim built on it is appended. */
  take(streamName: string): KnownEnd | undefined {
    const end = this.ends.get(streamName);
    this.ends.delete(streamName);
    return end;
  }

  remember(streamName: string, end: KnownEnd): void {
    this.ends.delete(streamName);
    this.ends.set(streamName, end);
    if (this.ends.size > this.limit) {
      const oldest = this.ends.keys().next();
      if (!oldest.done) this.ends.delete(oldest.value);
    }
  }

  get size(): number {
    return this.ends.size;
  }
}
