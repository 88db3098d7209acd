// Test-only SSE reading: a response read incrementally or whole, and the events of its frames.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Reads an SSE response incrementally. */
export class SseReader {
  readonly frames: EventSourceMessage[] = [];
  readonly comments: string[] = [];
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly parser = createParser({
    onEvent: (message) => this.frames.push(message),
    onComment: (comment) => this.comments.push(comment),
  });
  private readonly decoder = new TextDecoder();
  ended = false;

  constructor(response: Response) {
    if (!response.body) throw new Error('response has no body');
    this.reader = response.body.getReader();
  }

  /** Reads until `predicate` holds or the body ends; returns whether it holds. */
  async until(predicate: (reader: SseReader) => boolean): Promise<boolean> {
    while (!predicate(this)) {
      if (this.ended) return false;
      const { done, value } = await this.reader.read();
      if (done) this.ended = true;
      else this.parser.feed(this.decoder.decode(value, { stream: true }));
    }
    return true;
  }

  async all(): Promise<EventSourceMessage[]> {
    await this.until(() => false);
    return this.frames;
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}

export async function readAll(response: Response): Promise<EventSourceMessage[]> {
  return new SseReader(response).all();
}

/** The events of SSE frames, parsed. */
export function eventsOf(frames: readonly EventSourceMessage[]): unknown[] {
  return frames.map((frame) => JSON.parse(frame.data));
}
