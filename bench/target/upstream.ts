// The upstream every baseline shares: the Anthropic SDK streaming from local/anthropic, stamped per event.
import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import { wallNow } from '../harness/clock';

export type UpstreamPace = 'fast' | 'paced';

/** What a benchmark turn asks the model: one or more user messages answered back to back as one turn. */
export interface TurnSpec {
  id: string;
  /** The chat (stream) the turn belongs to; absent, a new chat named after `id`. */
  chat?: string;
  messages: string[];
  maxTokens: number;
  pace: UpstreamPace;
}

const turnSpecSchema = z.strictObject({
  id: z.string(),
  chat: z.string().optional(),
  messages: z.array(z.string()),
  maxTokens: z.number(),
  pace: z.enum(['fast', 'paced']),
});

export function parseTurnSpec(value: unknown): TurnSpec {
  return turnSpecSchema.parse(value);
}

/** Moments in a turn's start, for the time-to-first-event breakdown (wall clock, ms). */
export type TurnMark = 'received' | 'claimed' | 'upstream';

/**
 * When each event of a turn left the SDK's iterator, by turn id (the zero point of every lag figure), and
 * when the turn passed each start-up mark.
 */
export class StampBook {
  private readonly turns = new Map<string, { stamps: number[]; marks: Partial<Record<TurnMark, number>> }>();

  private entry(id: string) {
    let entry = this.turns.get(id);
    if (!entry) {
      entry = { stamps: [], marks: {} };
      this.turns.set(id, entry);
    }
    return entry;
  }

  mark(id: string, mark: TurnMark): void {
    this.entry(id).marks[mark] ??= wallNow();
  }

  stampsOf(id: string): number[] {
    return this.entry(id).stamps;
  }

  take(id: string) {
    const entry = this.turns.get(id);
    this.turns.delete(id);
    return entry;
  }
}

export class Upstreams {
  private readonly clients: Record<UpstreamPace, Anthropic>;
  /** Every running upstream request, so a scenario can end stalled turns at once. */
  private readonly running = new Set<AbortController>();
  readonly stamps = new StampBook();

  constructor(urls: Record<UpstreamPace, string>) {
    const client = (baseURL: string) => new Anthropic({ apiKey: 'local-model', baseURL, maxRetries: 0 });
    this.clients = { fast: client(urls.fast), paced: client(urls.paced) };
  }

  abortAll(): number {
    const count = this.running.size;
    for (const controller of this.running) controller.abort();
    return count;
  }

  /** The turn's events as the SDK yields them, each stamped the moment it is handed on. */
  async *events(spec: TurnSpec, signal?: AbortSignal): AsyncGenerator<RawMessageStreamEvent> {
    this.stamps.mark(spec.id, 'upstream');
    const stamps = this.stamps.stampsOf(spec.id);
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.running.add(controller);
    try {
      for (const message of spec.messages) {
        const stream = this.clients[spec.pace].messages.stream(
          {
            model: 'claude-haiku-4-5-20251001',
            max_tokens: spec.maxTokens,
            messages: [{ role: 'user', content: message }],
          },
          { signal: controller.signal },
        );
        for await (const event of stream) {
          stamps.push(wallNow());
          yield event;
        }
      }
    } finally {
      this.running.delete(controller);
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }
}

/** The SSE frame the direct proxy and the resumable-stream baseline send: `id` counts events from 1. */
export function frameOf(event: RawMessageStreamEvent, index: number): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\nid: ${index + 1}\n\n`;
}
