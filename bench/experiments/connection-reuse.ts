// `npx tsx bench/experiments/connection-reuse.ts [turns] [idle-ms] [chats]`: how many HTTP/2 connections the S2 SDK opens for
// sequential turns (each persisted, then replayed from this process), against local S2 in its own process.
import http2 from 'node:http2';
import { syncBuiltinESMExports } from 'node:module';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { createResumableChat } from '../../lib/resumable';
import { spawnLocalS2 } from '../harness/local-s2-process';

const TURNS = Number(process.argv[2] ?? 50);
/** `connectionIdleMs` of the instance: 0 closes every handle as its request ends. */
const IDLE_MS = Number(process.argv[3] ?? 5000);
/** Turns go round these chats: as many as turns, and every turn opens a new chat. */
const CHATS = Number(process.argv[4] ?? 10);
const BASIN = 'connection-reuse';

let connects = 0;
const connect = http2.connect;
// The SDK imports node:http2 dynamically; the synced namespace hands it the counting wrapper.
(http2 as { connect: typeof http2.connect }).connect = ((...args: Parameters<typeof http2.connect>) => {
  connects++;
  return connect(...args);
}) as typeof http2.connect;
syncBuiltinESMExports();

async function* reply(): AsyncGenerator<RawMessageStreamEvent> {
  for (let i = 0; i < 20; i++) {
    yield { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ` word${i}` } };
  }
  yield { type: 'message_stop' };
}

async function main(): Promise<void> {
  const s2 = await spawnLocalS2('connection-reuse', BASIN);
  const chat = createResumableChat({
    accessToken: 'local',
    basin: BASIN,
    endpoints: { account: s2.url, basin: s2.url },
    mode: 'session',
    connectionIdleMs: IDLE_MS,
  });
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < TURNS; i++) {
      let persisting: Promise<unknown> = Promise.resolve();
      await chat.makeResumable(`chat-${i % CHATS}`, reply, {
        delivery: 'replay',
        waitUntil: (p) => {
          persisting = p;
        },
      });
      const response = await chat.replay(`chat-${i % CHATS}`);
      await response.text();
      await persisting;
    }
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    console.log(
      `${TURNS} sequential turns on ${CHATS} chats, connectionIdleMs ${IDLE_MS}: ${connects} HTTP/2 connections, ${(elapsed / TURNS).toFixed(2)} ms and ` +
        `${((used.user + used.system) / 1000 / TURNS).toFixed(2)} ms CPU per turn`,
    );
  } finally {
    await chat.close();
    await s2.stop();
  }
}

await main();
