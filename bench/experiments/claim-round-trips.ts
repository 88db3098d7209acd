// `npx tsx bench/experiments/claim-round-trips.ts`: how long a claim takes (makeResumable until onStart) for a
// chat's first turn and for its follow-up turns on the same instance, against local S2 in its own process.
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { spawnLocalS2 } from '../harness/local-s2-process';
import { median } from '../harness/stats';

const CHATS = 40;
const BASIN = 'claim-round-trips';

/** A one-event reply: a claim's cost does not depend on what follows it. */
async function* reply(): AsyncGenerator<RawMessageStreamEvent> {
  yield { type: 'message_stop' };
}

async function main(): Promise<void> {
  const s2 = await spawnLocalS2('claim-round-trips', BASIN);
  const chat = s2.chat(BASIN);
  /** Milliseconds from the call to `onStart`, with a `turnId` as the app sends one. */
  const claim = async (name: string, turnId: string): Promise<number> => {
    let persisting: Promise<unknown> = Promise.resolve();
    let claimedAfter = Number.NaN;
    const started = performance.now();
    await chat.makeResumable(name, reply, {
      delivery: 'replay',
      turnId,
      waitUntil: (p) => {
        persisting = p;
      },
      onStart: () => {
        claimedAfter = performance.now() - started;
      },
    });
    await persisting;
    return claimedAfter;
  };
  try {
    for (let i = 0; i < 20; i++) await claim(`warm-${i}`, 'turn-1');
    const first: number[] = [];
    const followUp: number[] = [];
    for (let i = 0; i < CHATS; i++) {
      first.push(await claim(`chat-${i}`, 'turn-1'));
      followUp.push(await claim(`chat-${i}`, 'turn-2'));
      followUp.push(await claim(`chat-${i}`, 'turn-3'));
    }
    console.log(
      `claim p50: first turn ${median(first).toFixed(2)} ms, follow-up ${median(followUp).toFixed(2)} ms`,
    );
  } finally {
    await chat.close();
    await s2.stop();
  }
}

await main();
