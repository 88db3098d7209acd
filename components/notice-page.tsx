// A whole-page notice (a missing chat, a failed render) in the chat's look: a mark, a heading, a line, actions.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { PlusIcon, SparkIcon } from './icons';

interface NoticePageProps {
  title: string;
  message: string;
  /** The way out: buttons or links, laid out in a row. */
  children: ReactNode;
}

export function NoticePage({ title, message, children }: NoticePageProps) {
  return (
    <main className="flex h-dvh flex-1 items-center justify-center bg-white px-4 text-stone-900 antialiased dark:bg-stone-950 dark:text-stone-100">
      <div className="w-full max-w-md text-center">
        <div className="mx-auto mb-5 flex size-11 items-center justify-center rounded-2xl bg-orange-50 text-orange-600 ring-1 ring-orange-100 dark:bg-orange-950/40 dark:text-orange-400 dark:ring-orange-900/50">
          <SparkIcon className="size-5" />
        </div>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="mx-auto mt-2 max-w-sm text-[15px] leading-relaxed text-stone-500 dark:text-stone-400">
          {message}
        </p>
        <div className="mt-6 flex flex-wrap items-center justify-center gap-2">{children}</div>
      </div>
    </main>
  );
}

export const primaryActionClass =
  'inline-flex items-center gap-2 rounded-lg bg-stone-900 px-4 py-2 text-sm font-medium text-white transition hover:bg-stone-700 focus-visible:ring-2 focus-visible:ring-orange-500/40 focus-visible:outline-none dark:bg-stone-100 dark:text-stone-900 dark:hover:bg-white';

export const secondaryActionClass =
  'inline-flex items-center gap-2 rounded-lg border border-stone-200 bg-white px-4 py-2 text-sm font-medium text-stone-800 shadow-xs transition hover:border-stone-300 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-orange-500/40 focus-visible:outline-none dark:border-stone-700 dark:bg-stone-800 dark:text-stone-100 dark:hover:bg-stone-700';

export function NewChatLink({ primary }: { primary: boolean }) {
  // Not prefetched: `/` redirects to a fresh chat id, and a cached redirect would reuse one id for every click.
  return (
    <Link href="/" prefetch={false} className={primary ? primaryActionClass : secondaryActionClass}>
      <PlusIcon className="size-4" />
      Start a new chat
    </Link>
  );
}
