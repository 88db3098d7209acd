// Starts a model reply with the Anthropic SDK and keeps its accumulated message for the transcript.
import 'server-only';
import type { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import type {
  ContentBlock,
  Message,
  MessageParam,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import { anthropic } from './anthropic';
import { env } from './env';

export interface ModelReply {
  /** The raw stream events, exactly as the API sent them. */
  events: AsyncIterable<RawMessageStreamEvent>;
  /** What the SDK has accumulated so far: the whole reply after message_stop, the partial one before. */
  content(): ContentBlock[];
}

type Settled = { done: true; error?: unknown } | { done: false; event: RawMessageStreamEvent };

/**
 * Adapts a MessageStream into raw events plus its accumulated message.
 *
 * The SDK accumulates into the very objects it received: message_start's `message` becomes the snapshot,
 * which later events change in place, so that event read later from the iterator would hold later content.
 * It is therefore copied in the SDK's synchronous `streamEvent` callback, the moment it has been applied.
 * No other event is kept by the SDK (content_block_start is copied into the snapshot; deltas replace blocks
 * with new objects), so the others are passed on as they are: structuredClone costs about 2 µs per event.
 * The first test in model-stream.test.ts reads every event after the reply ended, so an SDK version that
 * aliased another event would fail it.
 */
export function trackReply(stream: MessageStream): ModelReply {
  let latest: Message | undefined;
  const queue: Settled[] = [];
  let wake: (() => void) | undefined;
  const push = (item: Settled) => {
    queue.push(item);
    wake?.();
  };
  stream.on('streamEvent', (event, snapshot) => {
    latest = snapshot;
    push({ done: false, event: event.type === 'message_start' ? structuredClone(event) : event });
  });
  stream.on('end', () => push({ done: true }));
  stream.on('error', (error) => push({ done: true, error }));
  stream.on('abort', (error) => push({ done: true, error }));

  async function* events(): AsyncGenerator<RawMessageStreamEvent> {
    try {
      for (;;) {
        const item = queue.shift();
        if (!item) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        if (!item.done) {
          yield item.event;
          continue;
        }
        if (item.error !== undefined) throw item.error;
        return;
      }
    } finally {
      // A consumer that stops early (stop, takeover) must not leave the request running.
      if (!stream.ended) stream.abort();
    }
  }
  return { events: events(), content: () => structuredClone(latest?.content ?? []) };
}

/** Streams a reply to the conversation. The signal is the turn's stop signal, never the HTTP request's. */
export function streamReply(messages: MessageParam[], signal: AbortSignal): ModelReply {
  const config = env();
  const stream = anthropic().messages.stream(
    { model: config.ANTHROPIC_MODEL, max_tokens: config.ANTHROPIC_MAX_TOKENS, messages },
    { signal },
  );
  return trackReply(stream);
}
