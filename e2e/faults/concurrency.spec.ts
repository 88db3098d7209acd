// Fault matrix, racing requests: two turns at once on one chat, and a turn's POST retried with its turn id.
import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from '../fixtures/fault-test';
import { exchange, expectStoredAndShown } from '../fixtures/transcript';
import { lastAssistant, openNewChat, send, waitForReplyEnd } from '../support';

const SLOW = '/demo slow';
const QUICK = '/demo stall';

function postTurn(request: APIRequestContext, chatId: string, message: string, turnId = randomUUID()) {
  return request.post('/api/chat', { data: { id: chatId, message, turnId } });
}

test('two simultaneous turns on one chat: one is accepted, the other refused; a refused page says why and follows', async ({
  page,
}) => {
  // A chat nothing was sent to yet: this tab is not following anything, so its own send will race.
  const chatId = await openNewChat(page);
  const responses = await Promise.all([
    postTurn(page.request, chatId, SLOW),
    postTurn(page.request, chatId, SLOW),
  ]);
  expect(responses.map((response) => response.status()).sort()).toEqual([202, 409]);
  const refused = responses.find((response) => response.status() === 409);
  expect(await refused?.json()).toEqual({
    error: { type: expect.any(String), message: 'A reply is already in progress.' },
  });

  await send(page, QUICK);
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-kind', 'busy');
  await expect(page.getByTestId('error-banner')).toContainText('A reply is already in progress.');

  // The refused tab now knows the chat exists and follows the turn that holds it.
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'streaming');
  await waitForReplyEnd(page, 'complete');
  await expectStoredAndShown([page], chatId, exchange(SLOW));
  await page.reload();
  await expectStoredAndShown([page], chatId, exchange(SLOW));
});

test('a POST retried with the same turn id joins its turn: one generation, one message each way', async ({
  page,
  stack,
}) => {
  const chatId = await openNewChat(page);
  const before = await stack.modelIdle();
  const turnId = randomUUID();
  // The original and a retry racing it (its response was lost), then a retry while the reply streams.
  const racing = await Promise.all([
    postTurn(page.request, chatId, SLOW, turnId),
    postTurn(page.request, chatId, SLOW, turnId),
  ]);
  expect(racing.map((response) => response.status())).toEqual([202, 202]);
  await page.reload();
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'streaming');
  expect((await postTurn(page.request, chatId, SLOW, turnId)).status()).toBe(202);

  await waitForReplyEnd(page, 'complete');
  // A retry arriving after the reply finished joins the finished turn; it starts nothing.
  expect((await postTurn(page.request, chatId, SLOW, turnId)).status()).toBe(202);
  const oneGeneration = { active: 0, completed: before.completed + 1, aborted: before.aborted };
  await expect.poll(() => stack.modelStats()).toEqual(oneGeneration);
  await expectStoredAndShown([page], chatId, exchange(SLOW));
  await page.reload();
  await expectStoredAndShown([page], chatId, exchange(SLOW));
  // Still one generation after the round trips above: the late retry started nothing.
  expect(await stack.modelStats()).toEqual(oneGeneration);
});
