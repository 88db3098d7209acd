// Shape checks for management request bodies (400 `bad_json`); config values are checked by the engine.
import type {
  BasinConfigInput,
  BasinReconfiguration,
  ListOptions,
  StreamConfigInput,
  StreamReconfiguration,
} from '../engine/index';
import { WireError } from './wire-errors';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(body: unknown, what: string): JsonObject {
  if (!isObject(body)) throw new WireError('bad_json', `${what}: expected a JSON object`);
  return body;
}

function optionalObject(value: unknown, field: string): JsonObject | null | undefined {
  if (value === undefined || value === null) return value;
  if (!isObject(value)) throw new WireError('bad_json', `${field}: expected an object or null`);
  return value;
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new WireError('bad_json', `missing or invalid field \`${field}\``);
  return value;
}

function optionalString(value: unknown, field: string): void {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new WireError('bad_json', `${field}: expected a string or null`);
  }
}

/** `POST /basins` body. */
export function createBasinBody(body: unknown): {
  basin: string;
  config: BasinConfigInput | null | undefined;
} {
  const object = requireObject(body, 'create basin request');
  optionalString(object.location, 'location');
  return {
    basin: requireName(object.basin, 'basin'),
    config: optionalObject(object.config, 'config') as BasinConfigInput | null | undefined,
  };
}

/** `PUT /basins/{basin}` body: optional `{config?, location?}`. */
export function ensureBasinBody(body: unknown): BasinConfigInput | null | undefined {
  if (body === undefined) return undefined;
  const object = requireObject(body, 'ensure basin request');
  optionalString(object.location, 'location');
  return optionalObject(object.config, 'config') as BasinConfigInput | null | undefined;
}

/** `PATCH /basins/{basin}` body; an empty body changes nothing. */
export function reconfigureBasinBody(body: unknown): BasinReconfiguration {
  if (body === undefined) return {};
  return requireObject(body, 'reconfigure basin request') as BasinReconfiguration;
}

/** `POST /streams` body. */
export function createStreamBody(body: unknown): {
  stream: string;
  config: StreamConfigInput | null | undefined;
} {
  const object = requireObject(body, 'create stream request');
  return {
    stream: requireName(object.stream, 'stream'),
    config: optionalObject(object.config, 'config') as StreamConfigInput | null | undefined,
  };
}

/** `PUT /streams/{stream}` body: a bare stream config, or nothing. */
export function ensureStreamBody(body: unknown): StreamConfigInput | null | undefined {
  if (body === undefined || body === null) return body;
  return requireObject(body, 'stream config') as StreamConfigInput;
}

/** `PATCH /streams/{stream}` body; an empty body changes nothing. */
export function reconfigureStreamBody(body: unknown): StreamReconfiguration {
  if (body === undefined) return {};
  return requireObject(body, 'reconfigure stream request') as StreamReconfiguration;
}

/** `?prefix=&start_after=&limit=` of the list routes (400 `bad_query` for a bad limit). */
export function listOptions(query: URLSearchParams): ListOptions {
  const options: ListOptions = {};
  const prefix = query.get('prefix');
  const startAfter = query.get('start_after');
  const limit = query.get('limit');
  if (prefix !== null) options.prefix = prefix;
  if (startAfter !== null) options.start_after = startAfter;
  if (limit !== null) {
    if (!/^[0-9]+$/.test(limit))
      throw new WireError('bad_query', `invalid query parameter \`limit\`: ${limit}`);
    options.limit = Number(limit);
  }
  return options;
}
