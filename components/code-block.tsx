'use client';
// A fenced code block from markdown, with a copy button that adds no text to the message.
import { type ComponentProps, useRef, useState } from 'react';
import { CheckIcon, CopyIcon } from './icons';

const COPIED_FOR_MS = 1500;

export function CodeBlock({ children, ...props }: ComponentProps<'pre'>) {
  const pre = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState(false);

  async function copy() {
    const text = pre.current?.textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), COPIED_FOR_MS);
    } catch {
      // Clipboard access can be refused (insecure origin, permissions); selecting by hand still works.
    }
  }

  return (
    <div className="group/code relative">
      <pre ref={pre} {...props}>
        {children}
      </pre>
      <button
        type="button"
        onClick={copy}
        aria-label={copied ? 'Copied' : 'Copy code'}
        title={copied ? 'Copied' : 'Copy code'}
        className="absolute top-2 right-2 rounded-md border border-stone-200 bg-white/90 p-1.5 text-stone-500 opacity-0 transition group-hover/code:opacity-100 hover:text-stone-900 focus-visible:opacity-100 dark:border-stone-700 dark:bg-stone-800/90 dark:text-stone-400 dark:hover:text-stone-100 [@media(hover:none)]:opacity-100"
      >
        {copied ? <CheckIcon className="size-3.5" /> : <CopyIcon className="size-3.5" />}
      </button>
    </div>
  );
}
