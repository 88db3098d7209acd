// Public types of the server side of the library (re-exported by index.ts).
import type { RawMessageStreamEvent, ResumableEvent } from './events';
import type { GenerationReport } from './generation';

export type { ResumableEvent };

/**
 * - `single-use`: one stream per generation; a second claim of the same name is refused, and the finished
 *   generation is trimmed (only its terminal fence stays).
 * - `shared`: one stream reused by successive generations; each claim trims the previous one.
 * - `session`: every generation appended to one durable log (e.g. one stream per chat); never trimmed.
 */
export type ResumableMode = 'single-use' | 'shared' | 'session';

export interface ResumableChatConfig {
  accessToken: string;
  basin: string;
  /** Endpoint overrides, e.g. S2 Lite or local/s2. */
  endpoints?: { account?: string; basin?: string };
  /** Default `'single-use'`. */
  mode?: ResumableMode;
  /** Records per append batch, 1..1000. Default 10. */
  batchSize?: number;
  /** Milliseconds a partial batch waits for more records, >= 0. Default 50. */
  lingerDuration?: number;
  /** A generation with no record for this long is abandoned and may be taken over. Default 5000. */
  leaseDurationMs?: number;
  /** The writer appends a heartbeat when its upstream is silent this long. Default `leaseDurationMs / 3`. */
  heartbeatIntervalMs?: number;
  /** SSE responses end cleanly after this long; clients resume from their cursor. Default 240_000. */
  maxReplayLifetimeMs?: number;
  /** `: ping` comment interval on open SSE responses. Default 15_000. */
  pingIntervalMs?: number;
  /**
   * How long a request's S2 handle stays open after the request, so the next one reuses the SDK's HTTP/2
   * connection instead of opening another (a TLS handshake on S2 cloud). `0` closes it at once. Default 5000.
   */
  connectionIdleMs?: number;
  /** Maps an upstream failure to the message clients see. Default `'An error occurred.'`. */
  onError?: (err: unknown) => string;
  logger?: Pick<Console, 'warn' | 'error'>;
}

export type GenerationEndReason = 'complete' | 'stopped' | 'error' | 'taken-over';

export interface GenerationStart {
  /** Cursor of the generation's first record (its opening fence). */
  fromSeqNum: number;
  turnId: string;
  /** Set when this claim took over an abandoned generation that started at `fromSeqNum`. */
  tookOver?: { fromSeqNum: number };
}

export interface GenerationEnd {
  reason: GenerationEndReason;
  fromSeqNum: number;
  /** Cursor just past the generation's last record. */
  toSeqNum: number;
  turnId: string;
  error?: { type: string; message: string };
  /**
   * The writer failed and could not reach S2 to close the generation, so it stays open until its lease runs
   * out and a reader or the next claim closes it. `toSeqNum` is then only the claim's end, and some events
   * the writer read may not be stored: read the generation back (`readGeneration`) once it is closed.
   */
  open?: true;
}

export interface MakeResumableOptions {
  /** `'response'` (default): 200 SSE of the generation. `'replay'`: 202, clients read with `replay()`. */
  delivery?: 'response' | 'replay';
  /** Keeps background persistence alive past the response (e.g. `after` from next/server). */
  waitUntil?: (p: Promise<unknown>) => void;
  /** Idempotency key: a retry with the same turnId joins its generation instead of getting 409. */
  turnId?: string;
  /**
   * The caller knows the stream has no generation yet (a chat's first turn): the claim appends at seq num 0
   * at once instead of reading the stream first, one S2 round trip fewer (a missing stream is created by the
   * append, or by the claim when the basin does not create streams on append). Only a hint: if the stream
   * has records after all, the conditional append fails and the claim reads the stream as it would have.
   */
  newStream?: boolean;
  /** Awaited after a successful claim, before the source factory is called. */
  onStart?: (start: GenerationStart) => void | Promise<void>;
  /** Awaited when persistence ends, whatever the reason. */
  onFinish?: (end: GenerationEnd) => void | Promise<void>;
}

export type EventSource = AsyncIterable<ResumableEvent | RawMessageStreamEvent>;
export type EventSourceFactory = (signal: AbortSignal) => EventSource | Promise<EventSource>;

export interface ReplayOptions {
  /** Inclusive cursor (an SSE `id`). Without it, the active generation is replayed from its start. */
  fromSeqNum?: number;
  /** Stay at the tail across generations until `maxReplayLifetimeMs` (or the signal) ends the response. */
  live?: boolean;
  signal?: AbortSignal;
}

export interface ResumableChat {
  makeResumable(
    streamName: string,
    source: EventSource | EventSourceFactory,
    options?: MakeResumableOptions,
  ): Promise<Response>;
  replay(streamName: string, options?: ReplayOptions): Promise<Response>;
  stop(streamName: string): Promise<boolean>;
  /** Reads one generation back (events, turn id, how it ended), closing it first if it was abandoned. */
  readGeneration(streamName: string, fromSeqNum: number): Promise<GenerationReport>;
  close(): Promise<void>;
}
