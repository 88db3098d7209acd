'use client';
// The sidebar's chats, newest first: seeded by the chat layout's server render, refreshed after sends and when
// the tab comes back into view (other tabs may have created or deleted chats), trimmed on delete.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatSummary } from '../lib/chat-types';
import { deleteChat, fetchChats } from './chat-api';

export interface ChatList {
  chats: ChatSummary[];
  refresh: () => void;
  /** Deletes on the server, then drops it from the list; rejects with the API error if that failed. */
  remove: (chatId: string) => Promise<void>;
}

export function useChatList(initial: ChatSummary[]): ChatList {
  const [chats, setChats] = useState(initial);
  const latest = useRef<AbortController | null>(null);
  /** Chats this tab deleted: a list read before the delete committed must not bring them back. */
  const removed = useRef(new Set<string>());

  // A new server render of the layout (a refresh) brings a fresh list; prefer it over ours.
  useEffect(() => setChats(initial), [initial]);
  useEffect(() => () => latest.current?.abort(), []);

  const refresh = useCallback(() => {
    latest.current?.abort();
    const controller = new AbortController();
    latest.current = controller;
    fetchChats(controller.signal).then(
      (next) => setChats(next.filter((chat) => !removed.current.has(chat.id))),
      () => {
        // The list is a convenience; a failed refresh keeps the one on screen.
      },
    );
  }, []);

  // Chats made or deleted in another tab show up once this one is looked at again.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [refresh]);

  const remove = useCallback(async (chatId: string) => {
    await deleteChat(chatId);
    removed.current.add(chatId);
    setChats((current) => current.filter((chat) => chat.id !== chatId));
  }, []);

  return { chats, refresh, remove };
}
