// End-to-end chat list: kept across chats, deletes that race a refresh or a navigation, the drawer's focus.
import { expect, type Page, test } from '@playwright/test';
import { startChat, waitForReply } from './api-support';
import { lastAssistant, openNewChat, send } from './support';

const item = (page: Page, chatId: string) =>
  page.locator(`[data-testid="chat-item"][data-chat-id="${chatId}"]`);

/** Two finished chats of this browser, made through the API: their ids, oldest first. */
async function twoChats(page: Page): Promise<[string, string]> {
  const first = await startChat(page.request, 'First chat');
  const second = await startChat(page.request, 'Second chat');
  await Promise.all([waitForReply(page.request, first), waitForReply(page.request, second)]);
  return [first, second];
}

/** A promise and its resolve, for holding a routed request until the test lets it go. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}

test('a chat list read before a delete committed does not bring the deleted chat back', async ({ page }) => {
  const [doomed] = await twoChats(page);
  await openNewChat(page);
  await expect(item(page, doomed)).toHaveCount(1);

  // The next list read is answered by the server at once, but reaches the page only after the delete.
  const deleted = gate();
  await page.route('**/api/chats', async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    const stale = await route.fetch();
    await deleted.opened;
    await route.fulfill({ response: stale });
  });
  const staleRead = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/chats');
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));

  const deletion = page.waitForResponse((response) => response.request().method() === 'DELETE');
  await item(page, doomed).getByTestId('delete-chat').click();
  expect((await deletion).status()).toBe(204);
  await expect(item(page, doomed)).toHaveCount(0);
  deleted.open();
  const stale = await staleRead;
  expect(((await stale.json()) as { chats: { id: string }[] }).chats.map((chat) => chat.id)).toContain(
    doomed,
  );
  // The stale list has been applied by now (the page re-renders on it): the deleted chat stays gone.
  await expect(page.getByTestId('chat-list')).not.toContainText('First chat');
  await expect(item(page, doomed)).toHaveCount(0);
});

test('deleting the open chat, then opening another before the delete finishes, stays on the other chat', async ({
  page,
}) => {
  const [open, other] = await twoChats(page);
  await page.goto(`/chat/${open}`);
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'complete');

  const navigated = gate();
  await page.route(`**/api/chats/${open}`, async (route) => {
    if (route.request().method() !== 'DELETE') return route.fallback();
    await navigated.opened;
    await route.continue();
  });
  const deletion = page.waitForResponse((response) => response.request().method() === 'DELETE');
  await item(page, open).getByTestId('delete-chat').click();
  await item(page, other).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/chat/${other}$`));
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'complete');
  // The page would leave for the start page within milliseconds of the delete's answer; allow it seconds.
  const leftForStart = page
    .waitForRequest((request) => new URL(request.url()).pathname === '/', { timeout: 3_000 })
    .then(
      () => true,
      () => false,
    );
  navigated.open();
  expect((await deletion).status()).toBe(204);
  expect(await leftForStart).toBe(false);
  await expect(page).toHaveURL(new RegExp(`/chat/${other}$`));
  await expect(page.getByTestId('composer')).toBeEditable();
});

test('moving from chat to chat keeps the chat list as it is, rather than rendering it again', async ({
  page,
}) => {
  const [first, second] = await twoChats(page);
  await page.goto(`/chat/${first}`);
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'complete');
  // A mark React knows nothing about: it survives only if the list's element is the same one.
  await page.locator('#chat-sidebar').evaluate((sidebar) => sidebar.setAttribute('data-kept', 'yes'));
  await item(page, second).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/chat/${second}$`));
  await expect(lastAssistant(page)).toHaveAttribute('data-status', 'complete');
  await expect(page.locator('#chat-sidebar')).toHaveAttribute('data-kept', 'yes');
  await expect(item(page, second).getByRole('link')).toHaveAttribute('aria-current', 'page');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 800 } });

  test('closing the chat list drawer gives the focus back to the button that opened it', async ({ page }) => {
    await openNewChat(page);
    await send(page, 'Hello');
    await page.getByTestId('open-sidebar').click();
    const drawer = page.locator('#chat-sidebar');
    await expect(drawer.getByRole('button', { name: 'Close the chat list' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(page.getByTestId('open-sidebar')).toBeFocused();
  });
});
