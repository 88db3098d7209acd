// Builders for the API's wire shapes (messages, content blocks, deltas, usage), typed against the real SDK.
import type {
  ContentBlock,
  Message,
  MessageDeltaUsage,
  RawContentBlockDelta,
  RawContentBlockStartEvent,
  RawMessageStreamEvent,
  StopReason,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';
import type { PlanBlock } from './replies';

export interface OverloadedErrorEvent {
  readonly type: 'error';
  readonly error: { readonly type: 'overloaded_error'; readonly message: 'Overloaded' };
}

export interface PingEvent {
  readonly type: 'ping';
}

/** Every event the server writes on an SSE stream: the SDK's stream events plus `ping` and `error`. */
export type WireEvent = RawMessageStreamEvent | PingEvent | OverloadedErrorEvent;

export const OVERLOADED: OverloadedErrorEvent = {
  type: 'error',
  error: { type: 'overloaded_error', message: 'Overloaded' },
};

export interface UsageCounts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly thinkingTokens: number;
}

export function messageUsage(counts: UsageCounts): Usage {
  return {
    input_tokens: counts.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: counts.outputTokens,
    output_tokens_details: counts.thinkingTokens > 0 ? { thinking_tokens: counts.thinkingTokens } : null,
    server_tool_use: null,
    service_tier: 'standard',
    inference_geo: null,
    speed: null,
  };
}

export function deltaUsage(counts: UsageCounts): MessageDeltaUsage {
  return {
    input_tokens: counts.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: counts.outputTokens,
    output_tokens_details: counts.thinkingTokens > 0 ? { thinking_tokens: counts.thinkingTokens } : null,
    server_tool_use: null,
  };
}

export interface MessageFields {
  readonly id: string;
  readonly model: string;
  readonly content: ContentBlock[];
  readonly stopReason: StopReason | null;
  readonly usage: Usage;
}

export function message(fields: MessageFields): Message {
  return {
    id: fields.id,
    type: 'message',
    role: 'assistant',
    model: fields.model,
    content: fields.content,
    stop_reason: fields.stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: fields.usage,
  };
}

/** The empty block announced by `content_block_start`; deltas then fill it in. */
export function emptyBlock(block: PlanBlock): RawContentBlockStartEvent['content_block'] {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '', citations: null };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: {}, caller: { type: 'direct' } };
    default:
      return block satisfies never;
  }
}

export function chunkDelta(block: PlanBlock, chunk: string): RawContentBlockDelta {
  switch (block.type) {
    case 'text':
      return { type: 'text_delta', text: chunk };
    case 'thinking':
      return { type: 'thinking_delta', thinking: chunk };
    case 'tool_use':
      return { type: 'input_json_delta', partial_json: chunk };
    default:
      return block satisfies never;
  }
}

function parsedToolInput(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    // A tool call cut short by max_tokens has incomplete JSON; the API reports no usable input then.
    return {};
  }
}

/** The finished block as it appears in a non-streamed `Message` after `chunks` were generated. */
export function finishedBlock(block: PlanBlock, chunks: readonly string[]): ContentBlock {
  const joined = chunks.join('');
  switch (block.type) {
    case 'text':
      return { type: 'text', text: joined, citations: null };
    case 'thinking':
      return { type: 'thinking', thinking: joined, signature: block.signature };
    case 'tool_use':
      return {
        type: 'tool_use',
        id: block.id,
        name: block.name,
        input: parsedToolInput(joined),
        caller: { type: 'direct' },
      };
    default:
      return block satisfies never;
  }
}
