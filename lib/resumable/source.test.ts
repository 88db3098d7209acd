// Stepping through an upstream source: aborting a silent upstream, failures, and what a long generation keeps.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ABORTED, AbortableSteps } from './source';

/** A full collection on demand; `--expose-gc` set at run time is visible to a fresh context's `gc`. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** WeakRef targets stay alive until the current job ends: give the event loop a turn before collecting. */
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

function silentUpstream(): AsyncIterator<never> {
  return { next: () => new Promise<never>(() => undefined) };
}

describe('AbortableSteps', () => {
  it('answers ABORTED as soon as the signal fires, while the upstream stays silent', async () => {
    const controller = new AbortController();
    const steps = new AbortableSteps(silentUpstream(), controller.signal);
    const pending = steps.next();
    controller.abort();
    await expect(pending).resolves.toBe(ABORTED);
    await expect(steps.next()).resolves.toBe(ABORTED);
  });

  it('passes the upstream events through in order, then its end', async () => {
    async function* upstream() {
      yield 'a';
      yield 'b';
    }
    const steps = new AbortableSteps(upstream(), new AbortController().signal);
    await expect(steps.next()).resolves.toEqual({ done: false, value: 'a' });
    await expect(steps.next()).resolves.toEqual({ done: false, value: 'b' });
    await expect(steps.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('rejects with the upstream failure', async () => {
    const failing: AsyncIterator<string> = { next: () => Promise.reject(new Error('upstream broke')) };
    const steps = new AbortableSteps(failing, new AbortController().signal);
    await expect(steps.next()).rejects.toThrow('upstream broke');
  });

  it('keeps none of the events it has stepped past while the generation runs', async () => {
    const controller = new AbortController();
    let first: WeakRef<object> | undefined;
    async function* upstream() {
      for (let i = 0; i < 200; i++) {
        const event = {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: `token ${i}` },
        };
        first ??= new WeakRef(event);
        yield event;
      }
    }
    const steps = new AbortableSteps(upstream(), controller.signal);
    for (let i = 0; i < 200; i++) {
      const step = await steps.next();
      expect(step).not.toBe(ABORTED);
    }
    await nextTurn();
    collectGarbage();
    // The signal is still live, as during a long turn: nothing hanging off it may hold the first event.
    expect(controller.signal.aborted).toBe(false);
    expect(first?.deref()).toBeUndefined();
  });
});
