// End-to-end chat flows: a full reply, resuming after a reload, a second tab, stop and model errors.
import { expect, test } from '@playwright/test';
import {
  assistantMessages,
  attachScreenshot,
  expectedReplyText,
  lastAssistant,
  openNewChat,
  sampleWhileStreaming,
  send,
  storedChat,
  storedText,
  visibleText,
  waitForReplyEnd,
} from './support';

const QUESTION = 'How do durable streams make chat replies resumable?';

test('sends a message and shows the whole reply, exactly as history stores it', async ({
  page,
}, testInfo) => {
  const chatId = await openNewChat(page);
  await send(page, QUESTION);
  await expect(page.getByTestId('message-user')).toHaveText(QUESTION);
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'streaming');
  await attachScreenshot(page, testInfo, 'streaming');
  await waitForReplyEnd(page, 'complete');

  const detail = await storedChat(page, chatId);
  expect(storedText(detail, 'assistant')).toBe(expectedReplyText(QUESTION));
  expect(detail.messages.map((message) => [message.role, message.status])).toEqual([
    ['user', 'complete'],
    ['assistant', 'complete'],
  ]);
  await expect(page.getByTestId('chat-item').first()).toContainText('How do durable streams');
  await attachScreenshot(page, testInfo, 'complete');
});

test('resumes mid-reply after a reload without losing or duplicating text', async ({ page }) => {
  const chatId = await openNewChat(page);
  await send(page, '/demo slow');
  await expect(lastAssistant(page).getByTestId('message-text')).toContainText(/\w+ \w+ \w+/);
  await page.reload();

  const samples = await sampleWhileStreaming(
    page,
    async () => (await lastAssistant(page).getAttribute('data-status')) === 'complete',
  );
  const shown = await visibleText(lastAssistant(page).getByTestId('message-text'));
  expect(samples.length).toBeGreaterThan(3);
  for (const sample of samples) expect(shown.startsWith(sample)).toBe(true);
  await expect(assistantMessages(page)).toHaveCount(1);

  const detail = await storedChat(page, chatId);
  expect(storedText(detail, 'assistant')).toBe(expectedReplyText('/demo slow'));
  expect(shown).toBe(expectedReplyText('/demo slow').replace(/\s+/g, ' ').trim());
});

test('after a reply has finished, a reload shows history only and streams nothing again', async ({
  page,
}) => {
  const chatId = await openNewChat(page);
  await send(page, QUESTION);
  await waitForReplyEnd(page, 'complete');
  const before = await visibleText(lastAssistant(page).getByTestId('message-text'));

  const replays: number[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/api/chat/stream')) replays.push(response.status());
  });
  const subscribed = page.waitForResponse((response) => response.url().includes('/api/chat/stream'));
  const reloaded = await page.reload();
  // Server-rendered history: the page's HTML already marks the reply complete, before any subscription
  // could deliver events.
  expect(await reloaded?.text()).toMatch(
    /<article(?=[^>]*data-testid="message-assistant")(?=[^>]*data-status="complete")/,
  );
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'complete');
  // A negative check: events replayed by mistake would render within milliseconds of the subscription's
  // answer; a window well beyond that shows none came.
  await subscribed;
  await page.waitForTimeout(1_500);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(page.getByTestId('message-user')).toHaveCount(1);
  expect(await visibleText(lastAssistant(page).getByTestId('message-text'))).toBe(before);
  const detail = await storedChat(page, chatId);
  expect(detail.messages).toHaveLength(2);
  expect(replays.every((status) => status === 200 || status === 204)).toBe(true);
  // The tab names the chat once it has a title.
  await expect(page).toHaveTitle(`${detail.chat.title} · Resumable Chat`);
});

test('a second tab follows a turn started in the first', async ({ page, context }, testInfo) => {
  const chatId = await openNewChat(page);
  await send(page, 'First question');
  await waitForReplyEnd(page, 'complete');

  const second = await context.newPage();
  await second.goto(`/chat/${chatId}`);
  await expect(assistantMessages(second)).toHaveCount(1);
  await expect(second.getByTestId('connection')).toHaveAttribute('data-state', 'live');

  await send(page, '/demo slow');
  await expect(second.getByTestId('message-user').last()).toHaveText('/demo slow');
  await expect(lastAssistant(second)).toHaveAttribute('data-status', 'streaming');
  await attachScreenshot(second, testInfo, 'second tab following');
  await waitForReplyEnd(second, 'complete');
  await waitForReplyEnd(page, 'complete');

  const expected = expectedReplyText('/demo slow').replace(/\s+/g, ' ').trim();
  expect(await visibleText(lastAssistant(second).getByTestId('message-text'))).toBe(expected);
  expect(await visibleText(lastAssistant(page).getByTestId('message-text'))).toBe(expected);
  await expect(assistantMessages(second)).toHaveCount(2);
  await expect(second.getByTestId('message-user')).toHaveCount(2);
});

