// Shown for a chat id that is malformed, unknown, or belongs to another browser (which is the same to us).
import { NewChatLink, NoticePage } from '@/components/notice-page';

export default function ChatNotFound() {
  return (
    <NoticePage
      title="Chat not found"
      message="This chat could not be found. Chats open only in the browser that started them, and deleted chats are gone."
    >
      <NewChatLink primary />
    </NoticePage>
  );
}
