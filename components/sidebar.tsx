'use client';
// The list of chats, newest first, with "New chat"; a drawer on narrow screens, a column on wide ones.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import type { ChatSummary } from '../lib/chat-types';
import { ChatListItem } from './chat-list-item';
import { CloseIcon, PlusIcon } from './icons';

interface SidebarProps {
  chats: ChatSummary[];
  /** Null on a chat page that is not a chat (a chat that was not found). */
  currentChatId: string | null;
  open: boolean;
  onClose: () => void;
  onNewChat: () => void;
  onDelete: (chatId: string) => Promise<void>;
}

export function Sidebar({ chats, currentChatId, open, onClose, onNewChat, onDelete }: SidebarProps) {
  const [deletingId, setDeletingId] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const close = useEffectEvent(() => onClose());

  // As a drawer (narrow screens), it takes the keyboard while open: focus moves in, and Esc closes it rather
  // than stopping a running reply (this listener runs first, in the capture phase, and claims the key).
  useEffect(() => {
    if (!open || window.matchMedia('(min-width: 768px)').matches) return;
    // The drawer's `visibility` turns visible only once its slide-in transition has started, and a hidden
    // button cannot take focus: try on each frame until it does (a few frames at most).
    // Whatever opened the drawer (its menu button) gets the focus back when it closes, as a dialog's does.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    let frame = 0;
    let tries = 0;
    const focusIn = () => {
      const button = closeButton.current;
      button?.focus();
      if (button && document.activeElement !== button && ++tries < 30) frame = requestAnimationFrame(focusIn);
    };
    frame = requestAnimationFrame(focusIn);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      close();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('keydown', onKeyDown, true);
      if (opener?.isConnected) opener.focus();
    };
  }, [open]);

  async function remove(chat: ChatSummary) {
    setDeletingId(chat.id);
    setFailure(null);
    try {
      await onDelete(chat.id);
    } catch {
      setFailure('Could not delete that chat. Try again.');
    } finally {
      setDeletingId(null);
    }
  }

  return (
    <>
      {open && (
        <button
          type="button"
          aria-label="Close the chat list"
          onClick={onClose}
          className="fixed inset-0 z-30 bg-stone-950/30 backdrop-blur-[1px] md:hidden"
        />
      )}
      <aside
        id="chat-sidebar"
        aria-label="Chats"
        className={`fixed inset-y-0 left-0 z-40 flex w-72 max-w-[85vw] flex-col border-r border-stone-200 bg-stone-50 transition-[translate,visibility] duration-200 md:static md:z-auto md:translate-x-0 dark:border-stone-800 dark:bg-stone-900 ${
          open ? 'translate-x-0 shadow-xl md:shadow-none' : 'invisible -translate-x-full md:visible'
        }`}
      >
        <div className="flex h-14 items-center gap-2 px-4">
          <span className="size-2.5 rounded-full bg-orange-500" aria-hidden="true" />
          <span className="text-sm font-semibold tracking-tight text-stone-900 dark:text-stone-100">
            Resumable Chat
          </span>
          <button
            ref={closeButton}
            type="button"
            onClick={onClose}
            aria-label="Close the chat list"
            className="ml-auto rounded-md p-1.5 text-stone-500 hover:bg-stone-200/60 md:hidden dark:hover:bg-stone-800"
          >
            <CloseIcon className="size-4" />
          </button>
        </div>
        <div className="px-3 pb-3">
          <button
            type="button"
            data-testid="new-chat"
            onClick={onNewChat}
            className="flex w-full items-center gap-2 rounded-lg border border-stone-200 bg-white px-3 py-2 text-sm font-medium text-stone-800 shadow-xs transition hover:border-stone-300 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-orange-500/40 focus-visible:outline-none dark:border-stone-700 dark:bg-stone-800 dark:text-stone-100 dark:hover:bg-stone-700"
          >
            <PlusIcon className="size-4" />
            New chat
          </button>
        </div>
        <nav className="min-h-0 flex-1 overflow-y-auto px-2 pb-4" aria-label="Chat history">
          <h2 className="px-3 pt-2 pb-1.5 text-xs font-medium text-stone-400 dark:text-stone-500">Recent</h2>
          <ul data-testid="chat-list" className="flex flex-col gap-0.5">
            {chats.map((chat) => (
              <ChatListItem
                key={chat.id}
                chat={chat}
                current={chat.id === currentChatId}
                deleting={deletingId === chat.id}
                onNavigate={onClose}
                onDelete={remove}
              />
            ))}
          </ul>
          {chats.length === 0 && (
            <p className="px-3 py-2 text-sm text-stone-400 dark:text-stone-500">
              Your chats will appear here.
            </p>
          )}
          {failure !== null && (
            <p role="alert" className="px-3 py-2 text-sm text-red-600 dark:text-red-400">
              {failure}
            </p>
          )}
        </nav>
      </aside>
    </>
  );
}
