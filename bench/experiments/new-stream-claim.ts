// `npx tsx bench/experiments/new-stream-claim.ts [chats]`: a new chat's claim with and without the `newStream`
// hint, alternating, against local S2 in its own process: time to the 202, CPU per turn (claim, persistence
// of a two-event reply) and S2 requests per claim.
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { S2Stream, S2Streams } from '@s2-dev/streamstore';
import { spawnLocalS2 } from '../harness/local-s2-process';
import { percentile } from '../harness/stats';

const CHATS = Number(process.argv[2] ?? 200);
const BASIN = 'new-stream-claim';

async function* reply(): AsyncGenerator<RawMessageStreamEvent> {
  yield { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } };
  yield { type: 'message_stop' };
}

/** Counts the unary requests a claim makes: reads of the stream and stream creations. */
function countRequests(): { reads: number; creates: number } {
  const counts = { reads: 0, creates: 0 };
  const read = S2Stream.prototype.read;
  S2Stream.prototype.read = function (this: S2Stream, ...args: Parameters<typeof read>) {
    counts.reads++;
    return read.apply(this, args);
  } as typeof read;
  const create = S2Streams.prototype.create;
  S2Streams.prototype.create = function (this: S2Streams, ...args: Parameters<typeof create>) {
    counts.creates++;
    return create.apply(this, args);
  } as typeof create;
  return counts;
}

async function main(): Promise<void> {
  const counts = countRequests();
  const s2 = await spawnLocalS2('new-stream-claim', BASIN);
  const chat = s2.chat(BASIN);
  const samples = { hint: [] as number[], none: [] as number[] };
  const cpuMicros = { hint: 0, none: 0 };
  const requests = { hint: { reads: 0, creates: 0 }, none: { reads: 0, creates: 0 } };
  try {
    for (let i = 0; i < 2 * CHATS + 20; i++) {
      const kind = i % 2 === 0 ? 'hint' : 'none';
      const before = { ...counts };
      let persisting: Promise<unknown> = Promise.resolve();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await chat.makeResumable(`chat-${i}`, reply, {
        delivery: 'replay',
        newStream: kind === 'hint',
        waitUntil: (p) => {
          persisting = p;
        },
      });
      const elapsed = performance.now() - started;
      await persisting;
      const used = process.cpuUsage(cpu);
      // The first 20 warm up (JIT, the connection).
      if (i < 20) continue;
      samples[kind].push(elapsed);
      cpuMicros[kind] += used.user + used.system;
      requests[kind].reads += counts.reads - before.reads;
      requests[kind].creates += counts.creates - before.creates;
    }
    for (const kind of ['none', 'hint'] as const) {
      console.log(
        `${kind === 'hint' ? 'newStream: true ' : 'no hint         '}: claim to 202 p50 ${percentile(samples[kind], 50).toFixed(2)} ms, ` +
          `p90 ${percentile(samples[kind], 90).toFixed(2)} ms; ${(cpuMicros[kind] / 1000 / CHATS).toFixed(2)} ms CPU per turn; per claim ${(requests[kind].reads / CHATS).toFixed(2)} reads, ` +
          `${(requests[kind].creates / CHATS).toFixed(2)} stream creations`,
      );
    }
  } finally {
    await chat.close();
    await s2.stop();
  }
}

await main();
