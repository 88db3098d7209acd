// A chat: history rendered on the server, then followed live in the browser, beside the chat list.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ChatView } from '@/components/chat-view';
import { usesLocalModel } from '@/lib/anthropic';
import { idSchema } from '@/lib/api-schemas';
import { currentOwner } from '@/lib/owner';
import { chatDetail, chatTitle, isUnavailableChat } from '@/lib/turns';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

interface Props {
  params: Promise<{ id: string }>;
}

const APP_TITLE = 'Resumable Chat';

/** The chat's title in the tab, so several open chats can be told apart. */
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const parsed = idSchema.safeParse((await params).id);
  const ownerId = await currentOwner();
  const title = parsed.success && ownerId ? chatTitle(ownerId, parsed.data) : null;
  return { title: title ? `${title} · ${APP_TITLE}` : APP_TITLE };
}

export default async function ChatPage({ params }: Props) {
  const parsed = idSchema.safeParse((await params).id);
  if (!parsed.success) notFound();
  const chatId = parsed.data;
  const ownerId = await currentOwner();
  // Another browser's chat, or a deleted one, does not exist for this one.
  if (ownerId === null ? false : isUnavailableChat(ownerId, chatId)) notFound();
  const detail = ownerId ? ((await chatDetail(ownerId, chatId)) ?? null) : null;
  // Inside the chat list of app/chat/layout.tsx; a new chat id gets a new view.
  return <ChatView key={chatId} chatId={chatId} initialDetail={detail} localModel={usesLocalModel()} />;
}
