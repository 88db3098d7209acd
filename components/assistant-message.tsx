'use client';
// A reply from the model: thinking, markdown text, tool calls, a caret while streaming, and how it ended.
import type { ContentBlock } from '@anthropic-ai/sdk/resources/messages';
import { memo } from 'react';
import { turnText } from '../lib/transcript';
import { Markdown } from './markdown';
import { StatusChip } from './status-chip';
import { ThinkingBlock } from './thinking-block';
import { ToolUseCard } from './tool-use-card';
import type { ViewMessage } from './view-messages';

// The caret rides on the last rendered block (a pseudo-element, so it adds no text to the message).
const caret =
  "[&>:last-child]:after:ml-0.5 [&>:last-child]:after:inline-block [&>:last-child]:after:h-[1.05em] [&>:last-child]:after:w-[0.45em] [&>:last-child]:after:translate-y-[0.18em] [&>:last-child]:after:animate-pulse [&>:last-child]:after:rounded-[1px] [&>:last-child]:after:bg-orange-500/80 [&>:last-child]:after:content-['']";

export const AssistantMessage = memo(
  function AssistantMessage({ message }: { message: ViewMessage }) {
    const streaming = message.status === 'streaming';
    const text = turnText(message.content);
    return (
      <article
        data-testid="message-assistant"
        data-status={message.status}
        aria-busy={streaming}
        className="flex flex-col gap-3"
      >
        {renderBlocks(message, 'before-text')}
        <div
          data-testid="message-text"
          className={`prose prose-stone max-w-none empty:hidden text-[15px] leading-relaxed dark:prose-invert prose-headings:font-semibold prose-a:text-orange-700 prose-a:underline-offset-2 dark:prose-a:text-orange-400 prose-code:before:content-none prose-code:after:content-none prose-pre:rounded-xl prose-pre:border prose-pre:border-stone-200 prose-pre:bg-stone-50 prose-pre:text-stone-800 dark:prose-pre:border-stone-800 dark:prose-pre:bg-stone-900 dark:prose-pre:text-stone-200 ${streaming ? caret : ''}`}
        >
          {text === '' ? null : <Markdown text={text} />}
        </div>
        {streaming && text === '' && !hasVisibleWork(message.content) && <WaitingDots />}
        {renderBlocks(message, 'after-text')}
        <Outcome message={message} />
      </article>
    );
  },
  (before, after) =>
    before.message.content === after.message.content &&
    before.message.status === after.message.status &&
    before.message.partialJson === after.message.partialJson &&
    before.message.error === after.message.error,
);

function NonTextBlock({
  block,
  partialJson,
  active,
}: {
  block: ContentBlock;
  partialJson: string | undefined;
  active: boolean;
}) {
  switch (block.type) {
    case 'thinking':
      return <ThinkingBlock text={block.thinking} active={active} />;
    case 'redacted_thinking':
      return <p className="text-sm text-stone-400 italic">Part of the model's reasoning was redacted.</p>;
    case 'tool_use':
      return <ToolUseCard name={block.name} input={block.input} partialJson={partialJson} server={false} />;
    case 'server_tool_use':
      return <ToolUseCard name={block.name} input={block.input} partialJson={partialJson} server />;
    default:
      // Results of server-side tools and uploads: named, not rendered, since their shapes vary.
      return <p className="text-xs text-stone-400">[{block.type.replaceAll('_', ' ')}]</p>;
  }
}

/**
 * The text renders as one markdown body, so other blocks go around it: reasoning before the answer, tool
 * calls and their results after it, which is the order the model produces them in.
 */
function renderBlocks(message: ViewMessage, where: 'before-text' | 'after-text') {
  const lastIndex = message.content.length - 1;
  const positioned = message.content.map((block, position) => ({ block, position }));
  return positioned
    .filter(({ block }) => block.type !== 'text' && isReasoning(block) === (where === 'before-text'))
    .map(({ block, position }) => (
      <NonTextBlock
        key={position}
        block={block}
        partialJson={message.partialJson[position]}
        active={message.status === 'streaming' && position === lastIndex}
      />
    ));
}

function isReasoning(block: ContentBlock): boolean {
  return block.type === 'thinking' || block.type === 'redacted_thinking';
}

function hasVisibleWork(content: readonly ContentBlock[]): boolean {
  return content.some((block) => block.type !== 'text');
}

function WaitingDots() {
  return (
    // An image, not a status: the chat's status line already says a reply is on its way.
    <div className="flex h-6 items-center gap-1" role="img" aria-label="Waiting for the reply">
      {[0, 150, 300].map((delay) => (
        <span
          key={delay}
          className="size-1.5 animate-bounce rounded-full bg-stone-400 dark:bg-stone-500"
          style={{ animationDelay: `${delay}ms` }}
        />
      ))}
    </div>
  );
}

function Outcome({ message }: { message: ViewMessage }) {
  if (message.status === 'complete' || message.status === 'streaming') return null;
  const detail =
    message.status === 'error'
      ? (message.error?.message ?? 'The reply failed.')
      : message.status === 'interrupted'
        ? 'The reply was cut off before it finished.'
        : null;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <StatusChip status={message.status} />
      {detail !== null && (
        <span
          data-testid="message-error"
          className={message.status === 'error' ? 'text-red-700 dark:text-red-300' : 'text-stone-500'}
        >
          {detail}
        </span>
      )}
    </div>
  );
}
