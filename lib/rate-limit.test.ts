// Unit tests for the per-identity rate limiter.
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit';

describe('createRateLimiter', () => {
  it('allows the limit per minute per identity, then says how long to wait', () => {
    const limiter = createRateLimiter(3);
    expect([0, 1, 2].map((i) => limiter.take('alice', 1000 + i))).toEqual([0, 0, 0]);
    expect(limiter.take('alice', 1003)).toBe(60);
    expect(limiter.take('bob', 1003)).toBe(0);
    expect(limiter.take('alice', 31_000)).toBe(30);
    expect(limiter.take('alice', 61_000)).toBe(0);
  });

  it('forgets an attempt given back, and only that one', () => {
    const limiter = createRateLimiter(2);
    expect(limiter.take('alice', 1000)).toBe(0);
    expect(limiter.take('alice', 2000)).toBe(0);
    limiter.giveBack('alice', 2000);
    limiter.giveBack('bob', 1000);
    expect(limiter.take('alice', 3000)).toBe(0);
    // 1000 and 3000 are still counted: the next waits until 1000 leaves the window.
    expect(limiter.take('alice', 4000)).toBe(57);
  });
});
