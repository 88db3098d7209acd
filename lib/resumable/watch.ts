// Notices fences written by others (a stop, a takeover or a stale close) while a writer's upstream is silent.
import type { ReadRecord, S2Stream } from '@s2-dev/streamstore';

export interface ForeignFence {
  token: string;
  seqNum: number;
}

export interface FenceWatch {
  /** Resolves with the first fence that `isOwn` does not recognise; never rejects. */
  fence: Promise<ForeignFence>;
  close(): Promise<void>;
}

/** Control records carry exactly one header with an empty name; a fence's body is its token. */
function fenceOf(record: ReadRecord<'string'>): ForeignFence | undefined {
  const only = record.headers.length === 1 ? record.headers[0] : undefined;
  if (only?.[0] !== '' || only[1] !== 'fence') return undefined;
  return { token: record.body, seqNum: record.seqNum };
}

/** Follows the stream from `fromSeqNum` until a foreign fence shows up or the watch is closed. */
export function watchForeignFences(
  stream: S2Stream,
  fromSeqNum: number,
  isOwn: (token: string) => boolean,
  logger: Pick<Console, 'warn'>,
): FenceWatch {
  let found: (fence: ForeignFence) => void = () => undefined;
  const fence = new Promise<ForeignFence>((resolve) => {
    found = resolve;
  });
  let closed = false;
  let reader: ReadableStreamDefaultReader<ReadRecord<'string'>> | undefined;
  const running = (async () => {
    try {
      const session = await stream.readSession({ start: { from: { seqNum: fromSeqNum } } });
      reader = session.getReader();
      if (closed) return;
      for (;;) {
        const { done, value } = await reader.read();
        if (done || closed) return;
        const foreign = fenceOf(value);
        if (foreign && !isOwn(foreign.token)) {
          found(foreign);
          return;
        }
      }
    } catch (err) {
      // Without the watch a stop is still noticed by the next append, only later.
      if (!closed) logger.warn('resumable: the fence watch failed', err);
    } finally {
      await reader?.cancel().catch(() => undefined);
    }
  })();
  return {
    fence,
    async close() {
      closed = true;
      await reader?.cancel().catch(() => undefined);
      await running;
    },
  };
}

/** The first foreign fence at or after `fromSeqNum`, read once: how a failed append learns where it was fenced. */
export async function findForeignFence(
  stream: S2Stream,
  fromSeqNum: number,
  isOwn: (token: string) => boolean,
): Promise<ForeignFence | undefined> {
  const batch = await stream.read({
    start: { from: { seqNum: fromSeqNum } },
    stop: { limits: { count: 100 } },
  });
  for (const record of batch.records) {
    const fence = fenceOf(record);
    if (fence && !isOwn(fence.token)) return fence;
  }
  return undefined;
}

/** How often the silence watch checks for activity; a watch runs after one to two quiet periods. */
export const SILENCE_CHECK_MS = 100;

/**
 * Reading the stream back costs S2 and the writer a decode per record, and while events flow a foreign
 * fence already fails the next append within a linger. So the watch only runs while the upstream is silent.
 */
export class SilenceWatch {
  private active = true;
  private watch: FenceWatch | undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  private stopped = false;

  constructor(
    private readonly start: () => FenceWatch,
    private readonly onFence: (fence: ForeignFence) => void,
  ) {
    this.timer = setInterval(() => this.check(), SILENCE_CHECK_MS);
  }

  /** The upstream produced something: a running watch is no longer needed. */
  readonly touch = (): void => {
    this.active = true;
    if (this.watch) {
      void this.watch.close();
      this.watch = undefined;
    }
  };

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const watch = this.watch;
    this.watch = undefined;
    await watch?.close();
  }

  private check(): void {
    if (this.active) {
      this.active = false;
      return;
    }
    if (this.watch || this.stopped) return;
    this.watch = this.start();
    void this.watch.fence.then(this.onFence);
  }
}
