// The Anthropic client: the real API with a key, or the local model (local/anthropic) through its base URL.
import 'server-only';
import Anthropic from '@anthropic-ai/sdk';
import { env } from './env';

const globalForAnthropic = globalThis as typeof globalThis & { __anthropic?: Anthropic };

export function anthropic(): Anthropic {
  if (globalForAnthropic.__anthropic) return globalForAnthropic.__anthropic;
  const config = env();
  const client = new Anthropic({
    // The local model accepts any key; the SDK insists on one.
    apiKey: config.ANTHROPIC_API_KEY ?? 'local-model',
    baseURL: config.ANTHROPIC_BASE_URL,
    maxRetries: 2,
  });
  globalForAnthropic.__anthropic = client;
  return client;
}

/** True when replies come from local/anthropic rather than Claude; the UI shows a badge. */
export function usesLocalModel(): boolean {
  return !env().ANTHROPIC_API_KEY;
}
