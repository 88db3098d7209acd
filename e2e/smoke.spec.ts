// End-to-end smoke test: the home page opens a fresh, empty chat that suggests the demo commands.
import { expect, test } from '@playwright/test';
import { attachScreenshot, openNewChat } from './support';

test('the home page opens a fresh chat that suggests the demo commands', async ({ page }, testInfo) => {
  await openNewChat(page);
  await expect(page).toHaveTitle('Resumable Chat');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('empty-state')).toContainText('/demo long');
  await expect(page.getByTestId('local-model-badge')).toBeVisible();
  await expect(page.getByTestId('connection')).toBeVisible();
  await attachScreenshot(page, testInfo, 'empty state');
});
