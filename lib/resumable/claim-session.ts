// Sends a generation's claim on the append session that then persists it: one request per turn fewer.
import {
  type AppendAck,
  type AppendInput,
  type AppendSession,
  FencingTokenMismatchError,
  type S2Stream,
  SeqNumMismatchError,
} from '@s2-dev/streamstore';
import { isMissingStream } from './state';

/**
 * The claim's conditional append goes out on a fresh append session of the stream (HTTP/2, opened lazily).
 * If it is acknowledged, the writer goes on with that same session; the SDK's unary append would be a
 * separate request, with a client cost of about a millisecond of CPU each. A failed append ends its
 * session: after a conflict or a missing stream (S2's answer) the claim's next attempt opens another one;
 * after any other failure the claim's appends go out unary.
 */
export class ClaimSession {
  private session: Promise<AppendSession> | undefined;
  private failed = false;

  constructor(private readonly stream: S2Stream) {}

  /** For `claimGeneration`: appends one batch and resolves with its ack. */
  readonly append = async (input: AppendInput): Promise<AppendAck> => {
    if (this.failed) return this.stream.append(input);
    this.session ??= this.stream.appendSession();
    try {
      const session = await this.session;
      return await (await session.submit(input)).ack();
    } catch (err) {
      this.discard();
      // A conflict or a missing stream is the claim's to judge.
      if (
        err instanceof FencingTokenMismatchError ||
        err instanceof SeqNumMismatchError ||
        isMissingStream(err)
      ) {
        throw err;
      }
      this.failed = true;
      // The session could not be opened, or broke: the same conditional append, unary. Had the first one
      // landed after all, this one conflicts with it, which the claim recognises as its own (R3).
      return this.stream.append(input);
    }
  };

  /** The session the claim was acknowledged on, for the writer; afterwards this object holds none. */
  take(): Promise<AppendSession> | undefined {
    const session = this.failed ? undefined : this.session;
    this.session = undefined;
    return session;
  }

  /** Closes the session, if one was opened and not taken; in the background, as nothing waits on it. */
  discard(): void {
    const session = this.session;
    this.session = undefined;
    void session?.then((opened) => opened.close()).catch(() => undefined);
  }
}
