// Shared steps for the Playwright scenarios: open a chat, send, read the screen and the stored history.
import { expect, type Page, type TestInfo } from '@playwright/test';
import type { ChatDetail } from '../lib/chat-types';

export { expectedReplyText } from '../local/anthropic/index';

/** Opens a fresh chat (the home page redirects to one) and returns its id. */
export async function openNewChat(page: Page): Promise<string> {
  await page.goto('/');
  await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('composer')).toBeEditable();
  return page.url().split('/').at(-1) ?? '';
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('composer').press('Enter');
}

export const assistantMessages = (page: Page) => page.getByTestId('message-assistant');
export const lastAssistant = (page: Page) => assistantMessages(page).last();

/** The rendered text of an element with whitespace collapsed, as a reader sees it. */
export async function visibleText(selector: ReturnType<Page['getByTestId']>): Promise<string> {
  const text = await selector.evaluate((element) => element.textContent ?? '');
  return text.replace(/\s+/g, ' ').trim();
}

export async function storedChat(page: Page, chatId: string): Promise<ChatDetail> {
  const response = await page.request.get(`/api/chats/${chatId}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as ChatDetail;
}

/** The text blocks of a stored message, joined as the model produced them. */
export function storedText(detail: ChatDetail, role: 'user' | 'assistant', index = -1): string {
  const message = detail.messages.filter((row) => row.role === role).at(index);
  return (message?.content ?? []).map((block) => (block.type === 'text' ? block.text : '')).join('');
}

/** Waits for the last reply to reach a final status. */
export async function waitForReplyEnd(page: Page, status: string, timeout = 45_000): Promise<void> {
  await expect(lastAssistant(page)).toHaveAttribute('data-status', status, { timeout });
}

/**
 * Samples the streaming reply's visible text until it ends. Every sample must be a prefix of the final
 * text: a replayed or duplicated event would show up as text that the finished reply does not start with.
 */
export async function sampleWhileStreaming(page: Page, until: () => Promise<boolean>): Promise<string[]> {
  const samples: string[] = [];
  while (!(await until())) {
    const reply = lastAssistant(page).getByTestId('message-text');
    if (await reply.count()) samples.push(await visibleText(reply));
    await page.waitForTimeout(100);
  }
  return samples.filter((sample) => sample.length > 0);
}

export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
}
