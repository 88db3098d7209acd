// Writes a reply script as Server-Sent Events at its pace, and stops at once when told to or when the client leaves.
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ScriptedEvent } from './script';
import type { WireEvent } from './shapes';

/** Zero-delay runs yield to the event loop this often, so a disconnect is noticed even at full speed. */
const YIELD_EVERY = 64;

export function sseFrame(event: WireEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export type PlaybackResult = 'completed' | 'aborted';

export interface Playback {
  /** Settles once nothing more will be written and no timer is left. */
  readonly done: Promise<PlaybackResult>;
  /** Stops writing immediately (the client left or the server is closing). */
  cancel(): void;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const finish = (): void => {
      res.off('drain', finish);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    res.once('drain', finish);
    signal.addEventListener('abort', finish, { once: true });
  });
}

async function play(
  res: ServerResponse,
  script: readonly ScriptedEvent[],
  signal: AbortSignal,
): Promise<PlaybackResult> {
  // Deadlines are measured from the start so timer lateness does not add up over a long reply.
  const start = performance.now();
  let due = 0;
  let sinceYield = 0;
  for (const { event, delayMs } of script) {
    due += delayMs;
    const lateBy = performance.now() - start;
    if (due > lateBy) {
      await wait(due - lateBy, signal);
      sinceYield = 0;
    } else if (++sinceYield >= YIELD_EVERY) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sinceYield = 0;
    }
    if (signal.aborted) return 'aborted';
    if (!res.write(sseFrame(event))) await drained(res, signal);
  }
  if (signal.aborted) return 'aborted';
  res.end();
  return 'completed';
}

/** Starts writing `script` to `res` (headers must already be sent). `done` never rejects. */
export function playScript(res: ServerResponse, script: readonly ScriptedEvent[]): Playback {
  const controller = new AbortController();
  const stop = (): void => {
    controller.abort();
  };
  const onClose = (): void => {
    if (!res.writableFinished) stop();
  };
  res.on('close', onClose);
  res.on('error', stop);
  // The client may have left while the body was read, before this listener existed.
  if (res.destroyed || res.socket?.destroyed === true) stop();
  const done = play(res, script, controller.signal)
    .catch((): PlaybackResult => {
      res.destroy();
      return 'aborted';
    })
    .finally(() => {
      res.off('close', onClose);
      res.off('error', stop);
    });
  return { done, cancel: stop };
}
