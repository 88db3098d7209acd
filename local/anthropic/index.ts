// Public surface of the local Anthropic-compatible model, for the CLI, the app's start-up and tests elsewhere.
export { LocalAnthropicConfigError, PACING_ENV } from './config';
export { DEMO_COMMANDS, type DemoCommand, replyKindOf } from './demo';
export { HELP_TEXT } from './replies';
export type { MessagesRequest, RequestMessage } from './request';
export {
  DEFAULT_PACING,
  expectedReplyText,
  type PacingOptions,
  type ReplyOutcome,
  replyEvents,
  replyOutcome,
  type ScriptedEvent,
} from './script';
export {
  type LocalAnthropic,
  type LocalAnthropicOptions,
  type LocalAnthropicStats,
  startLocalAnthropic,
} from './server';
export type { WireEvent } from './shapes';
export { sseFrame } from './sse';
