// The model's extended thinking, folded away by default so the answer stays in front.
import { ChevronIcon } from './icons';

export function ThinkingBlock({ text, active }: { text: string; active: boolean }) {
  return (
    <details
      data-testid="thinking"
      className="group/thinking rounded-xl border border-stone-200 bg-stone-50/60 text-sm dark:border-stone-800 dark:bg-stone-900/40"
    >
      <summary className="flex cursor-pointer list-none items-center gap-2 px-3 py-2 text-stone-500 select-none hover:text-stone-800 dark:text-stone-400 dark:hover:text-stone-200 [&::-webkit-details-marker]:hidden">
        <ChevronIcon className="size-3.5 transition-transform group-open/thinking:rotate-90" />
        <span className={active ? 'animate-pulse' : undefined}>
          {active ? 'Thinking…' : 'Thought process'}
        </span>
      </summary>
      <div className="border-t border-stone-200 px-4 py-3 leading-relaxed whitespace-pre-wrap text-stone-600 dark:border-stone-800 dark:text-stone-400">
        {text}
      </div>
    </details>
  );
}
