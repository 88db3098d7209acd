// A stopped reply is stored as readers saw it: from S2, without the events still in the writer's batch.
import { describe, expect, it, vi } from 'vitest';
import { handle } from './http-errors';
import type { ModelReply } from './model-stream';
import { registerServiceFixture } from './service-test-support';

/** `after` from next/server needs a request scope; here it collects the background work to await. */
const background = vi.hoisted(() => new Set<Promise<unknown>>());
vi.mock('next/server', () => ({
  after: (task: Promise<unknown>) => {
    background.add(task);
  },
}));

/** The replies the service asked of the model, to see what the SDK has received of them. */
const replies = vi.hoisted(() => [] as ModelReply[]);
vi.mock('./model-stream', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./model-stream')>();
  return {
    ...actual,
    streamReply: (...args: Parameters<typeof actual.streamReply>) => {
      const reply = actual.streamReply(...args);
      replies.push(reply);
      return reply;
    },
  };
});

const service = registerServiceFixture({
  // After the first event, which goes out at once, events wait in the batch for a minute: the first
  // heartbeat (every 1.7 s while the model is silent) is what would send them.
  env: { S2_BATCH_SIZE: '1000', S2_LINGER_DURATION_MS: '60000' },
  settle: async () => void (await Promise.allSettled([...background])),
});
const { s2 } = service;

const textOf = (blocks: ReadonlyArray<{ type: string; text?: string }>) =>
  blocks.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('');

describe('a stopped reply in history', () => {
  it('holds exactly the text readers were shown, not what the model sent after the last persisted batch', async () => {
    const chatId = 'stopped-1';
    const start = await handle(() =>
      service.turns.startTurn({ ownerId: 'alice', chatId, message: '/demo stall', turnId: 't1' }),
    );
    expect(start.status).toBe(202);
    const stream = service.configured.streamNameFor(chatId);
    // The first event is persisted at once; the words after it sit in the writer's batch.
    await vi.waitFor(async () => {
      const report = await service.configured.chat.readGeneration(stream, 0);
      expect(report.events.length).toBeGreaterThan(0);
    });
    // The model's first words reach the SDK at once, well before the first heartbeat (1.7 s) would append them.
    await vi.waitFor(() => expect(textOf(replies[0]?.content() ?? [])).not.toBe(''));
    // Stopped from another instance: its fence cuts the writer off, whose batch is never appended. (A stop
    // on the writer's own instance sends the batch first.)
    const otherInstance = s2.chat({ mode: 'session' });
    expect(await otherInstance.stop(stream)).toBe(true);
    await otherInstance.close();
    // The writer's own ending stores the reply (reading the chat first would settle it from S2 instead).
    await Promise.all([...background]);

    const shown = (await service.configured.chat.readGeneration(stream, 0)).events;
    const detail = await service.turns.chatDetail('alice', chatId);
    expect(detail?.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    const reply = detail?.messages[1];
    expect(reply?.status).toBe('stopped');
    // Readers saw only the first event (message_start): no word of the reply was persisted before the stop.
    expect(shown.filter((event) => event.type === 'content_block_delta')).toEqual([]);
    expect(textOf(reply?.content ?? [])).toBe('');
  });
});
