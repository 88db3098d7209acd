// Hostile input: every malformed request gets a 4xx JSON error and changes nothing; a seeded fuzz run finds no 5xx.
import { randomUUID } from 'node:crypto';
import { type Browser, type BrowserContext, expect, type TestInfo, test } from '@playwright/test';
import {
  type ChatSnapshot,
  expectChatUnchanged,
  ownerCookie,
  snapshotChat,
  startChat,
  waitForReply,
} from './api-support';
import { BAD_INPUT_CASES, ERROR_TYPE_FOR_STATUS } from './bad-input-cases';
import { fuzzRequests } from './fuzz-requests';
import { closeRawConnections, parseErrorBody, type RawResponse, sendRaw } from './raw-http';

const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_124);
const FUZZ_REQUESTS = 1_000;
const FUZZ_CONCURRENCY = 8;
const FUZZ_TEST_TIMEOUT_MS = 110_000;
const MAX_MESSAGE_BYTES = 32 * 1024;

function baseUrlOf(testInfo: TestInfo): string {
  const base = testInfo.project.use.baseURL;
  if (!base) throw new Error('playwright.config.ts sets no baseURL');
  return base;
}

interface OwnedChat {
  context: BrowserContext;
  cookie: string;
  chatId: string;
}

/** A fresh browser identity that owns one chat whose reply has finished. */
async function identityWithChat(browser: Browser, baseURL: string): Promise<OwnedChat> {
  const context = await browser.newContext({ baseURL });
  const chatId = await startChat(context.request, 'What makes a chat resumable?');
  await waitForReply(context.request, chatId);
  return { context, cookie: await ownerCookie(context), chatId };
}

test.describe('malformed requests', () => {
  let owned: OwnedChat;
  let before: ChatSnapshot;
  let baseURL: string;

  test.beforeAll(async ({ browser }, testInfo) => {
    baseURL = baseUrlOf(testInfo);
    owned = await identityWithChat(browser, baseURL);
    before = await snapshotChat(owned.context.request, owned.chatId);
  });

  test.afterAll(async () => {
    await owned?.context.close();
    closeRawConnections();
  });

  for (const row of BAD_INPUT_CASES) {
    test(`${row.route} with ${row.name} is refused with ${row.status} and changes nothing`, async () => {
      const request = row.request(owned.chatId);
      const response = await sendRaw(baseURL, {
        ...request,
        headers: { cookie: owned.cookie, ...request.headers },
      });
      expect(response.status, response.body.slice(0, 300)).toBe(row.status);
      expect(parseErrorBody(response)).toEqual({
        type: ERROR_TYPE_FOR_STATUS[row.status],
        message: expect.any(String),
      });
      if (row.status === 405) expect(response.headers.allow).toMatch(/^(GET|POST|GET, DELETE)$/);
      await expectChatUnchanged(owned.context.request, owned.chatId, before);
    });
  }
});

