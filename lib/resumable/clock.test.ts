// Unit tests for S2Clock, which follows S2 time from append acks.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { S2Clock } from './clock';

describe('S2Clock', () => {
  // A frozen local clock: the offsets are exact, whatever the machine's load between two calls.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(5_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('R7: follows S2 time when the local clock is off, using the freshest ack evidence', () => {
    const clock = new S2Clock();
    const local = 1_000_000;
    expect(clock.now()).toBe(Date.now());
    // S2 runs 10 s ahead of this server; acks arrive 5 ms and 40 ms after S2 stamped them.
    clock.observe(new Date(local + 10_000 - 5), local);
    clock.observe(new Date(local + 10_000 - 40), local);
    // The freshest evidence (5 ms old) is the best estimate of S2's lead.
    expect(clock.now() - Date.now()).toBe(10_000 - 5);
  });

  it('forgets old samples, so a corrected clock is followed', () => {
    const clock = new S2Clock();
    clock.observe(new Date(60_000), 0);
    for (let i = 0; i < 16; i++) clock.observe(new Date(1000), 1000);
    expect(clock.now()).toBe(Date.now());
  });
});
