// Typed API errors of the local model and their JSON bodies, shaped like the Anthropic API's.
export type ApiErrorType =
  | 'invalid_request_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'overloaded_error'
  | 'api_error';

export abstract class LocalApiError extends Error {
  abstract readonly status: number;
  abstract readonly type: ApiErrorType;
}

export class InvalidRequestError extends LocalApiError {
  readonly status = 400;
  readonly type = 'invalid_request_error';
}

export class NotFoundError extends LocalApiError {
  readonly status = 404;
  readonly type = 'not_found_error';
  constructor() {
    super('Not Found');
  }
}

export class MethodNotAllowedError extends LocalApiError {
  readonly status = 405;
  readonly type = 'invalid_request_error';
  constructor() {
    super('Method Not Allowed');
  }
}

export class RequestTooLargeError extends LocalApiError {
  readonly status = 413;
  readonly type = 'request_too_large';
  constructor() {
    super('Request exceeds the maximum allowed number of bytes.');
  }
}

export class OverloadedError extends LocalApiError {
  readonly status = 529;
  readonly type = 'overloaded_error';
  constructor() {
    super('Overloaded');
  }
}

export interface ApiErrorBody {
  readonly type: 'error';
  readonly error: { readonly type: ApiErrorType; readonly message: string };
  readonly request_id: string;
}

export function errorBody(error: LocalApiError, requestId: string): ApiErrorBody {
  return { type: 'error', error: { type: error.type, message: error.message }, request_id: requestId };
}
