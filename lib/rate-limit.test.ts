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
});
