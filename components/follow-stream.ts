// Follows a chat's live session log from a cursor, re-hydrating from history when the cursor is out of range.
import type { ChatDetail } from '../lib/chat-types';
import { type ConnectionState, CursorOutOfRangeError, subscribe } from '../lib/resumable/client';
import type { ResumableEvent } from '../lib/resumable/events';
import { fetchChat, streamUrl } from './chat-api';

export interface FollowStreamOptions {
  chatId: string;
  from: number;
  signal: AbortSignal;
  /** `cursor` is the stream position just past `event` (its SSE id). */
  onEvent: (event: ResumableEvent, cursor: number | null) => void;
  /** History re-read after a 416; following resumes from `detail.cursor` right after. */
  onRehydrate: (detail: ChatDetail) => void;
  onState: (state: ConnectionState) => void;
  /** The stream cannot be followed any more (the chat is gone, or the server refuses). */
  onFatal: (error: unknown) => void;
}

/** A stream that keeps answering 416 to fresh cursors is broken; stop rather than loop. */
const MAX_CONSECUTIVE_REHYDRATES = 3;

export async function followStream(options: FollowStreamOptions): Promise<void> {
  const { chatId, signal } = options;
  let from = options.from;
  let rehydrates = 0;
  while (!signal.aborted) {
    let cursor: number | null = from;
    try {
      const events = subscribe({
        url: (at) => streamUrl(chatId, at ?? from),
        from,
        signal,
        credentials: 'same-origin',
        // An aborted subscription still reports 'ended' as it unwinds, possibly after its successor went live.
        onState: (state) => {
          if (!signal.aborted) options.onState(state);
        },
        onCursor: (next) => {
          cursor = next;
        },
      });
      for await (const event of events) {
        if (signal.aborted) return;
        rehydrates = 0;
        options.onEvent(event, cursor);
      }
      return;
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof CursorOutOfRangeError && rehydrates < MAX_CONSECUTIVE_REHYDRATES) {
        rehydrates += 1;
        try {
          const detail = await fetchChat(chatId, signal);
          options.onRehydrate(detail);
          from = detail.cursor;
          continue;
        } catch (refetchError) {
          if (signal.aborted) return;
          options.onFatal(refetchError);
          return;
        }
      }
      options.onFatal(error);
      return;
    }
  }
}
