// Unit tests for resolveConfig: defaults, validation and the error message mapping.
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_ERROR_MESSAGE, MAX_TIMER_MS, resolveConfig } from './config';
import { ResumableConfigError } from './errors';

const base = { accessToken: 't', basin: 'basin-test' };

describe('resolveConfig', () => {
  it('fills in the documented defaults', () => {
    const config = resolveConfig(base);
    expect(config).toMatchObject({
      mode: 'single-use',
      batchSize: 10,
      lingerDuration: 50,
      leaseDurationMs: 5000,
      maxReplayLifetimeMs: 240_000,
      pingIntervalMs: 15_000,
      connectionIdleMs: 5000,
    });
    expect(config.heartbeatIntervalMs).toBeCloseTo(5000 / 3);
  });

  it('R10: rejects NaN, infinite and out-of-range batching at construction', () => {
    for (const batchSize of [Number.NaN, 0, 1001, 2.5, Number.POSITIVE_INFINITY]) {
      expect(() => resolveConfig({ ...base, batchSize })).toThrow(ResumableConfigError);
    }
    for (const lingerDuration of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(() => resolveConfig({ ...base, lingerDuration })).toThrow(ResumableConfigError);
    }
    expect(resolveConfig({ ...base, batchSize: 1, lingerDuration: 0 })).toMatchObject({
      batchSize: 1,
      lingerDuration: 0,
    });
  });

  it('refuses durations past what a Node timer can wait, which would fire after 1 ms instead', () => {
    const keys = [
      'lingerDuration',
      'leaseDurationMs',
      'maxReplayLifetimeMs',
      'pingIntervalMs',
      'connectionIdleMs',
    ] as const;
    for (const key of keys) {
      expect(() => resolveConfig({ ...base, [key]: MAX_TIMER_MS + 1 })).toThrow(ResumableConfigError);
    }
    expect(resolveConfig({ ...base, maxReplayLifetimeMs: MAX_TIMER_MS }).maxReplayLifetimeMs).toBe(
      MAX_TIMER_MS,
    );
  });

  it('R7: keeps heartbeats well inside the lease', () => {
    expect(() => resolveConfig({ ...base, leaseDurationMs: 600, heartbeatIntervalMs: 600 })).toThrow(
      ResumableConfigError,
    );
    expect(() => resolveConfig({ ...base, leaseDurationMs: 0 })).toThrow(ResumableConfigError);
  });

  it('accepts a connection idle time of 0 or more', () => {
    for (const connectionIdleMs of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(() => resolveConfig({ ...base, connectionIdleMs })).toThrow(ResumableConfigError);
    }
    expect(resolveConfig({ ...base, connectionIdleMs: 0 }).connectionIdleMs).toBe(0);
  });

  it('rejects a missing token, basin or unknown mode', () => {
    expect(() => resolveConfig({ ...base, accessToken: '' })).toThrow(ResumableConfigError);
    expect(() => resolveConfig({ ...base, basin: '' })).toThrow(ResumableConfigError);
    expect(() => resolveConfig({ ...base, mode: 'other' as never })).toThrow(ResumableConfigError);
  });

  it('R6: sends a generic message unless onError opts in, and survives a throwing onError', () => {
    expect(resolveConfig(base).errorMessage(new Error('sk-secret'))).toBe(DEFAULT_ERROR_MESSAGE);
    const mapped = resolveConfig({ ...base, onError: (err) => `mapped: ${(err as Error).message}` });
    expect(mapped.errorMessage(new Error('x'))).toBe('mapped: x');
    const logger = { warn: vi.fn(), error: vi.fn() };
    const throwing = resolveConfig({
      ...base,
      logger,
      onError: () => {
        throw new Error('bad mapper');
      },
    });
    expect(throwing.errorMessage(new Error('x'))).toBe(DEFAULT_ERROR_MESSAGE);
    expect(logger.error).toHaveBeenCalledOnce();
  });
});
