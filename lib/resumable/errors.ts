// Typed errors of lib/resumable.

/** A `createResumableChat` option is out of range; thrown at construction. */
export class ResumableConfigError extends TypeError {
  override name = 'ResumableConfigError';
}

/** A replay cursor that is not a non-negative safe integer. */
export class InvalidCursorError extends RangeError {
  override name = 'InvalidCursorError';
  constructor(readonly cursor: unknown) {
    super(`Invalid replay cursor: ${String(cursor)} (expected a non-negative safe integer).`);
  }
}

/** The instance was closed; it accepts no new generations or replays. */
export class ResumableClosedError extends Error {
  override name = 'ResumableClosedError';
  constructor() {
    super('This resumable chat has been closed.');
  }
}

/** An upstream event is larger than one S2 record may be; the generation ends with an error event. */
export class RecordTooLargeError extends Error {
  override name = 'RecordTooLargeError';
  constructor(readonly meteredBytes: number) {
    super(`An event of ${meteredBytes} bytes exceeds the S2 record limit.`);
  }
}

/** An S2 read session ended although it was opened to follow the stream forever. */
export class ReadSessionEndedError extends Error {
  override name = 'ReadSessionEndedError';
  constructor() {
    super('The S2 read session ended unexpectedly.');
  }
}
