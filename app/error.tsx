'use client';
// The app's error boundary: a page that failed to render offers a retry instead of a blank screen.
import { useEffect } from 'react';
import { NewChatLink, NoticePage, primaryActionClass } from '@/components/notice-page';

interface ErrorPageProps {
  error: unknown;
  /** Re-fetches and re-renders the failed segment (Next's recovery for transient server errors). */
  retry: () => void;
}

export default function ErrorPage({ error, retry }: ErrorPageProps) {
  useEffect(() => {
    // The production message is generic by design; the console keeps the digest to match server logs.
    console.error(error);
  }, [error]);

  return (
    <NoticePage
      title="Something went wrong"
      message="This page could not be shown. Replies keep going on the server, so nothing is lost by trying again."
    >
      <button type="button" onClick={retry} className={primaryActionClass}>
        Try again
      </button>
      <NewChatLink primary={false} />
    </NoticePage>
  );
}
