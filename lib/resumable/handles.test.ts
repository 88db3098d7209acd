// Unit tests for StreamHandles: idle S2 stream handles kept, capped and closed.
import type { S2Basin, S2Stream } from '@s2-dev/streamstore';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_IDLE_HANDLES, StreamHandles } from './handles';

/** A basin whose handles only record their closes; `hang` makes every close wait forever. */
function fakeBasin(options: { hang?: boolean } = {}) {
  const closes = new Map<string, number>();
  let opened = 0;
  const basin = {
    stream(name: string) {
      const id = `${name}#${opened++}`;
      return {
        id,
        close: () => {
          closes.set(id, (closes.get(id) ?? 0) + 1);
          return options.hang ? new Promise<void>(() => undefined) : Promise.resolve();
        },
      } as unknown as S2Stream;
    },
  } as unknown as S2Basin;
  const idOf = (stream: S2Stream) => (stream as unknown as { id: string }).id;
  return { basin, closes, idOf };
}

describe('StreamHandles', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps a released handle open for the idle time, then closes it once', async () => {
    const { basin, closes, idOf } = fakeBasin();
    const handles = new StreamHandles(basin, 5000, console);
    const stream = handles.open('chat-a');
    handles.release(stream);
    await vi.advanceTimersByTimeAsync(4999);
    expect(closes.has(idOf(stream))).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(closes.get(idOf(stream))).toBe(1);
    await handles.close();
    expect(closes.get(idOf(stream))).toBe(1);
  });

  it(`keeps at most ${MAX_IDLE_HANDLES} idle handles, closing the oldest first`, async () => {
    const { basin, closes, idOf } = fakeBasin();
    const handles = new StreamHandles(basin, 60_000, console);
    const streams = Array.from({ length: MAX_IDLE_HANDLES + 3 }, (_, i) => handles.open(`chat-${i}`));
    for (const stream of streams) handles.release(stream);
    await vi.advanceTimersByTimeAsync(0);
    expect(streams.map((stream) => closes.get(idOf(stream)) ?? 0)).toEqual(
      streams.map((_, i) => (i < 3 ? 1 : 0)),
    );
    await handles.close();
    expect(streams.map((stream) => closes.get(idOf(stream)))).toEqual(streams.map(() => 1));
  });

  it('closes at once with an idle time of 0, and after close() whatever the idle time', async () => {
    const { basin, closes, idOf } = fakeBasin();
    const immediate = new StreamHandles(basin, 0, console);
    const first = immediate.open('chat-a');
    immediate.release(first);
    expect(closes.get(idOf(first))).toBe(1);

    const idle = new StreamHandles(basin, 60_000, console);
    const kept = idle.open('chat-b');
    idle.release(kept);
    await idle.close();
    expect(closes.get(idOf(kept))).toBe(1);
    const late = idle.open('chat-c');
    idle.release(late);
    expect(closes.get(idOf(late))).toBe(1);
  });

  it('close() settles even when a handle never finishes closing, and says so', async () => {
    const { basin } = fakeBasin({ hang: true });
    const logger = { warn: vi.fn() };
    const handles = new StreamHandles(basin, 60_000, logger);
    handles.release(handles.open('chat-a'));
    let settled = false;
    const closing = handles.close().then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(settled).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('took over 5000 ms'));
  });
});
