'use client';
// The chat page's client root: the chat list beside the open chat. Mounted by app/chat/[id]/page.tsx.
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatDetail, ChatSummary } from '../lib/chat-types';
import { ChatView } from './chat-view';
import { newId } from './new-id';
import { Sidebar } from './sidebar';
import { useChatList } from './use-chat-list';

export interface ChatAppProps {
  chatId: string;
  /** The chat as stored, or null for a chat that has no message yet (it is created by its first send). */
  initialDetail: ChatDetail | null;
  /** The browser's chats, newest first. */
  chats: ChatSummary[];
  /** Replies come from the bundled local model (no Anthropic API key configured). */
  localModel: boolean;
}

export function ChatApp({ chatId, initialDetail, chats: initialChats, localModel }: ChatAppProps) {
  const router = useRouter();
  const { chats, refresh, remove } = useChatList(initialChats);
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const title = chats.find((chat) => chat.id === chatId)?.title ?? initialDetail?.chat.title ?? 'New chat';

  const startNewChat = useCallback(() => {
    setSidebarOpen(false);
    router.push(`/chat/${newId()}`);
  }, [router]);

  // The chat on screen now, for work that finishes later: null once this page has gone.
  const shownChat = useRef<string | null>(chatId);
  useEffect(() => {
    shownChat.current = chatId;
    return () => {
      shownChat.current = null;
    };
  }, [chatId]);

  const deleteChat = useCallback(
    async (id: string) => {
      await remove(id);
      // Only a deleted chat still on screen gives way to a new one: the user may have opened another meanwhile.
      if (shownChat.current === id) router.replace('/');
    },
    [remove, router],
  );

  return (
    <div className="flex h-dvh overflow-hidden bg-white text-stone-900 antialiased dark:bg-stone-950 dark:text-stone-100">
      <Sidebar
        chats={chats}
        currentChatId={chatId}
        open={sidebarOpen}
        onClose={() => setSidebarOpen(false)}
        onNewChat={startNewChat}
        onDelete={deleteChat}
      />
      <ChatView
        key={chatId}
        chatId={chatId}
        initialDetail={initialDetail}
        title={title.trim() === '' ? 'Untitled chat' : title}
        localModel={localModel}
        sidebarOpen={sidebarOpen}
        onOpenSidebar={() => setSidebarOpen(true)}
        onChatsChanged={refresh}
      />
    </div>
  );
}
