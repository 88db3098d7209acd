// The chat service end to end on a real local S2, the local model and a temp SQLite: turn ids and deletes.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { messages } from '../db/schema';
import { handle } from './http-errors';
import { registerServiceFixture } from './service-test-support';

/** `after` from next/server needs a request scope; here it collects the background work to await. */
const background = vi.hoisted(() => new Set<Promise<unknown>>());
vi.mock('next/server', () => ({
  after: (task: Promise<unknown>) => {
    background.add(task);
  },
}));

const service = registerServiceFixture({ settle: () => settle() });
const { s2 } = service;

/** Waits for every turn's background persistence (and so its stored reply). */
async function settle(): Promise<void> {
  while (background.size > 0) {
    const tasks = [...background];
    background.clear();
    await Promise.allSettled(tasks);
  }
}

/** POST /api/chat as the route runs it: the service, with errors mapped by the one mapping. */
function post(ownerId: string, chatId: string, message: string, turnId: string): Promise<Response> {
  return handle(() => service.turns.startTurn({ ownerId, chatId, message, turnId }));
}

async function failure(response: Response) {
  return { status: response.status, body: await response.json() };
}

const notFound = { status: 404, body: { error: { type: 'not_found_error', message: 'Chat not found.' } } };

async function stored(ownerId: string, chatId: string) {
  return (await service.turns.chatDetail(ownerId, chatId))?.messages.map((row) => ({
    turnId: row.turnId,
    role: row.role,
    status: row.status,
    text: row.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join(''),
  }));
}

async function streamExists(chatId: string): Promise<boolean> {
  const name = service.configured.streamNameFor(chatId);
  const { streams } = await s2.s2.basin(s2.basin).streams.list({ prefix: name });
  return streams.some((stream) => stream.name === name && !stream.deletedAt);
}

describe('turn ids', () => {
  it("starts a new turn in a chat with a turn id another chat used, and stores that turn's reply", async () => {
    expect((await post('alice', 'ids-a', 'tell me about zebras', 't1')).status).toBe(202);
    await settle();
    expect((await post('alice', 'ids-b', 'tell me about otters', 't1')).status).toBe(202);
    await settle();
    const b = await stored('alice', 'ids-b');
    expect(b?.map((row) => [row.turnId, row.role, row.status])).toEqual([
      ['t1', 'user', 'complete'],
      ['t1', 'assistant', 'complete'],
    ]);
    // The model saw this chat's transcript, not an empty one.
    expect(b?.[1]?.text).toContain('otters');
    expect((await stored('alice', 'ids-a'))?.map((row) => row.role)).toEqual(['user', 'assistant']);
  });

  it('refuses an earlier turn id of the chat with 409, and lets a retry of the latest turn join (202)', async () => {
    const name = service.configured.streamNameFor('ids-c');
    expect((await post('alice', 'ids-c', 'first', 't1')).status).toBe(202);
    await settle();
    expect((await post('alice', 'ids-c', 'second', 't2')).status).toBe(202);
    await settle();
    const before = await s2.generations(name);

    expect(await failure(await post('alice', 'ids-c', 'first again', 't1'))).toEqual({
      status: 409,
      body: { error: { type: 'conflict_error', message: expect.stringContaining('earlier turn') } },
    });
    // A retry of the finished latest turn joins its generation: nothing new is claimed or stored.
    expect((await post('alice', 'ids-c', 'second', 't2')).status).toBe(202);
    await settle();
    expect(await s2.generations(name)).toEqual(before);

    // A retry of a turn still streaming joins it too.
    expect((await post('alice', 'ids-c', '/demo stall', 't3')).status).toBe(202);
    expect((await post('alice', 'ids-c', '/demo stall', 't3')).status).toBe(202);
    expect((await s2.generations(name)).map((generation) => generation.turnId)).toEqual(['t1', 't2', 't3']);
    expect((await service.turns.stopTurn('alice', 'ids-c')).status).toBe(200);
    await settle();
    expect((await stored('alice', 'ids-c'))?.map((row) => [row.turnId, row.role])).toEqual([
      ['t1', 'user'],
      ['t1', 'assistant'],
      ['t2', 'user'],
      ['t2', 'assistant'],
      ['t3', 'user'],
      ['t3', 'assistant'],
    ]);
  });
});

