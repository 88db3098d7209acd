// The local model over HTTP, driven by the real @anthropic-ai/sdk: streams, final messages, errors, lifecycle.
import Anthropic from '@anthropic-ai/sdk';
import type { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import type {
  Message,
  MessageCreateParamsBase,
  MessageCreateParamsNonStreaming,
} from '@anthropic-ai/sdk/resources/messages';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectedReplyText, replyEvents, replyOutcome } from './script';
import { type LocalAnthropic, type LocalAnthropicStats, startLocalAnthropic } from './server';

const MODEL = 'claude-haiku-4-5';

function ask(text: string, maxTokens = 4096): MessageCreateParamsNonStreaming {
  return { model: MODEL, max_tokens: maxTokens, messages: [{ role: 'user', content: text }] };
}

function clientFor(server: LocalAnthropic): Anthropic {
  return new Anthropic({ apiKey: 'local', baseURL: server.url, maxRetries: 0 });
}

async function statsOf(server: LocalAnthropic): Promise<LocalAnthropicStats> {
  const response = await fetch(`${server.url}/_local/stats`);
  return (await response.json()) as LocalAnthropicStats;
}

async function rawStream(server: LocalAnthropic, body: MessageCreateParamsBase): Promise<string> {
  const response = await fetch(`${server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  return response.text();
}

/** The stream helper adds `parsed_output` (structured outputs) on the client side; it is not on the wire. */
function wireFields(message: Message): Message {
  const { parsed_output: _parsed, ...wire } = message as Message & { parsed_output?: unknown };
  return wire;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('local Anthropic server, as fast as possible', () => {
  let server: LocalAnthropic;
  let client: Anthropic;

  beforeAll(async () => {
    server = await startLocalAnthropic({ tokensPerSec: 0, stallMs: 5, slowDeltaMs: 0 });
    client = clientFor(server);
  });

  afterAll(async () => {
    await server.close();
  });

  it('streams the events in the order the API sends them', async () => {
    const request = ask('What is a vector clock?');
    const seen: string[] = [];
    for await (const event of client.messages.stream(request)) seen.push(event.type);
    const scripted = replyEvents({ ...request, stream: true })
      .map(({ event }) => event.type)
      .filter((type) => type !== 'ping');
    expect(seen).toEqual(scripted);
    expect(seen.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(seen.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);

    const frames = (await rawStream(server, request)).split('\n\n').filter((frame) => frame.length > 0);
    const names = frames.map((frame) => /^event: (\S+)\ndata: /.exec(frame)?.[1]);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    for (const frame of frames) {
      const [eventLine, dataLine] = frame.split('\n');
      expect(JSON.parse(dataLine?.slice('data: '.length) ?? '').type).toBe(
        eventLine?.slice('event: '.length),
      );
    }
  });

  it.each([
    'How do I center a div?',
    '/demo long',
    '/demo slow',
    '/demo thinking',
    '/demo tool',
    '/demo stall',
    '/demo help',
    '/demo unknown',
  ])('finishes "%s" with the scripted final message and expected text', async (text) => {
    const request = ask(text);
    const final = await client.messages.stream(request).finalMessage();
    const outcome = replyOutcome(request);
    if (outcome.type !== 'message') throw new Error('expected a message');
    expect(wireFields(final)).toEqual(outcome.message);
    const finalText = final.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(finalText).toBe(expectedReplyText(text));
  });

  it('streams /demo thinking and /demo tool with their block types and stop reasons', async () => {
    const thinking = await client.messages.stream(ask('/demo thinking')).finalMessage();
    expect(thinking.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    const [thought] = thinking.content;
    expect(thought?.type === 'thinking' && thought.signature.length > 0).toBe(true);

    const tool = await client.messages.stream(ask('/demo tool')).finalMessage();
    expect(tool.stop_reason).toBe('tool_use');
    const call = tool.content.find((block) => block.type === 'tool_use');
    expect(call).toMatchObject({
      name: 'get_weather',
      input: { location: 'San Francisco, CA', unit: 'celsius' },
    });
  });

  it('surfaces /demo error as an overloaded APIError after partial text', async () => {
    const stream = client.messages.stream(ask('/demo error'));
    let partial = '';
    stream.on('text', (delta) => {
      partial += delta;
    });
    const error = await rejectionOf(stream.finalMessage());
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ type: 'overloaded_error', apiMessage: 'Overloaded' });
    expect(partial).toBe(expectedReplyText('/demo error'));
    expect(partial.length).toBeGreaterThan(0);

    const unary = await rejectionOf(client.messages.create(ask('/demo error')));
    expect(unary).toBeInstanceOf(Anthropic.OverloadedError);
    expect(unary).toMatchObject({ status: 529, type: 'overloaded_error' });
  });

  it('sends byte-identical SSE for identical requests', async () => {
    const first = await rawStream(server, ask('Determinism, please'));
    const second = await rawStream(server, ask('Determinism, please'));
    expect(second).toBe(first);
    expect(await rawStream(server, ask('Something else'))).not.toBe(first);
    expect(await rawStream(server, ask('/demo thinking'))).toBe(
      await rawStream(server, ask('/demo thinking')),
    );
  });

  it('answers a non-streamed request with the Message and a request-id header', async () => {
    const request = ask('Non-streamed, please');
    const { data, response } = await client.messages.create(request).withResponse();
    const outcome = replyOutcome(request);
    if (outcome.type !== 'message') throw new Error('expected a message');
    expect(data).toEqual(outcome.message);
    expect(response.headers.get('request-id')).toMatch(/^req_011C[1-9A-HJ-NP-Za-km-z]{20}$/);
    const streamed = await client.messages.stream(request).finalMessage();
    expect(wireFields(streamed)).toEqual(data);
  });

  it('stops at max_tokens with stop_reason max_tokens', async () => {
    const final = await client.messages.stream(ask('Tell me about lighthouses', 7)).finalMessage();
    expect(final.stop_reason).toBe('max_tokens');
    expect(final.usage.output_tokens).toBe(7);
    expect(final.content).toEqual([
      { type: 'text', text: expectedReplyText('Tell me about lighthouses', 7), citations: null },
    ]);
  });

  it('accepts requests with any API key or none', async () => {
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ask('No key at all')),
    });
    expect(response.status).toBe(200);
    const other = new Anthropic({ apiKey: 'sk-ant-anything', baseURL: server.url, maxRetries: 0 });
    expect((await other.messages.create(ask('Any key'))).type).toBe('message');
  });

  it('answers unknown paths with a 404 not_found_error', async () => {
    const error = await rejectionOf(client.get('/v1/nowhere'));
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect(error).toMatchObject({ type: 'not_found_error', apiMessage: 'Not Found' });
  });
});

describe('local Anthropic server, paced', () => {
  /**
   * The server paces a reply with setTimeout against performance.now(): both run on a fake clock here, which
   * only the test moves, each time to the server's next timer; a text arrives while the clock still reads
   * the time the server let it go at.
   */
  function fakePacingClock(): void {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.spyOn(performance, 'now').mockImplementation(() => Date.now());
  }

  function restoreRealClock(): void {
    vi.useRealTimers();
    vi.restoreAllMocks();
  }

  /** The texts of `stream` as they arrive, each at its time on the clock since now; `until` waits for one. */
  function recordTexts(stream: MessageStream) {
    const started = Date.now();
    const texts: Array<{ at: number; snapshot: string }> = [];
    stream.on('text', (_delta, snapshot) => {
      texts.push({ at: Date.now() - started, snapshot });
    });
    const until = (holds: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!holds()) return;
          stream.off('text', check);
          resolve();
        };
        stream.on('text', check);
        check();
      });
    return { texts, until };
  }

  it('spaces deltas at the configured token rate', async () => {
    const server = await startLocalAnthropic({ tokensPerSec: 40 });
    try {
      fakePacingClock();
      const stream = clientFor(server).messages.stream(ask('Pace check', 12));
      const { texts, until } = recordTexts(stream);
      // The opening events go out at once, in the same turn as the server starts timing the first delta.
      await new Promise((resolve) => stream.once('streamEvent', resolve));
      for (let count = 1; count <= 12; count++) {
        await vi.advanceTimersToNextTimerAsync();
        await until(() => texts.length >= count);
      }
      await stream.finalMessage();
      // 40 tokens/s: one delta every 25 ms.
      expect(texts.map((text) => text.at)).toEqual(Array.from({ length: 12 }, (_, i) => 25 * (i + 1)));
    } finally {
      restoreRealClock();
      await server.close();
    }
  });

  it('pauses /demo stall mid-reply for the configured stall', async () => {
    const server = await startLocalAnthropic({ tokensPerSec: 0, stallMs: 500 });
    try {
      fakePacingClock();
      const stream = clientFor(server).messages.stream(ask('/demo stall'));
      const { texts, until } = recordTexts(stream);
      // Everything before the stall goes out at once.
      await until(() => /what to say next\.$/.test(texts.at(-1)?.snapshot ?? ''));
      await vi.advanceTimersToNextTimerAsync();
      await stream.finalMessage();
      const before = texts.filter((text) => text.at === 0);
      const after = texts.filter((text) => text.at === 500);
      expect(before.at(-1)?.snapshot).toMatch(/what to say next\.$/);
      expect(after.length).toBeGreaterThan(0);
      expect(before.length + after.length).toBe(texts.length);
    } finally {
      restoreRealClock();
      await server.close();
    }
  });

  it('stops generating when the client disconnects and counts the abort', async () => {
    const server = await startLocalAnthropic({ tokensPerSec: 50 });
    try {
      const stream = clientFor(server).messages.stream(ask('/demo long', 100_000));
      await new Promise<void>((resolve) => stream.once('text', () => resolve()));
      expect(await statsOf(server)).toMatchObject({ active: 1, aborted: 0 });
      const ended = rejectionOf(stream.done());
      stream.abort();
      expect(await ended).toBeInstanceOf(Anthropic.APIUserAbortError);
      await vi.waitFor(
        async () => {
          expect(await statsOf(server)).toEqual({ active: 0, completed: 0, aborted: 1 });
        },
        { timeout: 5_000 },
      );
    } finally {
      await server.close();
    }
  });

  it('ends open streams and closes promptly', async () => {
    const server = await startLocalAnthropic({ tokensPerSec: 20 });
    const stream = clientFor(server).messages.stream(ask('/demo long', 100_000));
    const outcome = rejectionOf(stream.finalMessage());
    await new Promise<void>((resolve) => stream.once('text', () => resolve()));
    // The reply would take over an hour at 20 tokens/s: the close resolving at all means it ended the stream.
    await server.close();
    expect(await outcome).toBeInstanceOf(Error);
    await vi.waitFor(
      () => {
        expect(server.stats()).toEqual({ active: 0, completed: 0, aborted: 1 });
      },
      { timeout: 5_000 },
    );
  });
});
