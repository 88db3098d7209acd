// Typed errors of the history store; lib/http-errors.ts maps them to HTTP statuses.

/** The chat is missing, deleted, or another owner's: to the caller it does not exist. */
export class ChatNotFoundError extends Error {
  constructor(readonly chatId: string) {
    super(`chat ${chatId} not found`);
    this.name = 'ChatNotFoundError';
  }
}

/** The turn id already names a turn of the chat that a new generation cannot answer: not its latest, or answered. */
export class TurnIdReusedError extends Error {
  constructor(
    readonly chatId: string,
    readonly turnId: string,
  ) {
    super(`turn ${turnId} of chat ${chatId} is an earlier turn`);
    this.name = 'TurnIdReusedError';
  }
}
