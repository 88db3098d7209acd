// Runs one live turn on a baseline, the way its client would watch it, and collects frames and stamps.
import { randomBytes } from 'node:crypto';
import type { TurnMark, TurnSpec, UpstreamPace } from '../target/upstream';
import { wallNow } from './clock';
import type { Batching } from './defaults';
import type { SseConnection } from './sse-client';
import type { Baseline, TargetClient } from './target-client';
import { checkDelivery, type Delivery, expectedText } from './verify';

const RUN = randomBytes(3).toString('hex');
let counter = 0;

/** A fresh chat / stream id for every turn, so each starts at cursor 0. */
export function turnId(label: string): string {
  counter += 1;
  return `${label}-${RUN}-${counter}`;
}

export function spec(label: string, pace: UpstreamPace, messages: string[], maxTokens: number): TurnSpec {
  return { id: turnId(label), messages, maxTokens, pace };
}

/** The next turn in `previous`'s chat, as a user's follow-up message is. */
export function followUp(previous: TurnSpec, label: string): TurnSpec {
  return {
    ...spec(label, previous.pace, previous.messages, previous.maxTokens),
    chat: previous.chat ?? previous.id,
  };
}

export interface LiveTurn {
  spec: TurnSpec;
  subscriber: SseConnection;
  /** When the client sent the request that starts the turn. */
  startedAt: number;
  stamps: number[];
  /** When the target received the request, claimed the stream (b) and started the upstream. */
  marks: Partial<Record<TurnMark, number>>;
  delivery: Delivery;
}

/**
 * (a) and (c): the POST streams the turn. (b): the subscriber is already tailing the chat (as the page is)
 * when the POST starts the turn, from `from` (the chat's cursor; 0 for a new chat).
 */
export async function startLiveTurn(
  target: TargetClient,
  baseline: Baseline,
  turn: TurnSpec,
  batching?: Batching,
  from = 0,
): Promise<{ subscriber: SseConnection; startedAt: number }> {
  if (baseline !== 'b') return { startedAt: wallNow(), subscriber: target.postStreaming(baseline, turn) };
  const subscriber = target.subscribeB(turn.chat ?? turn.id, from, true, batching);
  await subscriber.opened;
  const startedAt = wallNow();
  await target.postResumable(turn, batching);
  return { subscriber, startedAt };
}

export async function runLiveTurn(
  target: TargetClient,
  baseline: Baseline,
  turn: TurnSpec,
  options: { batching?: Batching; timeoutMs: number; from?: number },
): Promise<LiveTurn> {
  const { subscriber, startedAt } = await startLiveTurn(
    target,
    baseline,
    turn,
    options.batching,
    options.from,
  );
  try {
    await subscriber.waitForType('message_stop', turn.messages.length, options.timeoutMs);
  } finally {
    subscriber.close();
  }
  const { stamps, marks } = await target.turnRecord(turn.id);
  return {
    spec: turn,
    subscriber,
    startedAt,
    stamps,
    marks,
    delivery: checkDelivery(subscriber.frames, stamps.length, expectedText(turn)),
  };
}

/** Events per second delivered, from the request that started the turn to its last frame. */
export function deliveredRate(turn: LiveTurn): number {
  const last = turn.subscriber.frames.at(-1);
  if (!last) return 0;
  return turn.subscriber.frames.length / ((last.at - turn.startedAt) / 1000);
}
