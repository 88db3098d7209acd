// Wakes in-process readers when a stream's tail moves or the stream goes away: listeners, no polling.

import type { StreamPosition } from './types';

/** `tail` after a committed append; `null` when the stream was deleted or the engine closed. */
export type TailListener = (tail: StreamPosition | null) => void;

export class TailNotifier {
  private readonly listeners = new Map<string, Set<TailListener>>();

  subscribe(key: string, listener: TailListener): () => void {
    let set = this.listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(key);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(key);
    };
  }

  notify(key: string, tail: StreamPosition | null): void {
    const set = this.listeners.get(key);
    if (set === undefined) return;
    // Copy: a listener may unsubscribe (or subscribe again) while we iterate.
    for (const listener of [...set]) listener(tail);
  }

  /** Wake every listener with `null` (engine closing). */
  notifyAll(): void {
    for (const key of [...this.listeners.keys()]) this.notify(key, null);
  }
}
