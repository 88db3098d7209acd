// Unit tests for SSE frames and sseResponse: pings, lifetimes, cancellation and signals.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it, vi } from 'vitest';
import { OpenResponses } from './open-responses';
import { eventFrame, eventFrames, SSE_HEADERS, sseResponse, type TailReader } from './sse';

function parse(text: string): EventSourceMessage[] {
  const out: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => out.push(message) });
  parser.feed(text);
  return out;
}

/** A tail with nothing to say: requests are never answered. */
function silentTail() {
  return { open: vi.fn(), request: vi.fn<() => void>(), stop: vi.fn<() => void>() } satisfies TailReader;
}

describe('SSE frames', () => {
  it('R11: frames carry the event type, the body verbatim and the next seq num as id', () => {
    const body = '{"type":"message_stop"}';
    expect(eventFrame({ seqNum: 41, eventType: 'message_stop', body })).toBe(
      `event: message_stop\ndata: ${body}\nid: 42\n\n`,
    );
  });

  it('keeps multi-line bodies intact through an SSE parser', () => {
    const body = '{\n  "type": "ping"\n}';
    const [frame] = parse(eventFrame({ seqNum: 0, eventType: 'ping', body }));
    expect(frame).toEqual({ event: 'ping', data: body, id: '1' });
  });

  it('writes a batch of events as one chunk that parses back into every frame, in order', () => {
    const batch = [3, 4, 6].map((seqNum) => ({
      seqNum,
      eventType: 'content_block_delta',
      body: `{"type":"content_block_delta","n":${seqNum}}`,
    }));
    expect(parse(eventFrames(batch))).toEqual(
      batch.map(({ seqNum, eventType, body }) => ({ event: eventType, data: body, id: String(seqNum + 1) })),
    );
  });
});

describe('sseResponse', () => {
  it('R16: sends pings while idle and closes cleanly after its maximum lifetime', async () => {
    const tail = silentTail();
    const owner = { release: vi.fn() };
    const response = sseResponse({
      tail,
      responses: new OpenResponses(20, 150, console),
      logger: console,
      owner,
    });
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': SSE_HEADERS['Content-Type'],
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    });
    const text = await response.text();
    // The opening comment, then at least one from the shared ping timer.
    expect(text.split(': ping\n\n').length - 1).toBeGreaterThanOrEqual(2);
    expect(tail.stop).toHaveBeenCalledOnce();
    expect(owner.release).toHaveBeenCalledOnce();
  });

  it('R20: a cancelled body stops its tail and releases it exactly once', async () => {
    const tail = silentTail();
    const owner = { release: vi.fn() };
    const response = sseResponse({
      tail,
      responses: new OpenResponses(1000, 60_000, console),
      logger: console,
      owner,
    });
    await response.body?.cancel();
    expect(tail.stop).toHaveBeenCalledOnce();
    expect(owner.release).toHaveBeenCalledOnce();
  });

  it('ends on its signal, and at once when the signal was already aborted', async () => {
    const responses = new OpenResponses(1000, 60_000, console);
    const client = new AbortController();
    const open = (signal: AbortSignal) =>
      sseResponse({ tail: silentTail(), responses, signal, logger: console, owner: { release: vi.fn() } });
    const text = open(client.signal).text();
    client.abort();
    expect(await text).toBe(': ping\n\n');
    expect(await open(client.signal).text()).toBe(': ping\n\n');
  });
});
