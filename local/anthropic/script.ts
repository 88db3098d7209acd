// Pure reply scripts: the exact events (with pacing delays) and the final Message for a request.
import type { Message, StopReason } from '@anthropic-ai/sdk/resources/messages';
import { messageId } from './ids';
import { type PlanBlock, planReply, type ReplyPlan } from './replies';
import { estimateInputTokens, lastUserText, type MessagesRequest, requestSeed } from './request';
import {
  chunkDelta,
  deltaUsage,
  emptyBlock,
  finishedBlock,
  message,
  messageUsage,
  OVERLOADED,
  type OverloadedErrorEvent,
  type UsageCounts,
  type WireEvent,
} from './shapes';

export interface PacingOptions {
  /** Counted deltas per second at the model pace; 0 sends them as fast as possible. */
  readonly tokensPerSec: number;
  /** The pause in the middle of `/demo stall`. */
  readonly stallMs: number;
  /** The gap before each delta of `/demo slow`. */
  readonly slowDeltaMs: number;
}

export const DEFAULT_PACING = {
  tokensPerSec: 40,
  stallMs: 30_000,
  slowDeltaMs: 250,
} as const satisfies PacingOptions;

/** One SSE event and how long to wait before sending it (measured from the previous event). */
export interface ScriptedEvent {
  readonly event: WireEvent;
  readonly delayMs: number;
}

export type ReplyOutcome =
  | { readonly type: 'message'; readonly message: Message }
  | { readonly type: 'error'; readonly error: OverloadedErrorEvent['error'] };

interface BudgetedBlock {
  readonly block: PlanBlock;
  readonly chunks: readonly string[];
  /** Index of this block's first delta among all counted deltas of the reply. */
  readonly firstDelta: number;
}

interface BudgetedPlan {
  readonly blocks: readonly BudgetedBlock[];
  /** True when `max_tokens` cut the reply short. */
  readonly truncated: boolean;
  readonly outputTokens: number;
  readonly thinkingTokens: number;
}

/**
 * Applies `max_tokens`: one counted delta (text, thinking or JSON fragment) is one output token; a block is
 * only started if at least one of its deltas fits. Signatures are not counted.
 */
function budget(plan: ReplyPlan, maxTokens: number): BudgetedPlan {
  const blocks: BudgetedBlock[] = [];
  let emitted = 0;
  let thinkingTokens = 0;
  let truncated = false;
  for (const block of plan.blocks) {
    const room = maxTokens - emitted;
    if (room <= 0 && block.chunks.length > 0) {
      truncated = true;
      break;
    }
    const chunks = block.chunks.slice(0, room);
    if (chunks.length < block.chunks.length) truncated = true;
    blocks.push({ block, chunks, firstDelta: emitted });
    emitted += chunks.length;
    if (block.type === 'thinking') thinkingTokens += chunks.length;
    if (truncated) break;
  }
  return { blocks, truncated, outputTokens: emitted, thinkingTokens };
}

function stopReasonOf(plan: ReplyPlan, budgeted: BudgetedPlan): StopReason | null {
  if (budgeted.truncated) return 'max_tokens';
  switch (plan.ending) {
    case 'end_turn':
    case 'tool_use':
      return plan.ending;
    case 'overloaded':
      return null;
    default:
      return plan.ending satisfies never;
  }
}

interface PreparedReply {
  readonly id: string;
  readonly plan: ReplyPlan;
  readonly budgeted: BudgetedPlan;
  readonly counts: UsageCounts;
}

function prepare(request: MessagesRequest): PreparedReply {
  const seed = requestSeed(request);
  const plan = planReply(lastUserText(request), seed);
  const budgeted = budget(plan, request.max_tokens);
  return {
    id: messageId(seed),
    plan,
    budgeted,
    counts: {
      inputTokens: estimateInputTokens(request),
      outputTokens: budgeted.outputTokens,
      thinkingTokens: budgeted.thinkingTokens,
    },
  };
}

