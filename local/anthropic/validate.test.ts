// Request validation as the API does it, seen through the real SDK as BadRequestError with the API's message.
import Anthropic, { BadRequestError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAnthropic, startLocalAnthropic } from './server';

const valid = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] };

describe('request validation', () => {
  let server: LocalAnthropic;
  let client: Anthropic;

  beforeAll(async () => {
    server = await startLocalAnthropic({ tokensPerSec: 0 });
    client = new Anthropic({ apiKey: 'local', baseURL: server.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await server.close();
  });

  async function badRequest(body: unknown): Promise<BadRequestError> {
    try {
      // A string body with an explicit content type is sent verbatim, which lets the test send broken JSON.
      await client.post('/v1/messages', { body, headers: { 'content-type': 'application/json' } });
    } catch (error) {
      if (error instanceof BadRequestError) return error;
      throw error;
    }
    throw new Error('expected a 400 response');
  }

  it.each([
    ['a missing model', { ...valid, model: undefined }, 'model: Field required'],
    ['a missing max_tokens', { ...valid, max_tokens: undefined }, 'max_tokens: Field required'],
    ['a fractional max_tokens', { ...valid, max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer'],
    [
      'a negative max_tokens',
      { ...valid, max_tokens: -1 },
      'max_tokens: Input should be greater than or equal to 1',
    ],
    [
      'a zero max_tokens',
      { ...valid, max_tokens: 0 },
      'max_tokens: Input should be greater than or equal to 1',
    ],
    ['missing messages', { ...valid, messages: undefined }, 'messages: Field required'],
    ['empty messages', { ...valid, messages: [] }, 'messages: at least one message is required'],
    [
      'a first message from the assistant',
      { ...valid, messages: [{ role: 'assistant', content: 'Hi' }] },
      'messages: first message must use the "user" role',
    ],
    [
      'an invalid role',
      { ...valid, messages: [{ role: 'system', content: 'Hi' }] },
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      'an empty text block',
      { ...valid, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      'messages: text content blocks must be non-empty',
    ],
    [
      'an empty user message',
      { ...valid, messages: [{ role: 'user', content: '' }] },
      'messages.0: all messages must have non-empty content except for the optional final assistant message',
    ],
    ['a non-boolean stream flag', { ...valid, stream: 'yes' }, 'stream: Input should be a valid boolean'],
  ])('rejects %s with a 400 invalid_request_error', async (_case, body, message) => {
    const error = await badRequest(body);
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.apiMessage).toBe(message);
    expect(error.requestID).toMatch(/^req_011C/);
  });

  it('rejects an unknown content block type, naming the expected tags', async () => {
    const error = await badRequest({
      ...valid,
      messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }],
    });
    expect(error.apiMessage).toMatch(
      /^messages\.0\.content\.0\.type: Input tag 'video' found using 'type' does not match any of the expected tags: 'text', 'image',/,
    );
  });

  it('rejects a malformed JSON body', async () => {
    const error = await badRequest('{"model": "claude-haiku-4-5", ');
    expect(error.apiMessage).toMatch(/^The request body is not valid JSON: /);
  });

  it('accepts a trailing assistant message to continue from, and content blocks of any known type', async () => {
    const message = await client.messages.create({
      ...valid,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { location: 'Paris' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'Sunny' }] },
        { role: 'assistant', content: '' },
      ],
    });
    expect(message.type).toBe('message');
  });
});