test("another tab's sidebar lists a chat created here once that tab is looked at again", async ({
  page,
  context,
}) => {
  const other = await context.newPage();
  await openNewChat(other);
  const chatId = await openNewChat(page);
  await send(page, 'Hello there');
  await waitForReplyEnd(page, 'complete');
  const item = other.locator(`[data-testid="chat-item"][data-chat-id="${chatId}"]`);
  await expect(item).toHaveCount(0);
  // What the browser fires when the user switches back to that tab.
  await other.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(item).toHaveCount(1);
});

test('stop keeps the partial reply, and a reload still shows it as stopped', async ({ page }, testInfo) => {
  const chatId = await openNewChat(page);
  await send(page, '/demo slow');
  await expect(lastAssistant(page).getByTestId('message-text')).toContainText(/\w+ \w+ \w+/);
  await page.getByTestId('stop').click();
  await waitForReplyEnd(page, 'stopped', 10_000);
  await attachScreenshot(page, testInfo, 'stopped');

  const detail = await storedChat(page, chatId);
  const partial = storedText(detail, 'assistant');
  expect(partial.length).toBeGreaterThan(0);
  expect(expectedReplyText('/demo slow').startsWith(partial)).toBe(true);
  expect(partial).not.toBe(expectedReplyText('/demo slow'));
  expect(detail.messages.filter((message) => message.role === 'assistant')).toHaveLength(1);

  await page.reload();
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'stopped');
  expect(await visibleText(lastAssistant(page).getByTestId('message-text'))).toBe(
    partial.replace(/\s+/g, ' ').trim(),
  );
  await expect(page.getByTestId('composer')).toBeEditable();
});

test('stop pressed while the message is still on its way stops the reply once it starts', async ({
  page,
}) => {
  await openNewChat(page);
  // Hold the send at the network until Stop has been pressed: the server has no turn to stop yet.
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/api/chat', async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });
  await send(page, '/demo slow');
  await page.getByTestId('stop').click();
  release();
  await waitForReplyEnd(page, 'stopped', 10_000);
  await page.reload();
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'stopped');
});

test('a model error mid-reply shows the error and keeps the partial text', async ({ page }, testInfo) => {
  const chatId = await openNewChat(page);
  await send(page, '/demo error');
  await waitForReplyEnd(page, 'error');
  await expect(lastAssistant(page).getByTestId('message-error')).toBeVisible();
  await attachScreenshot(page, testInfo, 'error');

  const detail = await storedChat(page, chatId);
  const reply = detail.messages.at(-1);
  expect(reply?.status).toBe('error');
  expect(reply?.error?.message).toBeTruthy();
  expect(reply?.error?.message).not.toMatch(/overloaded_error|stack|Error:/);
  expect(storedText(detail, 'assistant')).toBe(expectedReplyText('/demo error'));

  await page.reload();
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'error');
  expect(await visibleText(lastAssistant(page).getByTestId('message-text'))).toBe(
    expectedReplyText('/demo error').replace(/\s+/g, ' ').trim(),
  );
  await expect(page.getByTestId('composer')).toBeEditable();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 800 } });

  test('the chat list drawer takes the keyboard: Esc closes it and leaves the running reply alone', async ({
    page,
  }) => {
    await openNewChat(page);
    await send(page, '/demo slow');
    await expect(lastAssistant(page)).toHaveAttribute('data-status', 'streaming');
    await page.getByTestId('open-sidebar').click();
    const drawer = page.locator('#chat-sidebar');
    await expect(drawer.getByRole('button', { name: 'Close the chat list' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(lastAssistant(page)).toHaveAttribute('data-status', 'streaming');
    // With the drawer closed, Esc is the page's again: it stops the reply.
    await page.keyboard.press('Escape');
    await waitForReplyEnd(page, 'stopped', 10_000);
  });
});
