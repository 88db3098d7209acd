'use client';
// Keeps a scroll container pinned to its newest content unless the reader has scrolled up to read.
import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from 'react';

/** How close to the bottom still counts as "following along". */
const FOLLOW_THRESHOLD_PX = 96;

export interface StickToBottom {
  ref: RefObject<HTMLDivElement | null>;
  onScroll: () => void;
  /** The reader scrolled up and new content is below. */
  awayFromBottom: boolean;
  scrollToBottom: (behavior?: ScrollBehavior) => void;
}

export function useStickToBottom(contentVersion: unknown): StickToBottom {
  const ref = useRef<HTMLDivElement | null>(null);
  const following = useRef(true);
  const [awayFromBottom, setAwayFromBottom] = useState(false);

  const scrollToBottom = useCallback((behavior: ScrollBehavior = 'auto') => {
    const element = ref.current;
    if (element === null) return;
    following.current = true;
    setAwayFromBottom(false);
    element.scrollTo({ top: element.scrollHeight, behavior });
  }, []);

  const onScroll = useCallback(() => {
    const element = ref.current;
    if (element === null) return;
    const distance = element.scrollHeight - element.scrollTop - element.clientHeight;
    following.current = distance <= FOLLOW_THRESHOLD_PX;
    setAwayFromBottom(!following.current);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-pin whenever the content changes.
  useLayoutEffect(() => {
    const element = ref.current;
    if (element !== null && following.current) element.scrollTop = element.scrollHeight;
  }, [contentVersion]);

  return { ref, onScroll, awayFromBottom, scrollToBottom };
}
