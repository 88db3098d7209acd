// End-to-end smoke test: the home page opens a fresh, empty chat that suggests the demo commands.
import { expect, test } from '@playwright/test';
import { attachScreenshot, openNewChat } from './support';

test('the home page opens a fresh chat that suggests the demo commands', async ({ page }, testInfo) => {
  // A new chat is the most common page: it should not leave errors or failed requests in the console.
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  // The page reads whether its chat exists (it might be a stale copy): through the list, never a 404.
  const probe = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/chats');
  await openNewChat(page);
  await probe;
  await expect(page).toHaveTitle('Resumable Chat');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('empty-state')).toContainText('/demo long');
  await expect(page.getByTestId('local-model-badge')).toBeVisible();
  await expect(page.getByTestId('connection')).toBeVisible();
  await attachScreenshot(page, testInfo, 'empty state');
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});
