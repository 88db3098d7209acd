// Home: opens a fresh chat, ready for its first message.
import { redirect } from 'next/navigation';

export const dynamic = 'force-dynamic';

export default function HomePage(): never {
  redirect(`/chat/${crypto.randomUUID()}`);
}
