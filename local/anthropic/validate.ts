// Validates a `POST /v1/messages` body the way the API does, with the API's error messages.
import { InvalidRequestError } from './errors';
import type { MessagesRequest, RequestMessage } from './request';

/** The content block tags the API accepts in request messages. */
const BLOCK_TYPES = [
  'text',
  'image',
  'document',
  'search_result',
  'thinking',
  'redacted_thinking',
  'tool_use',
  'tool_result',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'container_upload',
] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new InvalidRequestError(message);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail(`The request body is not valid JSON: ${detail}`);
  }
}

function checkBlock(block: unknown, path: string): void {
  if (!isObject(block)) fail(`${path}: Input should be a valid dictionary or object to extract fields from`);
  const tag = block.type;
  if (typeof tag !== 'string') fail(`${path}: Unable to extract tag using discriminator 'type'`);
  if (!(BLOCK_TYPES as readonly string[]).includes(tag)) {
    const expected = BLOCK_TYPES.map((type) => `'${type}'`).join(', ');
    fail(
      `${path}.type: Input tag '${tag}' found using 'type' does not match any of the expected tags: ${expected}`,
    );
  }
  if (tag === 'text') {
    if (!('text' in block)) fail(`${path}.text: Field required`);
    if (typeof block.text !== 'string') fail(`${path}.text: Input should be a valid string`);
    if (block.text.length === 0) fail('messages: text content blocks must be non-empty');
  }
}

function checkMessage(value: unknown, index: number): RequestMessage {
  const path = `messages.${index}`;
  if (!isObject(value)) fail(`${path}: Input should be a valid dictionary or object to extract fields from`);
  if (value.role !== 'user' && value.role !== 'assistant')
    fail(`${path}.role: Input should be 'user' or 'assistant'`);
  if (!('content' in value)) fail(`${path}.content: Field required`);
  const content = value.content;
  if (typeof content === 'string') return { role: value.role, content };
  if (!Array.isArray(content)) fail(`${path}.content: Input should be a valid string or a valid list`);
  content.forEach((block, blockIndex) => {
    checkBlock(block, `${path}.content.${blockIndex}`);
  });
  return { role: value.role, content: content as object[] };
}

function isEmptyContent(content: RequestMessage['content']): boolean {
  return typeof content === 'string' ? content.length === 0 : content.length === 0;
}

function checkMessages(value: unknown): RequestMessage[] {
  if (value === undefined) fail('messages: Field required');
  if (!Array.isArray(value)) fail('messages: Input should be a valid list');
  const messages = value.map(checkMessage);
  const first = messages[0];
  if (first === undefined) fail('messages: at least one message is required');
  if (first.role !== 'user') fail('messages: first message must use the "user" role');
  messages.forEach((message, index) => {
    const isFinalAssistant = index === messages.length - 1 && message.role === 'assistant';
    if (isEmptyContent(message.content) && !isFinalAssistant) {
      fail(
        `messages.${index}: all messages must have non-empty content except for the optional final assistant message`,
      );
    }
  });
  return messages;
}

function checkMaxTokens(value: unknown): number {
  if (value === undefined) fail('max_tokens: Field required');
  if (typeof value !== 'number' || !Number.isInteger(value))
    fail('max_tokens: Input should be a valid integer');
  // As the real API: a request must allow at least one output token.
  if (value < 1) fail('max_tokens: Input should be greater than or equal to 1');
  return value;
}

function checkModel(value: unknown): string {
  if (value === undefined) fail('model: Field required');
  if (typeof value !== 'string') fail('model: Input should be a valid string');
  if (value.length === 0) fail('model: String should have at least 1 character');
  return value;
}

/** Parses and validates a request body; throws `InvalidRequestError` with the API's message on bad input. */
export function parseMessagesRequest(raw: string): MessagesRequest {
  const body = parseJson(raw);
  if (!isObject(body)) return fail('Input should be a valid dictionary or object to extract fields from');
  const model = checkModel(body.model);
  const maxTokens = checkMaxTokens(body.max_tokens);
  const messages = checkMessages(body.messages);
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    fail('stream: Input should be a valid boolean');
  }
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) {
    fail('system: Input should be a valid string or a valid list');
  }
  return { ...body, model, max_tokens: maxTokens, messages };
}
