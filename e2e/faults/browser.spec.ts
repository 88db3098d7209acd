// Fault matrix, browser side: reloads, a dropped network and a lost cursor during one reply.
import { expect, test } from '../fixtures/fault-test';
import { collapse, exchange, expectStoredAndShown } from '../fixtures/transcript';
import { expectedReplyText, lastAssistant, openNewChat, send, visibleText } from '../support';

const SLOW = '/demo slow';
const FULL = collapse(expectedReplyText(SLOW));

const replyText = (page: Parameters<typeof lastAssistant>[0]) =>
  visibleText(lastAssistant(page).getByTestId('message-text'));

/** Samples the reply until it is complete; every sample must be a prefix of the full reply. */
async function followToCompletion(page: Parameters<typeof lastAssistant>[0]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await lastAssistant(page).getAttribute('data-status')) !== 'complete') {
    expect(Date.now(), 'the reply should complete within 30 s').toBeLessThan(deadline);
    const shown = await replyText(page);
    expect(FULL.startsWith(shown), `"${shown}" is not a prefix of the reply`).toBe(true);
    await page.waitForTimeout(100);
  }
}

test('five reloads during one reply neither lose nor repeat a word', async ({ page }) => {
  const chatId = await openNewChat(page);
  await send(page, SLOW);
  let shown = '';
  for (let reload = 1; reload <= 5; reload += 1) {
    // Each reload happens after the reply visibly moved on, so every one lands mid-turn with new text.
    await expect
      .poll(async () => (await replyText(page)).length, { timeout: 10_000 })
      .toBeGreaterThan(shown.length);
    shown = await replyText(page);
    expect(FULL.startsWith(shown)).toBe(true);
    await page.reload();
    await expect(lastAssistant(page)).toHaveAttribute('data-status', 'streaming');
  }
  await followToCompletion(page);
  await expectStoredAndShown([page], chatId, exchange(SLOW));
});

test('three seconds offline mid-reply: the page says so, then resumes the reply exactly', async ({
  page,
  context,
  stack,
}) => {
  const chatId = await openNewChat(page);
  const connection = page.getByTestId('connection');
  const streamRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/chat/stream')) streamRequests.push(request.url());
  });
  await send(page, SLOW);
  await expect(lastAssistant(page).getByTestId('message-text')).toContainText(/\w+ \w+ \w+/);
  await expect(connection).toHaveAttribute('data-state', 'live');

  // Chromium's offline mode fails new requests but leaves an open response streaming; the proxy cuts those.
  await context.setOffline(true);
  expect(stack.dropBrowserConnections()).toBeGreaterThan(0);
  await expect(connection).toHaveAttribute('data-state', 'offline');
  const frozen = await replyText(page);
  await page.waitForTimeout(3_000);
  expect(await replyText(page), 'nothing arrives while offline').toBe(frozen);
  const requestsBeforeOnline = streamRequests.length;
  await context.setOffline(false);

  // Back online, the indicator catches up (reconnecting) and goes live, and the reply moves past where it froze.
  await expect(connection).toHaveAttribute('data-state', /^(reconnecting|live)$/);
  await expect(connection).toHaveAttribute('data-state', 'live', { timeout: 10_000 });
  await expect
    .poll(async () => (await replyText(page)).length, { timeout: 10_000 })
    .toBeGreaterThan(frozen.length);
  expect(streamRequests.length, 'the page resubscribed after the drop').toBeGreaterThan(requestsBeforeOnline);
  await followToCompletion(page);
  await expectStoredAndShown([page], chatId, exchange(SLOW));
});

test('a cursor past the stream tail re-hydrates from history and shows each word once', async ({ page }) => {
  const chatId = await openNewChat(page);
  await send(page, SLOW);
  await expect(lastAssistant(page).getByTestId('message-text')).toContainText(/\w+ \w+ \w+/);

  // The next subscription asks for a position far past the tail, as a cursor from a lost stream would.
  const statuses: number[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/api/chat/stream')) statuses.push(response.status());
  });
  let rewritten = false;
  await page.route('**/api/chat/stream?*', async (route) => {
    if (rewritten) return route.continue();
    rewritten = true;
    const url = new URL(route.request().url());
    url.searchParams.set('from', '999999999');
    return route.continue({ url: url.toString() });
  });
  await page.reload();

  await followToCompletion(page);
  expect(statuses[0], 'the stale cursor was refused').toBe(416);
  expect(statuses.slice(1)).toContain(200);
  await expectStoredAndShown([page], chatId, exchange(SLOW));
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});
