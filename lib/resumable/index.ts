// Server entry of the library: createResumableChat, its types, the event types and the typed errors.
// Browsers import `./client` instead, which has no server dependencies.
export {
  InvalidCursorError,
  ReadSessionEndedError,
  RecordTooLargeError,
  ResumableClosedError,
  ResumableConfigError,
} from './errors';
export {
  INTERRUPTED_ERROR_TYPE,
  INTERRUPTED_EVENT,
  isStoppedEvent,
  isTerminalEvent,
  type RawMessageStreamEvent,
  type ResumableErrorEvent,
  type ResumableEvent,
  STOPPED_ERROR_TYPE,
  STOPPED_EVENT,
} from './events';
export type { GenerationEnding, GenerationReport } from './generation';
export { createResumableChat } from './server';
export type {
  EventSource,
  EventSourceFactory,
  GenerationEnd,
  GenerationEndReason,
  GenerationStart,
  MakeResumableOptions,
  ReplayOptions,
  ResumableChat,
  ResumableChatConfig,
  ResumableMode,
} from './types';
