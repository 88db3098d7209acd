// Test builders for Anthropic stream events, shared by the transcript and UI state tests.
import type { ContentBlock, RawMessageStreamEvent, StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { ResumableEvent } from './resumable/events';

export function messageStart(id = 'msg_1'): RawMessageStreamEvent {
  return {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5-20251001',
      content: [],
      container: null,
      diagnostics: null,
      stop_details: null,
      stop_reason: null,
      stop_sequence: null,
      usage: {
        cache_creation: null,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
        inference_geo: null,
        input_tokens: 12,
        output_tokens: 1,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: 'standard',
        speed: null,
      },
    },
  };
}

export function blockStart(index: number, block: ContentBlock): RawMessageStreamEvent {
  return { type: 'content_block_start', index, content_block: block };
}

export function textStart(index: number): RawMessageStreamEvent {
  return blockStart(index, { type: 'text', text: '', citations: null });
}

export function textDelta(index: number, text: string): RawMessageStreamEvent {
  return { type: 'content_block_delta', index, delta: { type: 'text_delta', text } };
}

export function thinkingStart(index: number): RawMessageStreamEvent {
  return blockStart(index, { type: 'thinking', thinking: '', signature: '' });
}

export function thinkingDelta(index: number, thinking: string): RawMessageStreamEvent {
  return { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } };
}

export function signatureDelta(index: number, signature: string): RawMessageStreamEvent {
  return { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature } };
}

export function toolStart(index: number, name: string, id = 'toolu_1'): RawMessageStreamEvent {
  return blockStart(index, { type: 'tool_use', id, name, input: {}, caller: { type: 'direct' } });
}

export function jsonDelta(index: number, partial: string): RawMessageStreamEvent {
  return { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } };
}

export function blockStop(index: number): RawMessageStreamEvent {
  return { type: 'content_block_stop', index };
}

export function messageDelta(stopReason: StopReason | null): RawMessageStreamEvent {
  return {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null, container: null, stop_details: null },
    usage: {
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      input_tokens: null,
      output_tokens: 9,
      output_tokens_details: null,
      server_tool_use: null,
    },
  };
}

export function messageStop(): RawMessageStreamEvent {
  return { type: 'message_stop' };
}

export function streamError(type: string, message: string): ResumableEvent {
  return { type: 'error', error: { type, message } };
}

/** A whole text-only turn: start, one text block split into `chunks`, stop. */
export function textTurn(chunks: readonly string[], id = 'msg_1'): ResumableEvent[] {
  return [
    messageStart(id),
    textStart(0),
    ...chunks.map((chunk) => textDelta(0, chunk)),
    blockStop(0),
    messageDelta('end_turn'),
    messageStop(),
  ];
}
