// The API's JSON error: its types, the error class routes throw, and the one response shape (no imports, so
// proxy.ts can use it too).

export type ApiErrorType =
  | 'invalid_request_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'forbidden_error'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'range_not_satisfiable'
  | 'overloaded_error'
  | 'api_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The JSON error body every API error has, never cached. */
export function jsonError(
  status: number,
  type: ApiErrorType,
  message: string,
  headers: Record<string, string> = {},
) {
  return Response.json(
    { error: { type, message } },
    { status, headers: { 'Cache-Control': 'no-store', ...headers } },
  );
}
