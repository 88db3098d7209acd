// Per-identity limit on new turns: a sliding one-minute window kept in process memory.
const WINDOW_MS = 60_000;

export interface RateLimiter {
  /** Records an attempt; returns 0 when allowed, else the seconds to wait before the next one is. */
  take(key: string, now?: number): number;
  /** Forgets the attempt `take` recorded at `at`: it turned out to cost nothing (no reply was started). */
  giveBack(key: string, at: number): void;
}

export function createRateLimiter(limitPerMinute: number): RateLimiter {
  const attempts = new Map<string, number[]>();
  return {
    take(key, now = Date.now()) {
      const recent = (attempts.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
      if (recent.length >= limitPerMinute) {
        attempts.set(key, recent);
        const oldest = recent[0] ?? now;
        return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
      }
      recent.push(now);
      attempts.set(key, recent);
      // Forget idle identities so the map stays as small as the set of active browsers.
      if (attempts.size > 10_000) {
        for (const [other, times] of attempts)
          if (times.every((at) => now - at >= WINDOW_MS)) attempts.delete(other);
      }
      return 0;
    },
    giveBack(key, at) {
      const recent = attempts.get(key);
      const index = recent?.lastIndexOf(at) ?? -1;
      if (recent && index !== -1) recent.splice(index, 1);
    },
  };
}
