// The events a resumable stream carries: Anthropic stream events plus the error envelope (browser-safe, types only).
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';

export type { RawMessageStreamEvent };

/** The error envelope, shaped like Anthropic's SSE `error` event. */
export interface ResumableErrorEvent {
  type: 'error';
  error: { type: string; message: string };
}

/** Everything a subscriber can receive: an Anthropic stream event, verbatim, or the error envelope. */
export type ResumableEvent = RawMessageStreamEvent | ResumableErrorEvent;

/**
 * `error.type` values the library itself writes to end a generation that did not finish on its own.
 * Any other `error.type` comes from the upstream (sanitized by `onError`).
 */
export const STOPPED_ERROR_TYPE = 'stopped';
export const INTERRUPTED_ERROR_TYPE = 'interrupted';

export const STOPPED_EVENT = {
  type: 'error',
  error: { type: STOPPED_ERROR_TYPE, message: 'The reply was stopped.' },
} as const satisfies ResumableErrorEvent;

export const INTERRUPTED_EVENT = {
  type: 'error',
  error: { type: INTERRUPTED_ERROR_TYPE, message: 'The reply was interrupted.' },
} as const satisfies ResumableErrorEvent;

/** True for the events after which a generation writes nothing more: `message_stop` and any error envelope. */
export function isTerminalEvent(event: ResumableEvent): boolean {
  return event.type === 'message_stop' || event.type === 'error';
}

/** True when an error envelope reports a stop (`stop()`), not a failure. */
export function isStoppedEvent(event: ResumableEvent): boolean {
  return event.type === 'error' && event.error.type === STOPPED_ERROR_TYPE;
}
