// What a new chat shows: a greeting and the demo commands, each one click away.
import { SparkIcon } from './icons';

const demos = [
  { command: '/demo long', hint: 'A very long reply: reload halfway and watch it carry on' },
  { command: '/demo slow', hint: 'One piece at a time: open a second tab to follow along' },
  { command: '/demo thinking', hint: 'A thinking block, then the answer' },
  { command: '/demo tool', hint: 'A tool call with its input' },
  { command: '/demo error', hint: 'Fails midway and keeps the partial text' },
  { command: '/demo stall', hint: 'Pauses mid-reply: a good moment to press Stop' },
  { command: '/demo help', hint: 'Everything the local model can do' },
] as const;

export function EmptyState({ onPick, disabled }: { onPick: (command: string) => void; disabled: boolean }) {
  return (
    <div
      data-testid="empty-state"
      className="flex flex-1 items-center justify-center overflow-y-auto px-4 py-10"
    >
      <div className="w-full max-w-2xl text-center">
        <div className="mx-auto mb-5 flex size-11 items-center justify-center rounded-2xl bg-orange-50 text-orange-600 ring-1 ring-orange-100 dark:bg-orange-950/40 dark:text-orange-400 dark:ring-orange-900/50">
          <SparkIcon className="size-5" />
        </div>
        <h2 className="text-2xl font-semibold tracking-tight text-stone-900 dark:text-stone-100">
          What shall we talk about?
        </h2>
        <p className="mx-auto mt-2 max-w-md text-[15px] leading-relaxed text-stone-500 dark:text-stone-400">
          Replies are durable: reload, lose the network or open another tab, and the answer carries on where
          it was. Try a demo:
        </p>
        <ul className="mt-6 grid grid-cols-2 gap-2 text-left sm:mt-8">
          {demos.map((demo) => (
            <li key={demo.command}>
              <button
                type="button"
                data-testid="demo-chip"
                disabled={disabled}
                onClick={() => onPick(demo.command)}
                className="group flex h-full w-full flex-col gap-0.5 rounded-xl border border-stone-200 px-3 py-2.5 text-left transition sm:px-4 sm:py-3 hover:border-stone-300 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-orange-500/40 focus-visible:outline-none disabled:opacity-50 dark:border-stone-800 dark:hover:border-stone-700 dark:hover:bg-stone-900"
              >
                <code className="font-mono text-[13px] font-medium text-stone-900 dark:text-stone-100">
                  {demo.command}
                </code>
                <span className="hidden text-xs leading-snug text-stone-500 sm:block dark:text-stone-400">
                  {demo.hint}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
