// The frame of every chat page: the browser's chat list, rendered once and kept while moving between chats.
import type { ReactNode } from 'react';
import { ChatShell } from '@/components/chat-shell';
import { currentOwner } from '@/lib/owner';
import { listChats } from '@/lib/turns';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export default async function ChatLayout({ children }: { children: ReactNode }) {
  const ownerId = await currentOwner();
  return <ChatShell initialChats={ownerId ? listChats(ownerId) : []}>{children}</ChatShell>;
}