test('valid edge inputs are accepted and stored exactly: emoji, bidi text, a message of exactly 32 KB', async ({
  browser,
}, testInfo) => {
  test.setTimeout(90_000);
  const baseURL = baseUrlOf(testInfo);
  const context = await browser.newContext({ baseURL });
  await context.request.get('/api/chats');
  const cookie = await ownerCookie(context);
  const messages: {
    label: string;
    message: string;
    chatId: string;
    contentType?: string;
    chunked?: boolean;
  }[] = [
    { label: 'emoji and ZWJ sequences', message: 'Hello 👋🏽 family 👨‍👩‍👧‍👦 flag 🇸🇪', chatId: randomUUID() },
    {
      label: 'bidi and zero-width text',
      message: 'שלום \u200f مرحبا \u200b end\u200d',
      chatId: randomUUID(),
    },
    { label: 'tabs and line breaks', message: 'line one\n\tline two\r\nthree', chatId: randomUUID() },
    { label: 'exactly 32 KB of ASCII', message: 'x'.repeat(MAX_MESSAGE_BYTES), chatId: randomUUID() },
    { label: 'exactly 32 KB of emoji', message: '😀'.repeat(MAX_MESSAGE_BYTES / 4), chatId: randomUUID() },
    { label: 'a 64-character id', message: 'longest id', chatId: `${'a-_'.repeat(21)}z` },
    {
      label: 'a charset parameter',
      message: 'charset given',
      chatId: randomUUID(),
      contentType: 'application/json; charset=UTF-8',
    },
    { label: 'a chunked body', message: 'sent in chunks', chatId: randomUUID(), chunked: true },
  ];
  expect(Buffer.byteLength(messages[3]?.message ?? '')).toBe(MAX_MESSAGE_BYTES);
  expect(Buffer.byteLength(messages[4]?.message ?? '')).toBe(MAX_MESSAGE_BYTES);
  expect(messages[5]?.chatId).toHaveLength(64);

  const answers: RawResponse[] = await Promise.all(
    messages.map(({ message, chatId, contentType, chunked }) =>
      sendRaw(baseURL, {
        method: 'POST',
        path: '/api/chat',
        headers: { cookie, 'content-type': contentType ?? 'application/json' },
        body: JSON.stringify({ id: chatId, message, turnId: `turn-${chatId.slice(0, 8)}` }),
        chunked,
      }),
    ),
  );
  for (const [index, answer] of answers.entries())
    expect(answer.status, `${messages[index]?.label}: ${answer.body.slice(0, 200)}`).toBe(202);

  for (const { label, message, chatId } of messages) {
    const detail = await waitForReply(context.request, chatId);
    const stored = detail.messages.find((row) => row.role === 'user')?.content[0];
    expect(stored?.type === 'text' ? stored.text : undefined, label).toBe(message);
  }
  await context.close();
  closeRawConnections();
});

test(`a seeded fuzz run of ${FUZZ_REQUESTS} random and mutated requests gets no 5xx and only JSON errors`, async ({
  browser,
}, testInfo) => {
  test.setTimeout(FUZZ_TEST_TIMEOUT_MS);
  const baseURL = baseUrlOf(testInfo);
  const owned = await identityWithChat(browser, baseURL);
  const second = await startChat(owned.context.request, '/demo thinking');
  await waitForReply(owned.context.request, second);
  const requests = fuzzRequests(FUZZ_SEED, FUZZ_REQUESTS, {
    chatIds: [owned.chatId, second],
    cookie: owned.cookie,
    origin: new URL(baseURL).origin,
  });

  const statuses = new Map<number, number>();
  const problems: string[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < requests.length) {
      const index = next++;
      const { request, mutations } = requests[index] as (typeof requests)[number];
      const where = `#${index} ${request.method} ${request.path.slice(0, 120)} [${mutations.join('; ')}]`;
      try {
        const response = await sendRaw(baseURL, request, 15_000);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500)
          problems.push(`${where} → ${response.status} ${response.body.slice(0, 120)}`);
        else if (response.status >= 300 && request.method !== 'HEAD') {
          const body = parseErrorBody(response);
          if (typeof body === 'string') problems.push(`${where} → ${response.status}: ${body}`);
        }
      } catch (error) {
        problems.push(`${where} → ${(error as Error).message}`);
      }
    }
  }
  const started = Date.now();
  await Promise.all(Array.from({ length: FUZZ_CONCURRENCY }, worker));
  const summary = {
    seed: FUZZ_SEED,
    sent: next,
    elapsedMs: Date.now() - started,
    statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
  };
  await testInfo.attach('fuzz summary', {
    body: JSON.stringify(summary, null, 2),
    contentType: 'application/json',
  });

  expect(problems).toEqual([]);
  const answered = [...statuses.values()].reduce((sum, count) => sum + count, 0);
  expect(answered, `all ${FUZZ_REQUESTS} requests were answered`).toBe(FUZZ_REQUESTS);
  await owned.context.close();
  closeRawConnections();
});
