// Test-only Anthropic event sources: whole messages, paced replays, and a source the test drives by hand.
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';

/** A complete Anthropic message streaming `texts` as text deltas. */
export function messageEvents(texts: readonly string[], id = 'msg_test'): RawMessageStreamEvent[] {
  const start = {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 1 },
    },
  } as unknown as RawMessageStreamEvent;
  const delta = {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: texts.length },
  } as unknown as RawMessageStreamEvent;
  return [
    start,
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } },
    ...texts.map(
      (text): RawMessageStreamEvent => ({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text },
      }),
    ),
    { type: 'content_block_stop', index: 0 },
    delta,
    { type: 'message_stop' },
  ];
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Yields `events` with a pause before each. */
export async function* paced<T>(events: readonly T[], delayMs: number): AsyncGenerator<T> {
  for (const event of events) {
    await sleep(delayMs);
    yield event;
  }
}

/** A source the test drives by hand; `return()` works even while a `next()` is pending. */
export interface ControlledSource extends AsyncIterable<RawMessageStreamEvent> {
  push(event: RawMessageStreamEvent): void;
  end(): void;
  fail(error: unknown): void;
  /** Resolves when the consumer called `return()`. */
  returned: Promise<void>;
  wasReturned(): boolean;
}

export function controlledSource(): ControlledSource {
  type Item = { event: RawMessageStreamEvent } | { end: true } | { error: unknown };
  const queue: Item[] = [];
  let waiting: ((item: Item) => void) | undefined;
  let didReturn = false;
  let onReturned: () => void = () => undefined;
  const returned = new Promise<void>((resolve) => {
    onReturned = resolve;
  });
  const deliver = (item: Item) => {
    if (waiting) {
      const wake = waiting;
      waiting = undefined;
      wake(item);
    } else queue.push(item);
  };
  const iterator: AsyncIterator<RawMessageStreamEvent> = {
    async next() {
      if (didReturn) return { done: true, value: undefined };
      const item = queue.shift() ?? (await new Promise<Item>((resolve) => (waiting = resolve)));
      if ('error' in item) throw item.error;
      if ('end' in item) return { done: true, value: undefined };
      return { done: false, value: item.event };
    },
    async return() {
      didReturn = true;
      onReturned();
      waiting?.({ end: true });
      return { done: true, value: undefined };
    },
  };
  return {
    [Symbol.asyncIterator]: () => iterator,
    push: (event) => deliver({ event }),
    end: () => deliver({ end: true }),
    fail: (error) => deliver({ error }),
    returned,
    wasReturned: () => didReturn,
  };
}
