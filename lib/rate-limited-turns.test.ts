// The chat service under a small rate limit, on a real local S2 and the local model: what counts as a turn.
import { describe, expect, it, vi } from 'vitest';
import { handle } from './http-errors';
import { registerServiceFixture } from './service-test-support';

/** `after` from next/server needs a request scope; here it collects the background work to await. */
const background = vi.hoisted(() => new Set<Promise<unknown>>());
vi.mock('next/server', () => ({
  after: (task: Promise<unknown>) => {
    background.add(task);
  },
}));

const LIMIT = 3;
const ADDRESS_LIMIT = 5;
const service = registerServiceFixture({
  env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), RATE_LIMIT_PER_ADDRESS_PER_MINUTE: String(ADDRESS_LIMIT) },
  settle: () => settle(),
});

async function settle(): Promise<void> {
  while (background.size > 0) {
    const tasks = [...background];
    background.clear();
    await Promise.allSettled(tasks);
  }
}

function post(
  ownerId: string,
  chatId: string,
  message: string,
  turnId: string,
  clientAddress: string | null = null,
): Promise<Response> {
  return handle(() => service.turns.startTurn({ ownerId, chatId, message, turnId, clientAddress }));
}

describe('rate limit', () => {
  it('counts the replies started, not retries that join a turn (even at the limit) or requests refused with 409', async () => {
    expect((await post('carol', 'rl-a', 'hello', 't1')).status).toBe(202);
    // Retries of the same turn (a client that lost the 202) join it: no second reply is asked for.
    for (let i = 0; i < LIMIT; i++) expect((await post('carol', 'rl-a', 'hello', 't1')).status).toBe(202);
    await settle();

    expect((await post('carol', 'rl-b', '/demo stall', 't1')).status).toBe(202);
    // Another turn while that reply runs: refused, and free.
    for (let i = 0; i < LIMIT; i++) expect((await post('carol', 'rl-b', 'again', 't2')).status).toBe(409);
    expect((await service.turns.stopTurn('carol', 'rl-b')).status).toBe(200);
    await settle();

    expect((await post('carol', 'rl-c', 'third', 't1')).status).toBe(202);
    await settle();
    // The limit's fourth reply within the minute: refused, with the time to wait.
    const refused = await post('carol', 'rl-d', 'fourth', 't1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await refused.json()).error.type).toBe('rate_limit_error');
    // At the limit, a client that lost its 202 can still rejoin its turn.
    expect((await post('carol', 'rl-c', 'third', 't1')).status).toBe(202);
    // Another browser has its own budget.
    expect((await post('dave', 'rl-e', 'hello', 't1')).status).toBe(202);
    await settle();
  });

  it('limits one network address across identities, since a new identity is only a dropped cookie away', async () => {
    const address = '203.0.113.9';
    const owners = Array.from({ length: ADDRESS_LIMIT }, (_, index) => `fresh-${index + 1}`);
    for (const [index, owner] of owners.entries()) {
      expect((await post(owner, `addr-${index}`, 'hi', 't1', address)).status).toBe(202);
    }
    const refused = await post('fresh-6', 'addr-6', 'hi', 't1', address);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.type).toBe('rate_limit_error');
    // The refused identity was not charged: from another address it goes through.
    expect((await post('fresh-6', 'addr-6', 'hi', 't1', '198.51.100.1')).status).toBe(202);
    await settle();
  });
});