function deltaDelay(plan: ReplyPlan, deltaIndex: number, pacing: PacingOptions): number {
  const base =
    plan.pace === 'slow' ? pacing.slowDeltaMs : pacing.tokensPerSec > 0 ? 1000 / pacing.tokensPerSec : 0;
  return plan.stallBeforeDelta === deltaIndex ? base + pacing.stallMs : base;
}

/**
 * The whole SSE script for `request`: `message_start`, blocks (`content_block_start`, `ping` after the first,
 * deltas, `content_block_stop`), `message_delta`, `message_stop`; or an `error` event mid-stream for
 * `/demo error`. Pure: the same request and pacing always give the same script.
 */
export function replyEvents(request: MessagesRequest, pacing: Partial<PacingOptions> = {}): ScriptedEvent[] {
  const pace: PacingOptions = { ...DEFAULT_PACING, ...pacing };
  const { id, plan, budgeted, counts } = prepare(request);
  const events: ScriptedEvent[] = [];
  const send = (event: WireEvent, delayMs = 0): void => {
    events.push({ event, delayMs });
  };

  const startUsage = messageUsage({
    ...counts,
    outputTokens: Math.min(1, request.max_tokens),
    thinkingTokens: 0,
  });
  send({
    type: 'message_start',
    message: message({ id, model: request.model, content: [], stopReason: null, usage: startUsage }),
  });
  if (budgeted.blocks.length === 0) send({ type: 'ping' });

  for (const [index, { block, chunks, firstDelta }] of budgeted.blocks.entries()) {
    send({ type: 'content_block_start', index, content_block: emptyBlock(block) });
    if (index === 0) send({ type: 'ping' });
    for (const [offset, chunk] of chunks.entries()) {
      const delay = deltaDelay(plan, firstDelta + offset, pace);
      send({ type: 'content_block_delta', index, delta: chunkDelta(block, chunk) }, delay);
    }
    if (block.type === 'thinking') {
      send({
        type: 'content_block_delta',
        index,
        delta: { type: 'signature_delta', signature: block.signature },
      });
    }
    const isLast = index === budgeted.blocks.length - 1;
    if (isLast && plan.ending === 'overloaded' && !budgeted.truncated) {
      send(OVERLOADED);
      return events;
    }
    send({ type: 'content_block_stop', index });
  }

  send({
    type: 'message_delta',
    delta: {
      stop_reason: stopReasonOf(plan, budgeted),
      stop_sequence: null,
      stop_details: null,
      container: null,
    },
    usage: deltaUsage(counts),
  });
  send({ type: 'message_stop' });
  return events;
}

/** What a non-streamed call returns: the final Message, or the overloaded error for `/demo error`. */
export function replyOutcome(request: MessagesRequest): ReplyOutcome {
  const { id, plan, budgeted, counts } = prepare(request);
  if (plan.ending === 'overloaded' && !budgeted.truncated) return { type: 'error', error: OVERLOADED.error };
  const content = budgeted.blocks.map(({ block, chunks }) => finishedBlock(block, chunks));
  return {
    type: 'message',
    message: message({
      id,
      model: request.model,
      content,
      stopReason: stopReasonOf(plan, budgeted),
      usage: messageUsage(counts),
    }),
  };
}

/**
 * The text a client ends up with (all text blocks joined) when the last user message is `userMessage`: the
 * default answer, or any `/demo` reply (for `/demo error`, the partial text sent before the error).
 * `maxTokens` applies the same cut as the server's `max_tokens`.
 */
export function expectedReplyText(userMessage: string, maxTokens = Number.POSITIVE_INFINITY): string {
  const budgeted = budget(planReply(userMessage, ''), maxTokens);
  return budgeted.blocks
    .filter(({ block }) => block.type === 'text')
    .map(({ chunks }) => chunks.join(''))
    .join('');
}
