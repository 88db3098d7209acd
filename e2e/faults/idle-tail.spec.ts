// Fault matrix, an idle live tail: a minute with no turns, kept open by pings, then the next turn arrives.
import { randomUUID } from 'node:crypto';
import { expect, test } from '../fixtures/fault-test';
import { exchange, expectStoredAndShown, storedDetail } from '../fixtures/transcript';
import { openNewChat, send, waitForReplyEnd } from '../support';

const QUICK = '/demo stall';
const IDLE_MS = 60_000;

/** Reads a raw SSE response in the background, counting `: ping` comments and keeping the frames' text. */
function readSse(body: ReadableStream<Uint8Array>) {
  const seen = { pings: 0, text: '' };
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen.text += decoder.decode(value, { stream: true });
      seen.pings = seen.text.match(/^: ping$/gm)?.length ?? 0;
    }
  })().catch(() => undefined);
  return {
    seen,
    close: () =>
      reader
        .cancel()
        .catch(() => undefined)
        .then(() => done),
  };
}

test('a live tail idle for 60 s stays live on pings, and the next turn started elsewhere arrives', async ({
  page,
  context,
  stack,
}) => {
  test.setTimeout(IDLE_MS + 60_000);
  const chatId = await openNewChat(page);
  await send(page, QUICK);
  await waitForReplyEnd(page, 'complete');
  const connection = page.getByTestId('connection');
  await expect(connection).toHaveAttribute('data-state', 'live');

  const resubscribes: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/chat/stream')) resubscribes.push(request.url());
  });
  // A second, raw subscriber with the same identity shows what travels on the wire while nothing happens.
  const cookie = (await context.cookies(stack.appUrl))
    .map(({ name, value }) => `${name}=${value}`)
    .join('; ');
  const { cursor } = await storedDetail(page, chatId);
  const raw = await fetch(`${stack.appUrl}/api/chat/stream?id=${chatId}&live=1&from=${cursor}`, {
    headers: { cookie, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(IDLE_MS + 50_000),
  });
  expect(raw.status).toBe(200);
  const wire = readSse(raw.body as ReadableStream<Uint8Array>);

  try {
    const states = new Set<string | null>();
    for (const until = Date.now() + IDLE_MS; Date.now() < until; ) {
      states.add(await connection.getAttribute('data-state'));
      await page.waitForTimeout(1_000);
    }
    expect([...states], 'the indicator stayed live the whole minute').toEqual(['live']);
    expect(resubscribes, 'the page never had to reconnect').toEqual([]);
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    // One ping every 15 s, and nothing else.
    expect(wire.seen.pings).toBeGreaterThanOrEqual(3);
    expect(wire.seen.text).not.toContain('event:');

    // The next turn, started by another client of the same browser identity, reaches the idle tab.
    const started = await page.request.post('/api/chat', {
      data: { id: chatId, message: QUICK, turnId: randomUUID() },
    });
    expect(started.status()).toBe(202);
    await expectStoredAndShown([page], chatId, [...exchange(QUICK), ...exchange(QUICK)]);
    await expect.poll(() => wire.seen.text.includes('event: message_stop'), { timeout: 10_000 }).toBe(true);
    expect(resubscribes).toEqual([]);
  } finally {
    await wire.close();
  }
});
