// Unit tests for OpenResponses: pings and lifetimes of open SSE bodies.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type OpenResponse, OpenResponses } from './open-responses';

function body() {
  return { ping: vi.fn<() => void>(), expire: vi.fn<() => void>() } satisfies OpenResponse;
}

describe('OpenResponses', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings every open body on one interval and expires each at its own lifetime, in order', () => {
    const responses = new OpenResponses(10, 100, console);
    const first = body();
    const second = body();
    responses.add(first);
    vi.advanceTimersByTime(40);
    const removeSecond = responses.add(second);
    vi.advanceTimersByTime(20);
    expect(first.ping).toHaveBeenCalledTimes(6);
    expect(second.ping).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(40);
    expect(first.expire).toHaveBeenCalledOnce();
    expect(second.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(39);
    expect(second.expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(second.expire).toHaveBeenCalledOnce();
    // Expired bodies are gone: no more pings, and no timer is left.
    vi.advanceTimersByTime(50);
    expect(second.ping).toHaveBeenCalledTimes(10);
    expect(vi.getTimerCount()).toBe(0);
    removeSecond();
  });

  it('a removed body is neither pinged nor expired, and the last one out clears both timers', () => {
    const responses = new OpenResponses(10, 100, console);
    const gone = body();
    const stays = body();
    const remove = responses.add(gone);
    responses.add(stays);
    remove();
    vi.advanceTimersByTime(100);
    expect(gone.ping).not.toHaveBeenCalled();
    expect(gone.expire).not.toHaveBeenCalled();
    expect(stays.expire).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a body that throws is dropped and logged, and the others still get their pings', () => {
    const logger = { warn: vi.fn() };
    const responses = new OpenResponses(10, 100, logger);
    const broken = body();
    broken.ping.mockImplementation(() => {
      throw new Error('a body that broke');
    });
    const healthy = body();
    responses.add(broken);
    responses.add(healthy);
    vi.advanceTimersByTime(30);
    expect(broken.ping).toHaveBeenCalledOnce();
    expect(healthy.ping).toHaveBeenCalledTimes(3);
    expect(logger.warn).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(100);
    expect(broken.expire).not.toHaveBeenCalled();
    expect(healthy.expire).toHaveBeenCalledOnce();
  });

  it('closeAll expires every open body and every later one at once', () => {
    const responses = new OpenResponses(10, 100, console);
    const open = body();
    responses.add(open);
    responses.closeAll();
    expect(open.expire).toHaveBeenCalledOnce();
    const late = body();
    responses.add(late);
    expect(late.expire).toHaveBeenCalledOnce();
    expect(late.ping).not.toHaveBeenCalled();
  });
});
