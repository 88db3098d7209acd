'use client';
// One chat: its header, the conversation (or the empty state), notices and the composer; in ChatShell.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatDetail } from '../lib/chat-types';
import { ChatHeader } from './chat-header';
import { useChatShell } from './chat-shell';
import { Composer } from './composer';
import type { IndicatorState } from './connection-indicator';
import { EmptyState } from './empty-state';
import { ErrorBanner } from './error-banner';
import { MessageList } from './message-list';
import { ReplyStatus } from './reply-status';
import { useChatSession } from './use-chat-session';
import { useOnline } from './use-online';
import { useSendTurn } from './use-send-turn';

interface ChatViewProps {
  chatId: string;
  /** The chat as stored, or null for a chat that has no message yet (it is created by its first send). */
  initialDetail: ChatDetail | null;
  /** Replies come from the bundled local model (no Anthropic API key configured). */
  localModel: boolean;
}

export function ChatView({ chatId, initialDetail, localModel }: ChatViewProps) {
  const { chats, refreshChats: onChatsChanged, sidebarOpen, openSidebar } = useChatShell();
  const stored = chats.find((chat) => chat.id === chatId)?.title ?? initialDetail?.chat.title ?? 'New chat';
  const title = stored.trim() === '' ? 'Untitled chat' : stored;
  const { messages, running, connection, banner, dispatch } = useChatSession(chatId, initialDetail);
  const online = useOnline();
  const { send, stop } = useSendTurn(chatId, dispatch, onChatsChanged);
  const [sentCount, setSentCount] = useState(0);

  const sendAndFollow = useCallback(
    (text: string) => {
      setSentCount((count) => count + 1);
      return send(text);
    },
    [send],
  );

  // Esc stops the reply from anywhere on the page, not only from the (read-only while it runs) composer.
  useEffect(() => {
    if (!running) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      void stop();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [running, stop]);

  // A finished reply renames a new chat and reorders the list.
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current && !running) onChatsChanged();
    wasRunning.current = running;
  }, [running, onChatsChanged]);

  const indicator: IndicatorState = online ? connection : 'offline';
  return (
    <main className="flex h-full min-w-0 flex-1 flex-col">
      <ChatHeader
        title={title}
        connection={indicator}
        localModel={localModel}
        sidebarOpen={sidebarOpen}
        onOpenSidebar={openSidebar}
      />
      {messages.length === 0 ? (
        <EmptyState onPick={(command) => void sendAndFollow(command)} disabled={running} />
      ) : (
        <MessageList messages={messages} sentCount={sentCount} />
      )}
      <ReplyStatus running={running} />
      {banner !== null && (
        <ErrorBanner banner={banner} onDismiss={() => dispatch({ type: 'banner', banner: null })} />
      )}
      <Composer running={running} onSend={sendAndFollow} onStop={() => void stop()} />
    </main>
  );
}
