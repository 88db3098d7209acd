// A message the person sent, shown as typed (not markdown) in a bubble on the right.
import { memo } from 'react';
import { turnText } from '../lib/transcript';
import type { ViewMessage } from './view-messages';

export const UserMessage = memo(
  function UserMessage({ message }: { message: ViewMessage }) {
    return (
      <article data-testid="message-user" data-status={message.status} className="flex justify-end">
        <div
          data-testid="message-text"
          className="max-w-[85%] rounded-2xl rounded-br-md bg-stone-100 px-4 py-2.5 text-[15px] leading-relaxed wrap-break-word whitespace-pre-wrap text-stone-900 dark:bg-stone-800 dark:text-stone-100"
        >
          {turnText(message.content)}
        </div>
      </article>
    );
  },
  (before, after) => before.message.content === after.message.content,
);
