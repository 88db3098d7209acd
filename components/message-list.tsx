'use client';
// The conversation, oldest first, following new content as it streams in.
import { useEffect } from 'react';
import { AssistantMessage } from './assistant-message';
import { ArrowDownIcon } from './icons';
import { useStickToBottom } from './use-stick-to-bottom';
import { UserMessage } from './user-message';
import type { ViewMessage } from './view-messages';

interface MessageListProps {
  messages: ViewMessage[];
  /** Changes when this tab sends: the view jumps to the bottom even if the reader had scrolled up. */
  sentCount: number;
}

export function MessageList({ messages, sentCount }: MessageListProps) {
  const { ref, onScroll, awayFromBottom, scrollToBottom } = useStickToBottom(messages);

  useEffect(() => {
    if (sentCount > 0) scrollToBottom();
  }, [sentCount, scrollToBottom]);

  return (
    <div className="relative min-h-0 flex-1">
      <div ref={ref} onScroll={onScroll} className="h-full overflow-y-auto overscroll-contain">
        {/* One live region that outlives every message: new messages are announced as they are added, and a
            streaming reply (aria-busy) when it settles rather than token by token. */}
        <div
          role="log"
          aria-live="polite"
          aria-label="Conversation"
          className="mx-auto flex w-full max-w-3xl flex-col gap-7 px-4 pt-6 pb-10 sm:px-6"
        >
          {messages.map((message) =>
            message.role === 'user' ? (
              <UserMessage key={message.key} message={message} />
            ) : (
              <AssistantMessage key={message.key} message={message} />
            ),
          )}
        </div>
      </div>
      {awayFromBottom && (
        <button
          type="button"
          onClick={() => scrollToBottom('smooth')}
          aria-label="Jump to the latest message"
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full border border-stone-200 bg-white/95 p-2 text-stone-600 shadow-sm backdrop-blur transition hover:text-stone-900 dark:border-stone-700 dark:bg-stone-900/95 dark:text-stone-300 dark:hover:text-white"
        >
          <ArrowDownIcon className="size-4" />
        </button>
      )}
    </div>
  );
}
