// A small label saying how a reply ended when it did not simply complete.
import type { ViewStatus } from './view-messages';

const chips = {
  stopped: {
    label: 'Stopped',
    className: 'bg-stone-100 text-stone-600 dark:bg-stone-800 dark:text-stone-300',
  },
  error: { label: 'Error', className: 'bg-red-50 text-red-700 dark:bg-red-950/60 dark:text-red-300' },
  interrupted: {
    label: 'Interrupted',
    className: 'bg-amber-50 text-amber-800 dark:bg-amber-950/60 dark:text-amber-300',
  },
} satisfies Record<'stopped' | 'error' | 'interrupted', { label: string; className: string }>;

export function StatusChip({ status }: { status: ViewStatus }) {
  if (status !== 'stopped' && status !== 'error' && status !== 'interrupted') return null;
  const chip = chips[status];
  return (
    <span
      data-testid="status-chip"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${chip.className}`}
    >
      {chip.label}
    </span>
  );
}
