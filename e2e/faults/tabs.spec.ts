// Fault matrix, two tabs on one chat: a stop from the other tab, and a model error mid-reply.
import { expect, test } from '../fixtures/fault-test';
import {
  exchange,
  expectProperPrefix,
  expectStoredAndShown,
  type Line,
  storedTranscript,
} from '../fixtures/transcript';
import { expectedReplyText, lastAssistant, openNewChat, send, waitForReplyEnd } from '../support';

const SLOW = '/demo slow';
/** A short plain-text reply (the stall is brief in the fault stack). */
const QUICK = '/demo stall';
const ERROR = '/demo error';

test('a stop from a second tab ends the reply in both, stores the partial reply once and aborts the model', async ({
  page,
  context,
  stack,
}) => {
  const idle = await stack.modelIdle();
  const chatId = await openNewChat(page);
  await send(page, SLOW);
  await expect(lastAssistant(page).getByTestId('message-text')).toContainText(/\w+ \w+ \w+/);
  const before = await stack.modelStats();
  expect(before).toEqual({ ...idle, active: 1 });

  const second = await context.newPage();
  await second.goto(`/chat/${chatId}`);
  await expect(lastAssistant(second)).toHaveAttribute('data-status', 'streaming');
  await second.getByTestId('stop').click();

  await waitForReplyEnd(second, 'stopped', 10_000);
  await waitForReplyEnd(page, 'stopped', 10_000);
  // The upstream request is cancelled, not left running to completion.
  await expect
    .poll(() => stack.modelStats(), { timeout: 5_000 })
    .toEqual({
      active: 0,
      completed: before.completed,
      aborted: before.aborted + 1,
    });

  await expect
    .poll(async () => (await storedTranscript(page, chatId)).map((line) => [line.role, line.status]))
    .toEqual([
      ['user', 'complete'],
      ['assistant', 'stopped'],
    ]);
  const stored = await storedTranscript(page, chatId);
  expectProperPrefix(stored[1]?.text ?? '', SLOW);
  await expectStoredAndShown([page, second], chatId, stored);
  // Nothing arrives after the stop.
  await page.waitForTimeout(1_000);
  await expectStoredAndShown([page, second], chatId, stored);
  await expect(page.getByTestId('composer')).toBeEditable();
  await expect(second.getByTestId('composer')).toBeEditable();
});

test('a model error mid-reply shows in both tabs and is stored once', async ({ page, context }) => {
  const chatId = await openNewChat(page);
  await send(page, QUICK);
  await waitForReplyEnd(page, 'complete');
  const second = await context.newPage();
  await second.goto(`/chat/${chatId}`);
  await expect(second.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  await send(page, ERROR);
  await waitForReplyEnd(page, 'error');
  await waitForReplyEnd(second, 'error');

  await expect.poll(async () => (await storedTranscript(page, chatId)).length).toBe(4);
  const stored = await storedTranscript(page, chatId);
  const failed = stored.at(-1);
  expect(failed?.error, 'the error has a message for the reader').toBeTruthy();
  expect(failed?.error).not.toMatch(/overloaded_error|stack|Error:/);
  const expected: Line[] = [
    ...exchange(QUICK),
    { role: 'user', status: 'complete', text: ERROR },
    { role: 'assistant', status: 'error', text: expectedReplyText(ERROR), error: failed?.error ?? '' },
  ];
  await expectStoredAndShown([page, second], chatId, expected);
  await second.reload();
  await expectStoredAndShown([page, second], chatId, expected);
});
