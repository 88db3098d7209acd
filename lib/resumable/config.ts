// Validates a ResumableChatConfig and fills in its defaults.
import { ResumableConfigError } from './errors';
import type { ResumableChatConfig, ResumableMode } from './types';

export const DEFAULT_ERROR_MESSAGE = 'An error occurred.';

export interface ResolvedConfig {
  mode: ResumableMode;
  batchSize: number;
  lingerDuration: number;
  leaseDurationMs: number;
  heartbeatIntervalMs: number;
  maxReplayLifetimeMs: number;
  pingIntervalMs: number;
  connectionIdleMs: number;
  errorMessage: (err: unknown) => string;
  logger: Pick<Console, 'warn' | 'error'>;
}

const MODES: readonly ResumableMode[] = ['single-use', 'shared', 'session'];

/** Node runs a longer setTimeout after 1 ms instead, so a larger duration would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function duration(name: string, value: number, valid: (v: number) => boolean, rule: string): number {
  return check(name, value, (v) => valid(v) && v <= MAX_TIMER_MS, `${rule} and <= ${MAX_TIMER_MS}`);
}

function check(name: string, value: number, valid: (v: number) => boolean, rule: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) {
    throw new ResumableConfigError(`${name} must be ${rule}; got ${String(value)}.`);
  }
  return value;
}

function required(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new ResumableConfigError(`${name} must be a non-empty string.`);
  }
}

export function resolveConfig(config: ResumableChatConfig): ResolvedConfig {
  required('accessToken', config.accessToken);
  required('basin', config.basin);
  const mode = config.mode ?? 'single-use';
  if (!MODES.includes(mode)) throw new ResumableConfigError(`mode must be one of ${MODES.join(', ')}.`);
  const batchSize = check(
    'batchSize',
    config.batchSize ?? 10,
    (v) => Number.isInteger(v) && v >= 1 && v <= 1000,
    'an integer from 1 to 1000',
  );
  const lingerDuration = duration(
    'lingerDuration',
    config.lingerDuration ?? 50,
    (v) => v >= 0,
    'finite and >= 0',
  );
  const leaseDurationMs = duration(
    'leaseDurationMs',
    config.leaseDurationMs ?? 5000,
    (v) => v > 0,
    'finite and > 0',
  );
  const heartbeatIntervalMs = duration(
    'heartbeatIntervalMs',
    config.heartbeatIntervalMs ?? leaseDurationMs / 3,
    (v) => v > 0 && v < leaseDurationMs,
    'finite, > 0 and below leaseDurationMs',
  );
  const maxReplayLifetimeMs = duration(
    'maxReplayLifetimeMs',
    config.maxReplayLifetimeMs ?? 240_000,
    (v) => v > 0,
    'finite and > 0',
  );
  const pingIntervalMs = duration(
    'pingIntervalMs',
    config.pingIntervalMs ?? 15_000,
    (v) => v > 0,
    'finite and > 0',
  );
  const connectionIdleMs = duration(
    'connectionIdleMs',
    config.connectionIdleMs ?? 5000,
    (v) => v >= 0,
    'finite and >= 0',
  );
  const onError = config.onError;
  const logger = config.logger ?? console;
  const errorMessage = (err: unknown): string => {
    if (!onError) return DEFAULT_ERROR_MESSAGE;
    try {
      const message = onError(err);
      return typeof message === 'string' && message !== '' ? message : DEFAULT_ERROR_MESSAGE;
    } catch (mappingError) {
      logger.error('resumable: onError threw; sending the default message', mappingError);
      return DEFAULT_ERROR_MESSAGE;
    }
  };
  return {
    mode,
    batchSize,
    lingerDuration,
    leaseDurationMs,
    heartbeatIntervalMs,
    maxReplayLifetimeMs,
    pingIntervalMs,
    connectionIdleMs,
    errorMessage,
    logger,
  };
}
