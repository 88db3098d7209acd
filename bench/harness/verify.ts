// Delivery checks and lag samples: what a subscriber received against what the upstream sent.
import { expectedReplyText } from '../../local/anthropic/index';
import type { TurnSpec } from '../target/upstream';
import type { SseFrame } from './sse-client';

/** The text a client must end up with for this turn (the local model is deterministic). */
export function expectedText(spec: TurnSpec): string {
  return spec.messages.map((message) => expectedReplyText(message, spec.maxTokens)).join('');
}

/** Frames in order without repeats: a frame whose id is not above every earlier id is a duplicate. */
export function uniqueFrames(frames: readonly SseFrame[]): { unique: SseFrame[]; duplicated: number } {
  const unique: SseFrame[] = [];
  let highest = Number.NEGATIVE_INFINITY;
  let duplicated = 0;
  for (const frame of frames) {
    if (!(frame.id > highest)) {
      duplicated++;
      continue;
    }
    highest = frame.id;
    unique.push(frame);
  }
  return { unique, duplicated };
}

/** The text a client renders: every text delta, in order. */
export function foldText(frames: readonly SseFrame[]): string {
  let text = '';
  for (const frame of frames) {
    if (frame.type !== 'content_block_delta') continue;
    const event = JSON.parse(frame.data) as { delta?: { type?: string; text?: string } };
    if (event.delta?.type === 'text_delta') text += event.delta.text ?? '';
  }
  return text;
}

export interface Delivery {
  delivered: number;
  lost: number;
  duplicated: number;
  /** The folded text equals the model's deterministic reply. */
  textMatches: boolean;
}

/** `expectedCount` is how many events the upstream produced (its stamp count). */
export function checkDelivery(
  frames: readonly SseFrame[],
  expectedCount: number,
  expected: string,
): Delivery {
  const { unique, duplicated } = uniqueFrames(frames);
  return {
    delivered: frames.length,
    lost: Math.max(0, expectedCount - unique.length),
    duplicated,
    textMatches: foldText(unique) === expected,
  };
}

export function addDelivery(total: Delivery, one: Delivery): Delivery {
  return {
    delivered: total.delivered + one.delivered,
    lost: total.lost + one.lost,
    duplicated: total.duplicated + one.duplicated,
    textMatches: total.textMatches && one.textMatches,
  };
}

export const NO_DELIVERY: Delivery = { delivered: 0, lost: 0, duplicated: 0, textMatches: true };

/**
 * Per-event lag in ms: arrival at the client minus the moment the upstream SDK yielded it. Events the
 * upstream produced before `since` (before this subscriber was connected) are left out.
 */
export function lagsOf(frames: readonly SseFrame[], stamps: readonly number[], since = 0): number[] {
  const { unique } = uniqueFrames(frames);
  const lags: number[] = [];
  for (let i = 0; i < unique.length && i < stamps.length; i++) {
    const stamp = stamps[i];
    const frame = unique[i];
    if (stamp === undefined || frame === undefined || stamp < since) continue;
    lags.push(frame.at - stamp);
  }
  return lags;
}
