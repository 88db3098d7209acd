// Errors raised by the wire layer itself and the one mapping from any failure to a status and JSON body.
import { S2ApiError, type S2ErrorBody } from '../engine/index';

/** Codes only the wire layer produces (the engine never parses bytes, paths or media types). */
export type WireErrorCode =
  | 'bad_header'
  | 'bad_path'
  | 'bad_query'
  | 'bad_json'
  | 'bad_proto'
  | 'invalid'
  | 'not_found'
  | 'not_implemented'
  | 'method_not_allowed'
  | 'forbidden_host'
  | 'request_too_large';

const STATUS_BY_CODE = {
  bad_header: 400,
  bad_path: 400,
  bad_query: 400,
  bad_json: 400,
  bad_proto: 400,
  invalid: 422,
  not_found: 404,
  not_implemented: 501,
  method_not_allowed: 405,
  forbidden_host: 403,
  request_too_large: 413,
} as const satisfies Record<WireErrorCode, number>;

/** A request the wire layer rejects before the engine sees it. */
export class WireError extends Error {
  override readonly name = 'WireError';
  readonly status: number;

  constructor(
    readonly code: WireErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS_BY_CODE[code];
  }
}

export interface ErrorReply {
  status: number;
  body: S2ErrorBody;
}

/** Maps any thrown value to the status and exact JSON body S2 would send. Unknown failures become 500. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof S2ApiError) return { status: error.status, body: error.body };
  if (error instanceof WireError)
    return { status: error.status, body: { code: error.code, message: error.message } };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { code: 'other', message: `internal error: ${message}` } };
}

/** True for failures that are not the client's fault (worth logging). */
export function isServerFault(error: unknown): boolean {
  return toErrorReply(error).status >= 500 && !(error instanceof WireError);
}
