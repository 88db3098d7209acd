// A tool call the model made: its name and its input, pretty-printed (raw while the input still streams).
import { ToolIcon } from './icons';

interface ToolUseCardProps {
  name: string;
  input: unknown;
  /** The input's JSON as streamed so far, while the call is still being written. */
  partialJson: string | undefined;
  server: boolean;
}

export function ToolUseCard({ name, input, partialJson, server }: ToolUseCardProps) {
  const streaming = partialJson !== undefined;
  return (
    <div
      data-testid="tool-use"
      className="overflow-hidden rounded-xl border border-stone-200 bg-white text-sm dark:border-stone-800 dark:bg-stone-900/60"
    >
      <div className="flex items-center gap-2 border-b border-stone-200 bg-stone-50 px-3 py-2 dark:border-stone-800 dark:bg-stone-900">
        <ToolIcon className="size-4 text-stone-400" />
        <span className="text-stone-500 dark:text-stone-400">{server ? 'Server tool' : 'Tool call'}</span>
        <code className="font-mono text-[13px] font-medium text-stone-900 dark:text-stone-100">{name}</code>
        {streaming && <span className="ml-auto animate-pulse text-xs text-stone-400">writing input…</span>}
      </div>
      <pre className="max-h-80 overflow-auto px-3 py-2.5 font-mono text-[12.5px] leading-relaxed text-stone-700 dark:text-stone-300">
        {streaming ? partialJson : prettyInput(input)}
      </pre>
    </div>
  );
}

function prettyInput(input: unknown): string {
  if (typeof input === 'string') return input;
  try {
    return JSON.stringify(input, null, 2) ?? '';
  } catch {
    return String(input);
  }
}
