// Pacing configuration: options win over environment variables, which win over the defaults.
import { describe, expect, it } from 'vitest';
import { LocalAnthropicConfigError, resolvePacing } from './config';

describe('pacing configuration', () => {
  it('defaults to 40 tokens per second, a 30 s stall and 250 ms slow deltas', () => {
    expect(resolvePacing({}, {})).toEqual({ tokensPerSec: 40, stallMs: 30_000, slowDeltaMs: 250 });
  });

  it('reads LOCAL_ANTHROPIC_TOKENS_PER_SEC, LOCAL_ANTHROPIC_STALL_MS and LOCAL_ANTHROPIC_SLOW_DELTA_MS', () => {
    const env = {
      LOCAL_ANTHROPIC_TOKENS_PER_SEC: '0',
      LOCAL_ANTHROPIC_STALL_MS: '150',
      LOCAL_ANTHROPIC_SLOW_DELTA_MS: '10',
    };
    expect(resolvePacing({}, env)).toEqual({ tokensPerSec: 0, stallMs: 150, slowDeltaMs: 10 });
  });

  it('lets explicit options override the environment', () => {
    const env = { LOCAL_ANTHROPIC_TOKENS_PER_SEC: '5', LOCAL_ANTHROPIC_STALL_MS: '150' };
    expect(resolvePacing({ tokensPerSec: 100, stallMs: 1 }, env)).toMatchObject({
      tokensPerSec: 100,
      stallMs: 1,
    });
  });

  it('refuses negative or non-numeric values', () => {
    expect(() => resolvePacing({}, { LOCAL_ANTHROPIC_STALL_MS: 'soon' })).toThrow(LocalAnthropicConfigError);
    expect(() => resolvePacing({ tokensPerSec: -1 }, {})).toThrow(LocalAnthropicConfigError);
  });
});
