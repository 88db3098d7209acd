// Shown for any address the app has no page for.
import { NewChatLink, NoticePage } from '@/components/notice-page';

export default function NotFound() {
  return (
    <NoticePage title="Page not found" message="This page could not be found.">
      <NewChatLink primary />
    </NoticePage>
  );
}
