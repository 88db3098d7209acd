import { describe, expect, it } from 'vitest';
import { S2Clock } from './clock';

describe('S2Clock', () => {
  it('R7: follows S2 time when the local clock is off, using the freshest ack evidence', () => {
    const clock = new S2Clock();
    const local = 1_000_000;
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    // S2 runs 10 s ahead of this server; acks arrive 5 ms and 40 ms after S2 stamped them.
    clock.observe(new Date(local + 10_000 - 5), local);
    clock.observe(new Date(local + 10_000 - 40), local);
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(9_990);
    expect(clock.now() - Date.now()).toBeLessThanOrEqual(10_000 + 50);
  });

  it('forgets old samples, so a corrected clock is followed', () => {
    const clock = new S2Clock();
    clock.observe(new Date(60_000), 0);
    for (let i = 0; i < 16; i++) clock.observe(new Date(1000), 1000);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
  });
});
