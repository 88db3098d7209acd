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
  const lingerDuration = check(
    'lingerDuration',
    config.lingerDuration ?? 50,
    (v) => v >= 0,
    'finite and >= 0',
  );
  const leaseDurationMs = check(
    'leaseDurationMs',
    config.leaseDurationMs ?? 5000,
    (v) => v > 0,
    'finite and > 0',
  );
  const heartbeatIntervalMs = check(
    'heartbeatIntervalMs',
    config.heartbeatIntervalMs ?? leaseDurationMs / 3,
    (v) => v > 0 && v < leaseDurationMs,
    'finite, > 0 and below leaseDurationMs',
  );
  const maxReplayLifetimeMs = check(
    'maxReplayLifetimeMs',
    config.maxReplayLifetimeMs ?? 240_000,
    (v) => v > 0,
    'finite and > 0',
  );
  const pingIntervalMs = check(
    'pingIntervalMs',
    config.pingIntervalMs ?? 15_000,
    (v) => v > 0,
    'finite and > 0',
  );
  const connectionIdleMs = check(
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
