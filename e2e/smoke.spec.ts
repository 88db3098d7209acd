import { expect, test } from '@playwright/test';

test('the home page introduces the app and shows that the local model answers', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('Resumable Chat');
  await expect(page.getByRole('heading', { name: 'Resumable Chat' })).toBeVisible();
  await expect(page.getByTestId('local-model-badge')).toHaveText('local model');
});
