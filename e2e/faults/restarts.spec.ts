// Fault matrix, server side: `next start` killed mid-reply and restarted; local S2 killed mid-reply and restarted.
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/fault-test';
import {
  collapse,
  exchange,
  expectProperPrefix,
  expectStoredAndShown,
  storedTranscript,
} from '../fixtures/transcript';
import {
  expectedReplyText,
  lastAssistant,
  openNewChat,
  send,
  visibleText,
  waitForReplyEnd,
} from '../support';

const SLOW = '/demo slow';
const QUICK = '/demo stall';
/** lib/resumable's default lease: a generation whose writer is silent this long is closed by its readers. */
const LEASE_MS = 5_000;
const FINAL = /^(complete|stopped|error|interrupted)$/;

// These scenarios take the worker's own stack apart (no other worker shares it) and put it back together.
test.afterEach(async ({ stack }) => {
  await stack.restore();
});

/** Two tabs on a chat whose slow reply has visibly started; returns the text shown so far. */
async function twoTabsMidReply(page: Page): Promise<{ chatId: string; second: Page; shown: string }> {
  const chatId = await openNewChat(page);
  await send(page, SLOW);
  // The chat exists once its first turn is accepted; a tab opened before that has nothing to follow.
  await expect(lastAssistant(page).getByTestId('message-text')).toContainText(/\w+ \w+/);
  const second = await page.context().newPage();
  await second.goto(`/chat/${chatId}`);
  await expect(lastAssistant(second).getByTestId('message-text')).toContainText(/\w+ \w+ \w+ \w+/);
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'streaming');
  return { chatId, second, shown: await visibleText(lastAssistant(page).getByTestId('message-text')) };
}

test('next start killed mid-reply and restarted: the turn ends interrupted once its lease runs out, and the chat goes on', async ({
  page,
  stack,
}) => {
  test.setTimeout(90_000);
  const { chatId, second, shown } = await twoTabsMidReply(page);

  await stack.killApp('SIGKILL');
  await expect(second.getByTestId('connection')).toHaveAttribute('data-state', 'reconnecting', {
    timeout: 5_000,
  });
  await stack.startApp();

  // A page loaded now ends the reply within the lease (plus a little); the tab left open reconnects and
  // ends it too, after at most one more reconnect backoff (5 s).
  await page.reload();
  await waitForReplyEnd(page, 'interrupted', LEASE_MS + 5_000);
  await waitForReplyEnd(second, 'interrupted', LEASE_MS + 10_000);

  const stored = await storedTranscript(page, chatId);
  expect(stored.map((line) => [line.role, line.status])).toEqual([
    ['user', 'complete'],
    ['assistant', 'interrupted'],
  ]);
  const partial = stored[1]?.text ?? '';
  expectProperPrefix(partial, SLOW);
  expect(collapse(partial).startsWith(shown), 'what was shown before the crash is kept').toBe(true);
  await expectStoredAndShown([page, second], chatId, stored);

  await send(page, QUICK);
  await waitForReplyEnd(page, 'complete');
  await expectStoredAndShown([page, second], chatId, [...stored, ...exchange(QUICK)]);
  await expect(second.getByTestId('composer')).toBeEditable();
});

/**
 * SIGKILL with S2 down longer than the writer's retries: the writer cannot even close its generation, so its
 * readers close it when the lease runs out. SIGTERM with a short outage: the writer fails and closes it.
 */
const OUTAGES = [
  { signal: 'SIGKILL', downMs: 5_000 },
  { signal: 'SIGTERM', downMs: 1_000 },
] as const;

for (const { signal, downMs } of OUTAGES) {
  test(`local S2 stopped (${signal}) for ${downMs / 1000} s mid-reply: the reply recovers or ends clearly, stored once`, async ({
    page,
    stack,
  }, testInfo) => {
    test.setTimeout(90_000);
    const { chatId, second } = await twoTabsMidReply(page);

    await stack.killS2(signal);
    const downAt = Date.now();
    // A page loaded while S2 is down still shows the chat's history, and follows the turn once S2 is back.
    const during = await page.context().newPage();
    expect((await during.goto(`/chat/${chatId}`))?.status()).toBe(200);
    await expect(during.getByTestId('message-user')).toHaveText(SLOW);
    await page.waitForTimeout(Math.max(0, downMs - (Date.now() - downAt)));
    await stack.startS2();

    const pages = [page, second, during];
    for (const tab of pages) {
      await expect(lastAssistant(tab)).toHaveAttribute('data-status', FINAL, { timeout: LEASE_MS + 20_000 });
    }
    await expect
      .poll(async () => (await storedTranscript(page, chatId)).map((line) => line.role))
      .toEqual(['user', 'assistant']);
    const stored = await storedTranscript(page, chatId);
    const reply = stored[1];
    testInfo.annotations.push({ type: 'outcome', description: `${reply?.status}: ${reply?.error ?? ''}` });
    if (reply?.status === 'complete') {
      expect(reply.text).toBe(expectedReplyText(SLOW));
    } else {
      expect(reply?.status).toMatch(/^(error|interrupted)$/);
      expectProperPrefix(reply?.text ?? '', SLOW);
      if (reply?.status === 'error') expect(reply.error).toBeTruthy();
    }
    await expectStoredAndShown(pages, chatId, stored);
    // A page loaded afterwards shows the same, once, and keeps showing it.
    const after = await page.context().newPage();
    await after.goto(`/chat/${chatId}`);
    await expectStoredAndShown([after], chatId, stored);
    await after.waitForTimeout(LEASE_MS);
    await expectStoredAndShown([after, ...pages], chatId, stored);

    // Writers and readers work again: a new turn streams to every tab and is stored.
    await send(page, QUICK);
    await waitForReplyEnd(page, 'complete', 20_000);
    await expectStoredAndShown([...pages, after], chatId, [...stored, ...exchange(QUICK)]);
  });
}
