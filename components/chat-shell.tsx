'use client';
// The chat pages' frame, kept across chats: the chat list (a drawer on phones) beside the open chat.
import { useParams, useRouter } from 'next/navigation';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ChatSummary } from '../lib/chat-types';
import { newId } from './new-id';
import { Sidebar } from './sidebar';
import { useChatList } from './use-chat-list';

/** What the open chat needs from the frame around it. */
export interface ChatShellContext {
  chats: ChatSummary[];
  /** Something that changes the chat list happened (a chat was created, a reply ended). */
  refreshChats: () => void;
  sidebarOpen: boolean;
  openSidebar: () => void;
}

const ShellContext = createContext<ChatShellContext | null>(null);

export function useChatShell(): ChatShellContext {
  const shell = useContext(ShellContext);
  if (!shell) throw new Error('useChatShell is used outside ChatShell (app/chat/layout.tsx)');
  return shell;
}

interface ChatShellProps {
  /** The browser's chats, newest first, as the layout rendered them. */
  initialChats: ChatSummary[];
  children: ReactNode;
}

/**
 * Mounted once by app/chat/layout.tsx: moving from chat to chat keeps the list, its scroll position and any
 * message on it, instead of rendering them again with every chat.
 */
export function ChatShell({ initialChats, children }: ChatShellProps) {
  const router = useRouter();
  const params = useParams<{ id?: string }>();
  const currentChatId = params.id ?? null;
  const { chats, refresh, remove } = useChatList(initialChats);
  const [sidebarOpen, setSidebarOpen] = useState(false);

  // The chat on screen now, for a delete that finishes later (the user may have opened another meanwhile).
  const shownChat = useRef(currentChatId);
  useEffect(() => {
    shownChat.current = currentChatId;
  }, [currentChatId]);

  const startNewChat = useCallback(() => {
    setSidebarOpen(false);
    router.push(`/chat/${newId()}`);
  }, [router]);

  const deleteChat = useCallback(
    async (id: string) => {
      await remove(id);
      // Only a deleted chat still on screen gives way to a new one.
      if (shownChat.current === id) router.replace('/');
    },
    [remove, router],
  );

  const openSidebar = useCallback(() => setSidebarOpen(true), []);
  const context = useMemo(
    () => ({ chats, refreshChats: refresh, sidebarOpen, openSidebar }),
    [chats, refresh, sidebarOpen, openSidebar],
  );

  return (
    <div className="flex h-dvh overflow-hidden bg-white text-stone-900 antialiased dark:bg-stone-950 dark:text-stone-100">
      <Sidebar
        chats={chats}
        currentChatId={currentChatId}
        open={sidebarOpen}
        onClose={() => setSidebarOpen(false)}
        onNewChat={startNewChat}
        onDelete={deleteChat}
      />
      <ShellContext.Provider value={context}>{children}</ShellContext.Provider>
    </div>
  );
}
