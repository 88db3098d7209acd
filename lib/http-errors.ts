// Typed API errors and their one mapping to JSON HTTP responses.
import { S2Error } from '@s2-dev/streamstore';
import { ZodError } from 'zod';
import { ChatNotFoundError, TurnIdReusedError } from '../db/errors';
import { ApiError, jsonError } from './api-error';

export { ApiError, type ApiErrorType, jsonError } from './api-error';

export class BadRequestError extends ApiError {
  constructor(message: string) {
    super(400, 'invalid_request_error', message);
  }
}

export class NotFoundError extends ApiError {
  constructor(message = 'Chat not found.') {
    super(404, 'not_found_error', message);
  }
}

export class TurnInProgressError extends ApiError {
  constructor() {
    super(409, 'conflict_error', 'A reply is already in progress.');
  }
}

export class EarlierTurnError extends ApiError {
  constructor() {
    super(
      409,
      'conflict_error',
      'This turnId belongs to an earlier turn of this chat; send with a new turnId.',
    );
  }
}

export class NoActiveTurnError extends ApiError {
  constructor() {
    super(409, 'conflict_error', 'No reply is in progress.');
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limitBytes: number) {
    super(413, 'request_too_large', `The request is larger than ${limitBytes} bytes.`);
  }
}

export class RateLimitedError extends ApiError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate_limit_error', 'Too many messages; wait a moment and try again.', {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid request.';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** The history store's typed errors, as the API reports them. */
function storeError(error: unknown): ApiError | undefined {
  if (error instanceof ChatNotFoundError) return new NotFoundError();
  if (error instanceof TurnIdReusedError) return new EarlierTurnError();
  return undefined;
}

/** S2 could not be reached (the SDK reports network failures as 502) or is itself unavailable. */
function isStoreUnavailable(error: unknown): boolean {
  return error instanceof S2Error && [502, 503, 504].includes(error.status);
}

/**
 * The single place errors become HTTP: typed errors (the API's and the history store's) keep their status,
 * an unreachable S2 is a 503 the browser retries, anything else is a logged 500.
 */
export function errorResponse(error: unknown): Response {
  const typed = error instanceof ApiError ? error : storeError(error);
  if (typed) return jsonError(typed.status, typed.type, typed.message, typed.headers);
  if (error instanceof ZodError) return jsonError(400, 'invalid_request_error', describeZodError(error));
  if (isStoreUnavailable(error)) {
    console.warn('the stream store is unavailable', error);
    return jsonError(503, 'overloaded_error', 'The stream store is unavailable; try again shortly.', {
      'Retry-After': '1',
    });
  }
  console.error('unexpected error while handling a request', error);
  return jsonError(500, 'api_error', 'An internal error occurred.');
}

/** Runs a route body and maps whatever it throws. */
export async function handle(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    return errorResponse(error);
  }
}

/** A handler for the methods a route does not support: 405 with the JSON error body and an Allow header. */
export function methodNotAllowed(allow: string) {
  return async () => jsonError(405, 'method_not_allowed', `Use ${allow} on this route.`, { Allow: allow });
}
