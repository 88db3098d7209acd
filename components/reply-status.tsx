'use client';
// A visually hidden status line that tells screen reader users when a reply starts and when it ends.
import { useState } from 'react';

export function ReplyStatus({ running }: { running: boolean }) {
  // Silent until a reply has run in this view: "finished" on a freshly opened chat would announce nothing true.
  const [hasRun, setHasRun] = useState(running);
  if (running && !hasRun) setHasRun(true);
  const text = running ? 'Claude is replying…' : hasRun ? 'Reply finished' : '';
  return (
    <p role="status" data-testid="reply-status" className="sr-only">
      {text}
    </p>
  );
}
