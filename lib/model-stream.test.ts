// Tests for tracking a model reply against the local Anthropic server: completion, failures, early stops.
import Anthropic from '@anthropic-ai/sdk';
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedReplyText, type LocalAnthropic, startLocalAnthropic } from '../local/anthropic/index';
import { trackReply } from './model-stream';

let model: LocalAnthropic;
let client: Anthropic;
beforeAll(async () => {
  model = await startLocalAnthropic({ tokensPerSec: 0, stallMs: 10 });
  client = new Anthropic({ apiKey: 'local', baseURL: model.url, maxRetries: 0 });
});
afterAll(() => model.close());

const request = (text: string) => ({
  model: 'claude-haiku-4-5-20251001',
  max_tokens: 4096,
  messages: [{ role: 'user' as const, content: text }],
});

async function rawEvents(text: string): Promise<unknown[]> {
  const response = await fetch(`${model.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'local' },
    body: JSON.stringify({ ...request(text), stream: true }),
  });
  const events: unknown[] = [];
  const parser = createParser({
    onEvent: (event) => {
      const data = JSON.parse(event.data) as { type: string };
      if (data.type !== 'ping') events.push(data);
    },
  });
  parser.feed(await response.text());
  return events;
}

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const event of iterable) out.push(event);
  return out;
}

describe('trackReply', () => {
  it.each(['Tell me about durable streams', '/demo thinking', '/demo tool'])(
    'passes the events of "%s" through exactly as the API sent them',
    async (text) => {
      const reply = trackReply(client.messages.stream(request(text)));
      const events = await collect(reply.events);
      expect(events).toEqual(await rawEvents(text));
      expect(events[0]).toMatchObject({ type: 'message_start', message: { content: [] } });
    },
  );

  it('keeps the accumulated message after message_stop', async () => {
    const text = 'What is a fencing token?';
    const reply = trackReply(client.messages.stream(request(text)));
    await collect(reply.events);
    const content = reply.content();
    expect(content.map((block) => (block.type === 'text' ? block.text : '')).join('')).toBe(
      expectedReplyText(text),
    );
  });

  it('keeps the partial reply and rethrows when the stream fails mid-way', async () => {
    const reply = trackReply(client.messages.stream(request('/demo error')));
    await expect(collect(reply.events)).rejects.toThrow(/Overloaded/);
    const [block] = reply.content();
    expect(block?.type === 'text' ? block.text : '').toBe(expectedReplyText('/demo error'));
  });

  it('aborts the upstream request when the consumer stops early', async () => {
    const slow = new Anthropic({ apiKey: 'local', baseURL: model.url, maxRetries: 0 });
    const reply = trackReply(slow.messages.stream(request('/demo long')));
    const before = model.stats().aborted;
    for await (const event of reply.events) if (event.type === 'content_block_delta') break;
    await expect.poll(() => model.stats().aborted).toBe(before + 1);
  });
});
