// End-to-end markdown rendering: a reply's code is highlighted by a highlighter fetched only once code appears.
import { expect, type Page, test } from '@playwright/test';
import { lastAssistant, openNewChat, send, waitForReplyEnd } from './support';

/** The scripts the page has fetched so far that hold highlight.js (its CSS class prefix), by URL. */
function watchHighlighterScripts(page: Page): () => Promise<string[]> {
  const reads: Promise<string | undefined>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    reads.push(response.text().then((body) => (body.includes('hljs-') ? response.url() : undefined)));
  });
  return async () => (await Promise.all(reads)).filter((url) => url !== undefined);
}

const codeBlock = (page: Page) => lastAssistant(page).locator('pre code');
const highlightedTokens = (page: Page) => codeBlock(page).locator('span[class^="hljs-"]');

test("a reply's code block is highlighted, with a highlighter the page loads only once code appears", async ({
  page,
}) => {
  const highlighterScripts = watchHighlighterScripts(page);
  await openNewChat(page);
  await page.waitForLoadState('networkidle');
  expect(await highlighterScripts()).toEqual([]);

  await send(page, 'Show me a sketch of a checklist');
  await waitForReplyEnd(page, 'complete');
  await expect(codeBlock(page)).toHaveClass(/language-ts/);
  await expect(highlightedTokens(page).first()).toBeVisible();
  await expect(codeBlock(page).locator('.hljs-keyword', { hasText: 'function' })).toHaveCount(1);
  await expect(codeBlock(page)).toContainText('function checklist(subject: string): string[] {');
  expect(await highlighterScripts()).toHaveLength(1);

  // History renders the same code plain on the server, and highlighted once the highlighter has loaded.
  await page.reload();
  await expect(codeBlock(page)).toContainText('function checklist(subject: string): string[] {');
  await expect(highlightedTokens(page).first()).toBeVisible();
});
