// Folds a turn's stream of Anthropic events into one assistant message; the same fold on server and client.
import type {
  ContentBlock,
  RawContentBlockDeltaEvent,
  StopReason,
} from '@anthropic-ai/sdk/resources/messages';
import type { ResumableEvent } from './resumable/events';

export type TurnStatus = 'streaming' | 'complete' | 'error';

export interface TurnError {
  type: string;
  message: string;
}

export interface AssistantTurn {
  /** Anthropic message id from `message_start`, null until it arrives. */
  messageId: string | null;
  content: ContentBlock[];
  /**
   * Raw `input_json_delta` text of tool-use blocks that have not stopped yet, by block index.
   * Partial JSON rarely parses, so the input is parsed once, when its block stops.
   */
  partialJson: Record<number, string>;
  stopReason: StopReason | null;
  status: TurnStatus;
  error: TurnError | null;
}

export function emptyTurn(): AssistantTurn {
  return {
    messageId: null,
    content: [],
    partialJson: {},
    stopReason: null,
    status: 'streaming',
    error: null,
  };
}

export function foldEvents(
  events: Iterable<ResumableEvent>,
  from: AssistantTurn = emptyTurn(),
): AssistantTurn {
  let turn = from;
  for (const event of events) turn = foldEvent(turn, event);
  return turn;
}

/** Applies one event. Pure: returns a new turn and never mutates `turn` or `event`. */
export function foldEvent(turn: AssistantTurn, event: ResumableEvent): AssistantTurn {
  switch (event.type) {
    case 'message_start':
      return {
        ...turn,
        messageId: event.message.id,
        content: event.message.content.map((block) => ({ ...block })),
        stopReason: event.message.stop_reason ?? turn.stopReason,
      };
    case 'content_block_start': {
      const content = turn.content.slice();
      content[event.index] = { ...event.content_block };
      return { ...turn, content };
    }
    case 'content_block_delta':
      return applyDelta(turn, event);
    case 'content_block_stop':
      return settleInput(turn, event.index);
    case 'message_delta':
      return { ...turn, stopReason: event.delta.stop_reason ?? turn.stopReason };
    case 'message_stop':
      return { ...settleAllInputs(turn), status: 'complete' };
    case 'error':
      return { ...settleAllInputs(turn), status: 'error', error: { ...event.error } };
    default:
      return unknownKind(event, turn);
  }
}

/** The text of all text blocks, in order, joined the way the UI renders them. */
export function turnText(content: readonly ContentBlock[]): string {
  const parts: string[] = [];
  for (const block of content) if (block.type === 'text') parts.push(block.text);
  return parts.join('\n\n');
}

function applyDelta(turn: AssistantTurn, event: RawContentBlockDeltaEvent): AssistantTurn {
  const block = turn.content[event.index];
  // A delta for a block we never saw start (or of another kind) cannot be placed; dropping it keeps the fold total.
  if (block === undefined) return turn;
  const { delta } = event;
  switch (delta.type) {
    case 'text_delta':
      return block.type === 'text'
        ? replaceBlock(turn, event.index, { ...block, text: block.text + delta.text })
        : turn;
    case 'citations_delta':
      return block.type === 'text'
        ? replaceBlock(turn, event.index, {
            ...block,
            citations: [...(block.citations ?? []), delta.citation],
          })
        : turn;
    case 'thinking_delta':
      return block.type === 'thinking'
        ? replaceBlock(turn, event.index, { ...block, thinking: block.thinking + delta.thinking })
        : turn;
    case 'signature_delta':
      return block.type === 'thinking'
        ? replaceBlock(turn, event.index, { ...block, signature: block.signature + delta.signature })
        : turn;
    case 'input_json_delta': {
      if (block.type !== 'tool_use' && block.type !== 'server_tool_use') return turn;
      const raw = (turn.partialJson[event.index] ?? '') + delta.partial_json;
      return { ...turn, partialJson: { ...turn.partialJson, [event.index]: raw } };
    }
    default:
      return unknownKind(delta, turn);
  }
}

function replaceBlock(turn: AssistantTurn, index: number, block: ContentBlock): AssistantTurn {
  const content = turn.content.slice();
  content[index] = block;
  return { ...turn, content };
}

/** Parses a stopped tool-use block's accumulated input; unparseable input stays as its raw string. */
function settleInput(turn: AssistantTurn, index: number): AssistantTurn {
  const raw = turn.partialJson[index];
  if (raw === undefined) return turn;
  const partialJson = { ...turn.partialJson };
  delete partialJson[index];
  const block = turn.content[index];
  if (block === undefined || (block.type !== 'tool_use' && block.type !== 'server_tool_use')) {
    return { ...turn, partialJson };
  }
  const parsed = tryParse(raw);
  const input = raw.trim() === '' ? block.input : parsed.ok ? parsed.value : raw;
  return { ...replaceBlock(turn, index, { ...block, input }), partialJson };
}

/** At the end of a turn, parse whatever still parses; leave the rest raw in `partialJson` for display. */
function settleAllInputs(turn: AssistantTurn): AssistantTurn {
  let settled = turn;
  for (const key of Object.keys(turn.partialJson)) {
    const index = Number(key);
    const raw = turn.partialJson[index];
    if (raw !== undefined && tryParse(raw).ok) settled = settleInput(settled, index);
  }
  return settled;
}

function tryParse(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Compile-time exhaustiveness; at run time a kind newer than this code (the API adds some) is skipped
 * rather than breaking a live view.
 */
function unknownKind(_value: never, turn: AssistantTurn): AssistantTurn {
  return turn;
}
