// Stream and basin config: shape checks, resolution over basin defaults, PATCH semantics, equality.

import {
  type BasinConfig,
  type BasinConfigInput,
  type BasinReconfiguration,
  type RetentionPolicy,
  S2ApiError,
  type StorageClass,
  type StreamConfig,
  type StreamConfigDefaults,
  type StreamConfigInput,
  type StreamReconfiguration,
  type TimestampingMode,
} from './types';

export const SYSTEM_STREAM_DEFAULTS = {
  storage_class: 'express',
  retention_policy: { age: 604_800 },
  timestamping: { mode: 'client-prefer', uncapped: false },
  delete_on_empty: { min_age_secs: 0 },
} as const satisfies StreamConfig;

const STORAGE_CLASSES: readonly StorageClass[] = ['standard', 'express'];
const TIMESTAMPING_MODES: readonly TimestampingMode[] = ['client-prefer', 'client-require', 'arrival'];

function badJson(message: string): S2ApiError {
  return new S2ApiError(400, 'bad_json', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Retention policy check: wrong shape is a schema error (400), `age: 0` a semantic one (422). */
function checkRetention(value: unknown): RetentionPolicy {
  if (isRecord(value) && 'age' in value && !('infinite' in value)) {
    if (!isCount(value.age)) throw badJson('retention_policy.age must be a non-negative integer');
    if (value.age === 0) throw new S2ApiError(422, 'invalid', 'age must be greater than 0 seconds');
    return { age: value.age };
  }
  if (isRecord(value) && 'infinite' in value && !('age' in value) && isRecord(value.infinite)) {
    return { infinite: {} };
  }
  throw badJson('retention_policy must be {"age": secs} or {"infinite": {}}');
}

function optional<T>(value: unknown, check: (v: unknown) => T): T | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return check(value);
}

function checkStorageClass(value: unknown): StorageClass {
  const found = STORAGE_CLASSES.find((c) => c === value);
  if (found === undefined) throw badJson(`unknown storage_class ${JSON.stringify(value)}`);
  return found;
}

function checkMode(value: unknown): TimestampingMode {
  const found = TIMESTAMPING_MODES.find((m) => m === value);
  if (found === undefined) throw badJson(`unknown timestamping mode ${JSON.stringify(value)}`);
  return found;
}

function checkBoolean(value: unknown): boolean {
  if (typeof value !== 'boolean') throw badJson('expected a boolean');
  return value;
}

function checkSecs(value: unknown): number {
  if (!isCount(value)) throw badJson('min_age_secs must be a non-negative integer');
  return value;
}

/** Validates a (partial) stream config or stream PATCH from an untrusted JSON value; keeps absent/null. */
export function checkStreamConfigInput(value: unknown): StreamConfigInput {
  if (!isRecord(value)) throw badJson('stream config must be an object');
  const out: StreamConfigInput = {};
  const storage = optional(value.storage_class, checkStorageClass);
  if (storage !== undefined) out.storage_class = storage;
  const retention = optional(value.retention_policy, checkRetention);
  if (retention !== undefined) out.retention_policy = retention;
  const ts = optional(value.timestamping, (t) => {
    if (!isRecord(t)) throw badJson('timestamping must be an object');
    const nested: NonNullable<StreamConfigInput['timestamping']> = {};
    const mode = optional(t.mode, checkMode);
    if (mode !== undefined) nested.mode = mode;
    const uncapped = optional(t.uncapped, checkBoolean);
    if (uncapped !== undefined) nested.uncapped = uncapped;
    return nested;
  });
  if (ts !== undefined) out.timestamping = ts;
  const doe = optional(value.delete_on_empty, (d) => {
    if (!isRecord(d)) throw badJson('delete_on_empty must be an object');
    const nested: NonNullable<StreamConfigInput['delete_on_empty']> = {};
    const secs = optional(d.min_age_secs, checkSecs);
    if (secs !== undefined) nested.min_age_secs = secs;
    return nested;
  });
  if (doe !== undefined) out.delete_on_empty = doe;
  return out;
}

/** The explicitly set fields of a partial config, others `null`; `null` when nothing is set. */
export function toDefaults(input: StreamConfigInput | null | undefined): StreamConfigDefaults | null {
  if (input === null || input === undefined) return null;
  const mode = input.timestamping?.mode ?? null;
  const uncapped = input.timestamping?.uncapped ?? null;
  const minAge = input.delete_on_empty?.min_age_secs ?? null;
  const defaults: StreamConfigDefaults = {
    storage_class: input.storage_class ?? null,
    retention_policy: input.retention_policy ?? null,
    timestamping: mode === null && uncapped === null ? null : { mode, uncapped },
    delete_on_empty: minAge === null ? null : { min_age_secs: minAge },
  };
  const empty =
    defaults.storage_class === null &&
    defaults.retention_policy === null &&
    defaults.timestamping === null &&
    defaults.delete_on_empty === null;
  return empty ? null : defaults;
}

/** Stream-level values over basin defaults over system defaults. */
export function resolveStreamConfig(
  input: StreamConfigInput | null | undefined,
  basinDefaults: StreamConfigDefaults | null,
): StreamConfig {
  const sys = SYSTEM_STREAM_DEFAULTS;
  return {
    storage_class: input?.storage_class ?? basinDefaults?.storage_class ?? sys.storage_class,
    retention_policy: input?.retention_policy ?? basinDefaults?.retention_policy ?? sys.retention_policy,
    timestamping: {
      mode: input?.timestamping?.mode ?? basinDefaults?.timestamping?.mode ?? sys.timestamping.mode,
      uncapped:
        input?.timestamping?.uncapped ?? basinDefaults?.timestamping?.uncapped ?? sys.timestamping.uncapped,
    },
    delete_on_empty: {
      min_age_secs:
        input?.delete_on_empty?.min_age_secs ??
        basinDefaults?.delete_on_empty?.min_age_secs ??
        sys.delete_on_empty.min_age_secs,
    },
  };
}

/** PATCH a resolved stream config: absent = keep, `null` = basin default, then system default. */
export function reconfigureStreamConfig(
  current: StreamConfig,
  patch: StreamReconfiguration,
  basinDefaults: StreamConfigDefaults | null,
): StreamConfig {
  const reset = resolveStreamConfig(null, basinDefaults);
  const pick = <T>(value: T | null | undefined, keep: T, fallback: T): T =>
    value === undefined ? keep : value === null ? fallback : value;
  const ts = patch.timestamping;
  const doe = patch.delete_on_empty;
  return {
    storage_class: pick(patch.storage_class, current.storage_class, reset.storage_class),
    retention_policy: pick(patch.retention_policy, current.retention_policy, reset.retention_policy),
    timestamping:
      ts === undefined
        ? current.timestamping
        : ts === null
          ? reset.timestamping
          : {
              mode: pick(ts.mode, current.timestamping.mode, reset.timestamping.mode),
              uncapped: pick(ts.uncapped, current.timestamping.uncapped, reset.timestamping.uncapped),
            },
    delete_on_empty:
      doe === undefined
        ? current.delete_on_empty
        : doe === null
          ? reset.delete_on_empty
          : {
              min_age_secs: pick(
                doe.min_age_secs,
                current.delete_on_empty.min_age_secs,
                reset.delete_on_empty.min_age_secs,
              ),
            },
  };
}

/** PATCH a basin's default stream config: absent = keep, `null` = unset (recursively). */
export function reconfigureDefaults(
  current: StreamConfigDefaults | null,
  patch: StreamReconfiguration | null,
): StreamConfigDefaults | null {
  if (patch === null) return null;
  const pick = <T>(value: T | null | undefined, keep: T | null): T | null =>
    value === undefined ? keep : value;
  const ts = patch.timestamping;
  const doe = patch.delete_on_empty;
  const curTs = current?.timestamping ?? null;
  return toDefaults({
    storage_class: pick(patch.storage_class, current?.storage_class ?? null),
    retention_policy: pick(patch.retention_policy, current?.retention_policy ?? null),
    timestamping:
      ts === undefined
        ? curTs
        : ts === null
          ? null
          : {
              mode: pick(ts.mode, curTs?.mode ?? null),
              uncapped: pick(ts.uncapped, curTs?.uncapped ?? null),
            },
    delete_on_empty:
      doe === undefined
        ? (current?.delete_on_empty ?? null)
        : doe === null
          ? null
          : { min_age_secs: pick(doe.min_age_secs, current?.delete_on_empty?.min_age_secs ?? null) },
  });
}

function rejectCipher(value: unknown): null {
  if (value === undefined || value === null) return null;
  if (value === 'aegis-256' || value === 'aes-256-gcm') {
    throw new S2ApiError(422, 'invalid', 'stream encryption is not supported by the local S2 server');
  }
  throw badJson(`unknown stream_cipher ${JSON.stringify(value)}`);
}

function optionalFlag(value: unknown, name: string, allowNull: boolean): boolean | undefined {
  if (value === undefined || (value === null && allowNull)) return undefined;
  if (typeof value !== 'boolean') throw badJson(`${name} must be a boolean`);
  return value;
}

/** Validates and fills a basin config from a create/ensure body (`null`/absent = all defaults). */
export function normalizeBasinConfig(input: BasinConfigInput | null | undefined): BasinConfig {
  if (input === null || input === undefined) {
    return {
      default_stream_config: null,
      stream_cipher: null,
      create_stream_on_append: false,
      create_stream_on_read: false,
    };
  }
  if (!isRecord(input)) throw badJson('basin config must be an object');
  const dsc = input.default_stream_config;
  return {
    default_stream_config: dsc === undefined || dsc === null ? null : toDefaults(checkStreamConfigInput(dsc)),
    stream_cipher: rejectCipher(input.stream_cipher),
    create_stream_on_append:
      optionalFlag(input.create_stream_on_append, 'create_stream_on_append', true) ?? false,
    create_stream_on_read: optionalFlag(input.create_stream_on_read, 'create_stream_on_read', true) ?? false,
  };
}

/** PATCH a basin config; `null` for the two booleans is a schema error (400), as in S2. */
export function reconfigureBasinConfig(current: BasinConfig, patch: BasinReconfiguration): BasinConfig {
  if (!isRecord(patch)) throw badJson('basin reconfiguration must be an object');
  const dsc = patch.default_stream_config;
  rejectCipher(patch.stream_cipher);
  return {
    default_stream_config:
      dsc === undefined
        ? current.default_stream_config
        : reconfigureDefaults(
            current.default_stream_config,
            dsc === null ? null : checkStreamConfigInput(dsc),
          ),
    stream_cipher: null,
    create_stream_on_append:
      optionalFlag(patch.create_stream_on_append, 'create_stream_on_append', false) ??
      current.create_stream_on_append,
    create_stream_on_read:
      optionalFlag(patch.create_stream_on_read, 'create_stream_on_read', false) ??
      current.create_stream_on_read,
  };
}

/** Structural equality of two JSON-able configs (key order independent). */
export function sameConfig(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!sameConfig(a[key], b[key])) return false;
    return true;
  }
  return false;
}
