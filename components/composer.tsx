'use client';
// Where a message is written: Enter sends, Shift+Enter adds a line; a Stop button while a reply runs.
import { type FormEvent, type KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ArrowUpIcon, StopIcon } from './icons';

interface ComposerProps {
  running: boolean;
  /** Resolves false when the message was not accepted, so the draft comes back for another try. */
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
}

const MAX_HEIGHT_PX = 220;

export function Composer({ running, onSend, onStop }: ComposerProps) {
  const [draft, setDraft] = useState('');
  const textarea = useRef<HTMLTextAreaElement>(null);
  const canSend = !running && draft.trim() !== '';

  // Grow with the text up to a limit, then scroll inside.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the height depends on the draft's rendered size.
  useLayoutEffect(() => {
    const element = textarea.current;
    if (element === null) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [draft]);

  // Hand the keyboard back once a reply ends (and on load with a real keyboard, not a touch screen, where
  // focus would pop the keyboard up), unless the reader is busy elsewhere on the page.
  const wasRunning = useRef(running);
  useEffect(() => {
    const replyEnded = wasRunning.current && !running;
    wasRunning.current = running;
    if (running || (!replyEnded && !window.matchMedia('(pointer: fine)').matches)) return;
    const active = document.activeElement;
    if (active === null || active === document.body) textarea.current?.focus();
  }, [running]);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!canSend) return;
    const text = draft.trim();
    setDraft('');
    const accepted = await onSend(text);
    if (!accepted) setDraft((current) => (current === '' ? text : current));
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // While an IME composes, Enter picks a candidate; it must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form onSubmit={submit} className="mx-auto w-full max-w-3xl px-3 pb-3 sm:px-6 sm:pb-5">
      <div className="flex items-end gap-2 rounded-3xl border border-stone-200 bg-white p-2 pl-4 shadow-[0_1px_6px_rgba(0,0,0,0.04)] transition focus-within:border-stone-300 focus-within:shadow-[0_2px_14px_rgba(0,0,0,0.07)] dark:border-stone-800 dark:bg-stone-900 dark:focus-within:border-stone-700">
        <label htmlFor="composer" className="sr-only">
          Message
        </label>
        <textarea
          id="composer"
          ref={textarea}
          data-testid="composer"
          rows={1}
          value={draft}
          // Read-only rather than disabled while a reply runs: a disabled field drops keyboard focus to the page.
          readOnly={running}
          aria-disabled={running}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={running ? 'Claude is replying…' : 'Message Claude'}
          className="max-h-[220px] min-h-10 flex-1 resize-none bg-transparent py-2 text-[15px] leading-6 text-stone-900 outline-none placeholder:text-stone-400 aria-disabled:cursor-not-allowed dark:text-stone-100 dark:placeholder:text-stone-500"
        />
        {running && (
          <button
            type="button"
            data-testid="stop"
            onClick={onStop}
            aria-label="Stop the reply"
            title="Stop (Esc)"
            className="flex size-10 shrink-0 items-center justify-center rounded-full border border-stone-300 text-stone-700 transition hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-orange-500/40 focus-visible:outline-none dark:border-stone-600 dark:text-stone-200 dark:hover:bg-stone-800"
          >
            <StopIcon className="size-4" />
          </button>
        )}
        <button
          type="submit"
          data-testid="send"
          disabled={!canSend}
          aria-label="Send message"
          title="Send (Enter)"
          className="flex size-10 shrink-0 items-center justify-center rounded-full bg-stone-900 text-white transition hover:bg-stone-700 focus-visible:ring-2 focus-visible:ring-orange-500/40 focus-visible:outline-none disabled:cursor-not-allowed disabled:bg-stone-200 disabled:text-stone-400 dark:bg-stone-100 dark:text-stone-900 dark:hover:bg-white dark:disabled:bg-stone-800 dark:disabled:text-stone-500"
        >
          <ArrowUpIcon className="size-4.5" />
        </button>
      </div>
      <p className="mt-2 hidden text-center text-xs text-stone-400 sm:block dark:text-stone-500">
        Enter to send · Shift+Enter for a new line · Esc to stop. Replies keep going if you reload or lose the
        connection.
      </p>
    </form>
  );
}