describe('deleting a chat', () => {
  it('stops its active turn, deletes its stream, and never lets its id be re-created', async () => {
    expect((await post('alice', 'del-a', '/demo stall', 't1')).status).toBe(202);
    expect(await streamExists('del-a')).toBe(true);

    await service.turns.deleteChat('alice', 'del-a');
    // The stopped writer may re-create the stream as it winds down; its turn's end deletes it again.
    await settle();
    expect(await streamExists('del-a')).toBe(false);
    expect(await service.turns.chatDetail('alice', 'del-a')).toBeUndefined();
    expect(service.turns.listChats('alice').map((chat) => chat.id)).not.toContain('del-a');

    // Another browser cannot take the id, nor replay what the chat's stream held.
    expect(await failure(await post('bob', 'del-a', 'mine now', 't1'))).toEqual(notFound);
    const replay = await handle(() =>
      service.turns.replayTurns({
        ownerId: 'bob',
        chatId: 'del-a',
        from: 0,
        live: false,
        signal: AbortSignal.timeout(5000),
      }),
    );
    expect(await failure(replay)).toEqual(notFound);
    // Nor can its owner start it again.
    expect(await failure(await post('alice', 'del-a', 'again', 't2'))).toEqual(notFound);
    expect(service.turns.isUnavailableChat('alice', 'del-a')).toBe(true);
    expect(service.turns.isUnavailableChat('bob', 'del-a')).toBe(true);
    expect(await streamExists('del-a')).toBe(false);

    // The owner may repeat the delete (it retries the stream's removal); to anyone else it is not found.
    await service.turns.deleteChat('alice', 'del-a');
    expect(
      await failure(await handle(() => service.turns.deleteChat('bob', 'del-a').then(() => new Response()))),
    ).toEqual(notFound);
  });

  it('refuses (404) a turn whose chat is deleted while it starts, without re-creating the chat or its stream', async () => {
    expect((await post('alice', 'del-b', 'hello', 't1')).status).toBe(202);
    await settle();
    const makeResumable = service.configured.chat.makeResumable;
    vi.spyOn(service.configured.chat, 'makeResumable').mockImplementation(async (...args) => {
      // The DELETE lands after the POST's checks, before its claim.
      await service.turns.deleteChat('alice', 'del-b');
      return makeResumable(...args);
    });
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await failure(await post('alice', 'del-b', 'still there?', 't2'))).toEqual(notFound);
    await settle();
    expect(error).not.toHaveBeenCalled();
    expect(service.turns.listChats('alice').map((chat) => chat.id)).not.toContain('del-b');
    expect(await streamExists('del-b')).toBe(false);
  });
});

describe('a reply history never stored', () => {
  it('is stored from S2 before the next message, so history keeps its order and the model sees it', async () => {
    expect((await post('alice', 'lost-a', 'tell me about zebras', 't1')).status).toBe(202);
    await settle();
    // As if the server died right after the reply's terminal fence, before storing it.
    service.db
      .delete(messages)
      .where(and(eq(messages.chatId, 'lost-a'), eq(messages.role, 'assistant')))
      .run();
    expect((await post('alice', 'lost-a', 'and otters?', 't2')).status).toBe(202);
    await settle();
    const rows = await stored('alice', 'lost-a');
    expect(rows?.map((row) => [row.turnId, row.role, row.status])).toEqual([
      ['t1', 'user', 'complete'],
      ['t1', 'assistant', 'complete'],
      ['t2', 'user', 'complete'],
      ['t2', 'assistant', 'complete'],
    ]);
    expect(rows?.[1]?.text).toContain('zebras');
  });
});
