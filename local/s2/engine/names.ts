// Basin and stream name rules, and the error raised for a bad name depending on where it came from.

import { S2ApiError } from './types';

/** Where a name came from decides the 400 code: a JSON body, a URL path segment or the `s2-basin` header. */
export type NameSource = 'body' | 'path' | 'header';

const BASIN_NAME = /^[a-z0-9][a-z0-9-]{6,46}[a-z0-9]$/;
const STREAM_NAME_MAX_BYTES = 512;
const utf8 = new TextEncoder();

/** Why `name` is not a valid basin name, or `null` if it is valid (8–48 of `[a-z0-9-]`, no edge hyphen). */
export function basinNameProblem(name: string): string | null {
  if (name.length < 8 || name.length > 48) return 'basin name must be between 8 and 48 characters in length';
  if (!BASIN_NAME.test(name)) {
    return 'basin name must comprise lowercase letters, numbers and hyphens, and cannot begin or end with a hyphen';
  }
  return null;
}

/** Why `name` is not a valid stream name, or `null` (1–512 UTF-8 bytes, no NUL, not `.`/`..`). */
export function streamNameProblem(name: string): string | null {
  if (name.length === 0) return 'stream name must not be empty';
  if (utf8.encode(name).length > STREAM_NAME_MAX_BYTES) {
    return `stream name must not exceed ${STREAM_NAME_MAX_BYTES} bytes in length`;
  }
  if (name.includes('\0')) return 'stream name must not contain NUL bytes';
  if (name === '.' || name === '..') return 'stream name must not be "." or ".."';
  return null;
}

function nameError(source: NameSource, message: string): S2ApiError {
  switch (source) {
    case 'body':
      return new S2ApiError(400, 'bad_json', message);
    case 'path':
      return new S2ApiError(400, 'bad_path', message);
    case 'header':
      return new S2ApiError(400, 'bad_header', message);
  }
}

export function assertBasinName(name: string, source: NameSource): void {
  const problem = basinNameProblem(name);
  if (problem !== null) throw nameError(source, problem);
}

export function assertStreamName(name: string, source: NameSource): void {
  const problem = streamNameProblem(name);
  if (problem !== null) throw nameError(source, problem);
}
