// `npx tsx bench/experiments/writer-cpu.ts [turns] [events]`: CPU per event of lib/resumable alone, in this
// process (no model, no HTTP server): an in-memory source of text deltas persisted with `makeResumable`
// while one live `replay()` in the same process reads the reply, against local S2 in its own process.
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { spawnLocalS2 } from '../harness/local-s2-process';
import { median } from '../harness/stats';

const TURNS = Number(process.argv[2] ?? 30);
const EVENTS = Number(process.argv[3] ?? 4000);
const WARM_UP = 5;
const BASIN = 'writer-cpu';

async function* reply(): AsyncGenerator<RawMessageStreamEvent> {
  for (let i = 0; i < EVENTS; i++) {
    yield { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ` word${i}` } };
  }
  yield { type: 'message_stop' };
}

/** Reads a live SSE body up to the reply's `message_stop`; the number of bytes. */
async function readReply(response: Response): Promise<number> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error(`no body (HTTP ${response.status})`);
  const decoder = new TextDecoder();
  let bytes = 0;
  // The end of the text read so far, so a marker split across two chunks is still found.
  let tail = '';
  for (;;) {
    const step = await reader.read();
    if (step.done) return bytes;
    bytes += step.value.length;
    const text = tail + decoder.decode(step.value, { stream: true });
    tail = text.slice(-32);
    if (text.includes('event: message_stop')) {
      await reader.cancel();
      return bytes;
    }
  }
}

async function main(): Promise<void> {
  const s2 = await spawnLocalS2(BASIN, BASIN);
  const chat = s2.chat(BASIN);
  const perEvent: number[] = [];
  try {
    for (let i = 0; i < TURNS + WARM_UP; i++) {
      const name = `turn-${i}`;
      const cpu = process.cpuUsage();
      const reading = readReply(await chat.replay(name, { live: true }));
      let persisting: Promise<unknown> = Promise.resolve();
      await chat.makeResumable(name, reply, {
        delivery: 'replay',
        newStream: true,
        waitUntil: (p) => {
          persisting = p;
        },
      });
      await persisting;
      const bytes = await reading;
      const used = process.cpuUsage(cpu);
      if (bytes < EVENTS * 20) throw new Error(`the reader got ${bytes} bytes`);
      if (i >= WARM_UP) perEvent.push((used.user + used.system) / (EVENTS + 1));
    }
    console.log(
      `${TURNS} turns of ${EVENTS} events: CPU per event p50 ${median(perEvent).toFixed(2)} µs, ` +
        `best ${Math.min(...perEvent).toFixed(2)} µs`,
    );
  } finally {
    await chat.close();
    await s2.stop();
  }
}

await main();
