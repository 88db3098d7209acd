'use client';
// One chat in the sidebar: a link to it and a delete button.
import Link from 'next/link';
import type { ChatSummary } from '../lib/chat-types';
import { TrashIcon } from './icons';

interface ChatListItemProps {
  chat: ChatSummary;
  current: boolean;
  deleting: boolean;
  onNavigate: () => void;
  onDelete: (chat: ChatSummary) => void;
}

export function ChatListItem({ chat, current, deleting, onNavigate, onDelete }: ChatListItemProps) {
  const title = chat.title.trim() === '' ? 'Untitled chat' : chat.title;
  return (
    <li
      data-testid="chat-item"
      data-chat-id={chat.id}
      data-current={current || undefined}
      className={`group relative flex items-center rounded-lg transition ${
        current
          ? 'bg-stone-200/70 text-stone-900 dark:bg-stone-800 dark:text-stone-100'
          : 'text-stone-600 hover:bg-stone-200/40 hover:text-stone-900 dark:text-stone-400 dark:hover:bg-stone-800/50 dark:hover:text-stone-100'
      } ${deleting ? 'opacity-50' : ''}`}
    >
      <Link
        href={`/chat/${chat.id}`}
        onClick={onNavigate}
        aria-current={current ? 'page' : undefined}
        title={title}
        className="min-w-0 flex-1 truncate py-2 pr-9 pl-3 text-sm focus-visible:outline-none"
      >
        {title}
      </Link>
      <button
        type="button"
        data-testid="delete-chat"
        onClick={() => onDelete(chat)}
        disabled={deleting}
        aria-label={`Delete chat “${title}”`}
        title="Delete chat"
        className="absolute right-1.5 rounded-md p-1.5 text-stone-400 opacity-0 transition group-hover:opacity-100 group-focus-within:opacity-100 hover:bg-stone-300/50 hover:text-red-600 focus-visible:opacity-100 dark:hover:bg-stone-700 dark:hover:text-red-400 [@media(hover:none)]:opacity-100"
      >
        <TrashIcon className="size-4" />
      </button>
    </li>
  );
}
