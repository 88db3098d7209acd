'use client';
// The sidebar's chats, newest first: seeded by the server render, refreshed after sends, trimmed on delete.
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

  // A navigation re-renders the page on the server with a fresh list; prefer it over ours.
  useEffect(() => setChats(initial), [initial]);
  useEffect(() => () => latest.current?.abort(), []);

  const refresh = useCallback(() => {
    latest.current?.abort();
    const controller = new AbortController();
    latest.current = controller;
    fetchChats(controller.signal).then(
      (next) => setChats(next),
      () => {
        // The list is a convenience; a failed refresh keeps the one on screen.
      },
    );
  }, []);

  const remove = useCallback(async (chatId: string) => {
    await deleteChat(chatId);
    setChats((current) => current.filter((chat) => chat.id !== chatId));
  }, []);

  return { chats, refresh, remove };
}
