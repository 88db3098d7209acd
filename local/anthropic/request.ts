// The parts of a Messages API request the local model reads: the last user text, a stable digest, token estimates.
import { canonicalJson, requestDigest } from './ids';

export interface RequestMessage {
  readonly role: string;
  readonly content: string | readonly object[];
}

/** A validated `POST /v1/messages` body; other fields are allowed and take part in the request digest. */
export interface MessagesRequest {
  readonly model: string;
  readonly max_tokens: number;
  readonly messages: readonly RequestMessage[];
  readonly system?: unknown;
  readonly tools?: unknown;
  readonly stream?: boolean | null;
}

function textOfBlock(block: object): string {
  if ('type' in block && block.type === 'text' && 'text' in block && typeof block.text === 'string') {
    return block.text;
  }
  return '';
}

/** The text of the last user message (its text blocks joined); the only input the reply's words depend on. */
export function lastUserText(request: Pick<MessagesRequest, 'messages'>): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    return message.content.map(textOfBlock).join('\n');
  }
  return '';
}

/**
 * A digest of everything in the request except `stream`, so a streamed and a non-streamed call with the same
 * body describe the same message (same id, same content).
 */
export function requestSeed(request: MessagesRequest): string {
  const { stream: _stream, ...rest } = request;
  return requestDigest(canonicalJson(rest));
}

/** Roughly four characters per token over the prompt, the usual rule of thumb; deterministic by construction. */
export function estimateInputTokens(request: MessagesRequest): number {
  const prompt = canonicalJson({ messages: request.messages, system: request.system, tools: request.tools });
  return Math.max(1, Math.ceil(prompt.length / 4));
}
