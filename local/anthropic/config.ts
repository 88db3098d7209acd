// Pacing configuration of the local model: explicit options first, then environment variables, then defaults.
import { DEFAULT_PACING, type PacingOptions } from './script';

export class LocalAnthropicConfigError extends Error {}

export const PACING_ENV = {
  tokensPerSec: 'LOCAL_ANTHROPIC_TOKENS_PER_SEC',
  stallMs: 'LOCAL_ANTHROPIC_STALL_MS',
  slowDeltaMs: 'LOCAL_ANTHROPIC_SLOW_DELTA_MS',
} as const satisfies Record<keyof PacingOptions, string>;

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new LocalAnthropicConfigError(`${name} must be a non-negative number, got ${value}`);
  }
  return value;
}

type Env = Readonly<Record<string, string | undefined>>;

function fromEnv(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  return nonNegative(Number(raw), name);
}

export function resolvePacing(options: Partial<PacingOptions>, env: Env = process.env): PacingOptions {
  const pick = (key: keyof PacingOptions): number => {
    const explicit = options[key];
    if (explicit !== undefined) return nonNegative(explicit, key);
    return fromEnv(env, PACING_ENV[key]) ?? DEFAULT_PACING[key];
  };
  return { tokensPerSec: pick('tokensPerSec'), stallMs: pick('stallMs'), slowDeltaMs: pick('slowDeltaMs') };
}
