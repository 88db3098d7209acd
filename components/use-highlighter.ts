'use client';
// Loads the code highlighter (highlight.js and its grammars) the first time a message holds a code fence.
import { useEffect, useSyncExternalStore } from 'react';
import type { Options } from 'react-markdown';

type RehypePlugins = NonNullable<Options['rehypePlugins']>;

// highlight.js's common grammars are 49 KB gzipped, more than half as much as the rest of the chat page's own code.
// They are only fetched once a message holds a fence, so a page's first load does not wait for them; until
// then, and on the server, code is shown as plain text, and the colours follow a moment later.
const NONE: RehypePlugins = [];
let loaded: RehypePlugins | undefined;
let loading: Promise<void> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function load(): Promise<void> {
  loading ??= import('./highlight-plugins').then(
    ({ highlightPlugins }) => {
      loaded = highlightPlugins;
      for (const listener of listeners) listener();
    },
    (error: unknown) => {
      // A chunk that failed to load (offline, a new deployment) is tried again by the next message that needs it.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** A fenced code block opens with three backticks or tildes; only those can name a language to highlight. */
export function hasCodeFence(text: string): boolean {
  return text.includes('```') || text.includes('~~~');
}

/** The rehype plugins that highlight code: none until the highlighter has loaded, which `wanted` starts. */
export function useHighlighter(wanted: boolean): RehypePlugins {
  const plugins = useSyncExternalStore(
    subscribe,
    () => loaded ?? NONE,
    () => NONE,
  );
  useEffect(() => {
    if (wanted && loaded === undefined) load().catch(() => undefined);
  }, [wanted]);
  return plugins;
}
