// Home: a fresh chat, ready for its first message.
import { env } from '@/lib/env';

export const dynamic = 'force-dynamic';

export default function HomePage() {
  const localModel = !env().ANTHROPIC_API_KEY;
  return (
    <main className="mx-auto flex min-h-full max-w-2xl flex-col items-center justify-center gap-4 p-6 text-center">
      <h1 className="text-3xl font-semibold tracking-tight">Resumable Chat</h1>
      <p className="text-neutral-600 dark:text-neutral-400">
        Chat with Claude. Replies keep streaming through reloads, dropped connections and restarts.
      </p>
      {localModel ? (
        <span
          data-testid="local-model-badge"
          className="rounded-full border border-amber-300 bg-amber-50 px-3 py-1 text-xs font-medium text-amber-800 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
        >
          local model
        </span>
      ) : null}
    </main>
  );
}
