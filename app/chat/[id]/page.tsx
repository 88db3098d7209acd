// A chat: history rendered on the server, then followed live in the browser.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ChatApp } from '@/components/chat-app';
import { usesLocalModel } from '@/lib/anthropic';
import { idSchema } from '@/lib/api-schemas';
import { currentOwner } from '@/lib/owner';
import { chatDetail, isUnavailableChat, listChats } from '@/lib/turns';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

interface Props {
  params: Promise<{ id: string }>;
}

export const metadata: Metadata = { title: 'Resumable Chat' };

export default async function ChatPage({ params }: Props) {
  const parsed = idSchema.safeParse((await params).id);
  if (!parsed.success) notFound();
  const chatId = parsed.data;
  const ownerId = await currentOwner();
  // Another browser's chat, or a deleted one, does not exist for this one.
  if (ownerId === null ? false : isUnavailableChat(ownerId, chatId)) notFound();
  const detail = ownerId ? ((await chatDetail(ownerId, chatId)) ?? null) : null;
  const chats = ownerId ? listChats(ownerId) : [];
  return <ChatApp chatId={chatId} initialDetail={detail} chats={chats} localModel={usesLocalModel()} />;
}
