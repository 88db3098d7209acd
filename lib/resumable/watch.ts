// Follows a live generation's stream for fences written by others: a stop, a takeover or a stale close.
import type { ReadRecord, S2Stream } from '@s2-dev/streamstore';
import { decodeRecord } from './protocol';

export interface ForeignFence {
  token: string;
  seqNum: number;
}

export interface FenceWatch {
  /** Resolves with the first fence that `isOwn` does not recognise; never rejects. */
  fence: Promise<ForeignFence>;
  close(): Promise<void>;
}

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
        const record = decodeRecord(value);
        if (record.kind === 'fence' && !isOwn(record.token)) {
          found({ token: record.token, seqNum: record.seqNum });
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
