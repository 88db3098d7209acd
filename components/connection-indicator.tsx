// Shows whether this tab is following the chat live, catching up after a drop, or offline.
import type { ConnectionState } from '../lib/resumable/client';

export type IndicatorState = ConnectionState | 'offline';

const looks = {
  live: { label: 'Live', dot: 'bg-emerald-500', pulse: false },
  connecting: { label: 'Connecting…', dot: 'bg-amber-400', pulse: true },
  reconnecting: { label: 'Reconnecting…', dot: 'bg-amber-500', pulse: true },
  offline: { label: 'Offline', dot: 'bg-red-500', pulse: false },
  ended: { label: 'Disconnected', dot: 'bg-stone-400', pulse: false },
} satisfies Record<IndicatorState, { label: string; dot: string; pulse: boolean }>;

export function ConnectionIndicator({ state }: { state: IndicatorState }) {
  const look = looks[state];
  return (
    <span
      data-testid="connection"
      data-state={state}
      role="status"
      title={
        state === 'reconnecting'
          ? 'The connection dropped; the reply will resume where it stopped.'
          : undefined
      }
      className="inline-flex items-center gap-1.5 rounded-full border border-stone-200 px-2.5 py-1 text-xs text-stone-600 dark:border-stone-800 dark:text-stone-400"
    >
      <span className="relative flex size-2">
        {look.pulse && (
          <span className={`absolute inset-0 animate-ping rounded-full opacity-60 ${look.dot}`} />
        )}
        <span className={`relative size-2 rounded-full ${look.dot}`} />
      </span>
      {look.label}
    </span>
  );
}
