// A stopped reply is stored as readers saw it: from S2, without the events still in the writer's batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalAnthropic, startLocalAnthropic } from '../local/anthropic/server';
import { handle } from './http-errors';
import { registerS2Fixture } from './resumable/test-support';

/** `after` from next/server needs a request scope; here it collects the background work to await. */
const background = vi.hoisted(() => new Set<Promise<unknown>>());
vi.mock('next/server', () => ({
  after: (task: Promise<unknown>) => {
    background.add(task);
  },
}));

const s2 = registerS2Fixture();
let model: LocalAnthropic;
let dataDir: string;
let databaseUrl: string;
let turns: typeof import('./turns');
let configured: typeof import('./s2');
let db: typeof import('../db/client');

beforeAll(async () => {
  // The reply streams its first words at once, then stalls: the stop lands while they are unsent.
  model = await startLocalAnthropic({ tokensPerSec: 0, slowDeltaMs: 0, stallMs: 30_000 });
  dataDir = mkdtempSync(path.join(tmpdir(), 'stopped-reply-'));
  databaseUrl = `file:${path.join(dataDir, 'app.sqlite')}`;
  const stubs = {
    S2_ACCESS_TOKEN: 'local',
    S2_BASIN: s2.basin,
    S2_ACCOUNT_ENDPOINT: s2.server.url,
    S2_BASIN_ENDPOINT: s2.server.url,
    S2_CHAT_MODE: 'session',
    // After the first event, which goes out at once, events wait in the batch for a minute: the first
    // heartbeat (every 1.7 s while the model is silent) is what would send them.
    S2_BATCH_SIZE: '1000',
    S2_LINGER_DURATION_MS: '60000',
    ANTHROPIC_API_KEY: 'local',
    ANTHROPIC_BASE_URL: model.url,
    DATABASE_URL: databaseUrl,
    RATE_LIMIT_PER_MINUTE: '10000',
  };
  for (const [name, value] of Object.entries(stubs)) vi.stubEnv(name, value);
  turns = await import('./turns');
  configured = await import('./s2');
  db = await import('../db/client');
});

afterAll(async () => {
  await Promise.allSettled([...background]);
  await configured?.chat.close();
  db?.getDb(databaseUrl).$client.close();
  await model?.close();
  vi.unstubAllEnvs();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const textOf = (blocks: ReadonlyArray<{ type: string; text?: string }>) =>
  blocks.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('');

describe('a stopped reply in history', () => {
  it('holds exactly the text readers were shown, not what the model sent after the last persisted batch', async () => {
    const chatId = 'stopped-1';
    const start = await handle(() =>
      turns.startTurn({ ownerId: 'alice', chatId, message: '/demo stall', turnId: 't1' }),
    );
    expect(start.status).toBe(202);
    const stream = configured.streamNameFor(chatId);
    // The first event is persisted at once; the words after it sit in the writer's batch.
    await vi.waitFor(async () => {
      const report = await configured.chat.readGeneration(stream, 0);
      expect(report.events.length).toBeGreaterThan(0);
    });
    // Time for the model's first words to reach the SDK (sent at once), well before the first heartbeat
    // (1.7 s) would append them: too little time only leaves nothing to tell apart, never a false failure.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Stopped from another instance: its fence cuts the writer off, whose batch is never appended. (A stop
    // on the writer's own instance sends the batch first.)
    const otherInstance = s2.chat({ mode: 'session' });
    expect(await otherInstance.stop(stream)).toBe(true);
    await otherInstance.close();
    // The writer's own ending stores the reply (reading the chat first would settle it from S2 instead).
    await Promise.all([...background]);

    const shown = (await configured.chat.readGeneration(stream, 0)).events;
    const detail = await turns.chatDetail('alice', chatId);
    expect(detail?.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    const reply = detail?.messages[1];
    expect(reply?.status).toBe('stopped');
    // Readers saw only the first event (message_start): no word of the reply was persisted before the stop.
    expect(shown.filter((event) => event.type === 'content_block_delta')).toEqual([]);
    expect(textOf(reply?.content ?? [])).toBe('');
  });
});
