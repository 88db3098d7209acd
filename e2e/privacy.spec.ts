// Private chats: a chat exists only for the browser that made it; identity cookies, Origin checks, rate limits.
import { randomUUID } from 'node:crypto';
import { type APIResponse, expect, test } from '@playwright/test';
import { expectChatUnchanged, ownerCookie, snapshotChat, startChat, waitForReply } from './api-support';
import { expectedReplyText } from './support';

const RATE_LIMIT = Number(process.env.RATE_LIMIT_PER_MINUTE ?? 20);

async function expectApiError(response: APIResponse, status: number, type: string): Promise<void> {
  expect(response.status(), `${response.url()}: ${await response.text()}`).toBe(status);
  expect(await response.json()).toEqual({ error: { type, message: expect.any(String) } });
}

/** The `rc_owner` value a response set, if it set one. */
function ownerSetBy(response: APIResponse): string | undefined {
  const header = response
    .headersArray()
    .find(({ name, value }) => name.toLowerCase() === 'set-cookie' && value.startsWith('rc_owner='));
  return header?.value.split(';')[0]?.slice('rc_owner='.length);
}

test('another browser gets 404 from every route of a chat that is not its own, even mid-reply, and the chat stays intact', async ({
  browser,
  baseURL,
}) => {
  const alice = await browser.newContext({ baseURL });
  const bob = await browser.newContext({ baseURL });
  const chatId = await startChat(alice.request, '/demo slow');

  const attempts: [string, () => Promise<APIResponse>][] = [
    ['history', () => bob.request.get(`/api/chats/${chatId}`)],
    ['replay', () => bob.request.get(`/api/chat/stream?id=${chatId}&from=0`)],
    ['live replay', () => bob.request.get(`/api/chat/stream?id=${chatId}&live=1`)],
    ['a new turn', () => bob.request.post('/api/chat', { data: { id: chatId, message: 'let me in' } })],
    ['stop', () => bob.request.post('/api/chat/stop', { data: { id: chatId } })],
    ['delete', () => bob.request.delete(`/api/chats/${chatId}`)],
  ];
  for (const [what, attempt] of attempts) {
    await test.step(`Bob's ${what} is 404`, async () =>
      expectApiError(await attempt(), 404, 'not_found_error'));
  }
  // Bob tried while Alice's reply was still streaming: it must not have been stopped, joined or deleted.
  const during = await snapshotChat(alice.request, chatId);
  expect(during.detail.messages.map((message) => message.role)).toEqual(['user']);

  const bobsPage = await bob.newPage();
  const notFound = await bobsPage.goto(`/chat/${chatId}`);
  expect(notFound?.status()).toBe(404);
  await expect(bobsPage.getByText(/could not be found/i)).toBeVisible();
  await expect(bobsPage.getByTestId('composer')).toHaveCount(0);
  expect(await bobsPage.content()).not.toContain('/demo slow');
  expect((await (await bob.request.get('/api/chats')).json()).chats).toEqual([]);

  const detail = await waitForReply(alice.request, chatId);
  expect(detail.messages.map((message) => [message.role, message.status])).toEqual([
    ['user', 'complete'],
    ['assistant', 'complete'],
  ]);
  const reply = detail.messages[1]?.content
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('');
  expect(reply).toBe(expectedReplyText('/demo slow'));
  const alicesPage = await alice.newPage();
  expect((await alicesPage.goto(`/chat/${chatId}`))?.status()).toBe(200);
  await expect(alicesPage.getByTestId('message-user')).toHaveText('/demo slow');
  await expectApiError(await bob.request.get(`/api/chats/${chatId}`), 404, 'not_found_error');
  await Promise.all([alice.close(), bob.close()]);
});

test("a browser's first visit straight to another browser's chat is a 404 page", async ({
  browser,
  baseURL,
}) => {
  const alice = await browser.newContext({ baseURL });
  const chatId = await startChat(alice.request, 'A private question');
  await waitForReply(alice.request, chatId);

  const stranger = await browser.newContext({ baseURL });
  const page = await stranger.newPage();
  expect((await page.goto(`/chat/${chatId}`))?.status()).toBe(404);
  expect(await page.content()).not.toContain('A private question');
  // The 404 visit still gave the stranger an identity of its own, and that identity owns nothing.
  expect(await ownerCookie(stranger)).not.toBe(await ownerCookie(alice));
  expect((await (await stranger.request.get('/api/chats')).json()).chats).toEqual([]);
  await Promise.all([alice.close(), stranger.close()]);
});

test('the identity cookie is HttpOnly, SameSite=Lax and Path=/, and a tampered one gets a fresh identity with no access', async ({
  page,
  context,
  playwright,
  baseURL,
}) => {
  const first = await page.request.get('/api/chats');
  const setCookie = first.headersArray().find(({ name }) => name.toLowerCase() === 'set-cookie')?.value ?? '';
  expect(setCookie).toMatch(/^rc_owner=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43};/);
  expect(setCookie).toMatch(/;\s*HttpOnly(;|$)/i);
  expect(setCookie).toMatch(/;\s*SameSite=Lax(;|$)/i);
  expect(setCookie).toMatch(/;\s*Path=\/(;|$)/);
  const [stored] = (await context.cookies()).filter((cookie) => cookie.name === 'rc_owner');
  expect(stored).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

  const chatId = await startChat(page.request, 'Whose chat is this?');
  await waitForReply(page.request, chatId);
  await page.goto(`/chat/${chatId}`);
  await expect(page.getByTestId('message-user')).toHaveText('Whose chat is this?');
  expect(await page.evaluate(() => document.cookie)).not.toContain('rc_owner');

  const value = stored?.value ?? '';
  const [ownerId = '', signature = ''] = value.split('.');
  const anonymous = await playwright.request.newContext({ baseURL });
  const someoneElse = ownerSetBy(await anonymous.get('/api/chats')) ?? '';
  const tampered: [string, string][] = [
    [
      'a flipped signature character',
      `${ownerId}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
    ],
    ["another identity's signature", `${ownerId}.${someoneElse.split('.')[1]}`],
    ['this signature on another owner id', `${someoneElse.split('.')[0]}.${signature}`],
    ['no signature', ownerId],
    ['an extra character', `${value}A`],
    ['an empty value', ''],
  ];
  for (const [how, forged] of tampered) {
    await test.step(`a cookie with ${how} owns nothing`, async () => {
      const headers = { cookie: `rc_owner=${forged}` };
      const denied = await anonymous.get(`/api/chats/${chatId}`, { headers });
      await expectApiError(denied, 404, 'not_found_error');
      const fresh = ownerSetBy(denied);
      expect(fresh, 'a fresh identity is issued').toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expect([value, forged, someoneElse]).not.toContain(fresh);
      expect((await (await anonymous.get('/api/chats', { headers })).json()).chats).toEqual([]);
      await expectApiError(
        await anonymous.delete(`/api/chats/${chatId}`, { headers }),
        404,
        'not_found_error',
      );
    });
  }
  expect((await page.request.get(`/api/chats/${chatId}`)).status(), 'the owner still has the chat').toBe(200);
  await anonymous.dispose();
});

test('cross-site writes are refused with 403 JSON and write nothing, while same-origin writes work', async ({
  page,
  baseURL,
}) => {
  const chatId = await startChat(page.request, 'Hello from the real site');
  await waitForReply(page.request, chatId);
  const before = await snapshotChat(page.request, chatId);
  const fresh = randomUUID();

  for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example']) {
    const headers = { origin };
    const writes: [string, () => Promise<APIResponse>][] = [
      ['a new chat', () => page.request.post('/api/chat', { headers, data: { id: fresh, message: 'csrf' } })],
      ['a turn', () => page.request.post('/api/chat', { headers, data: { id: chatId, message: 'csrf' } })],
      ['a stop', () => page.request.post('/api/chat/stop', { headers, data: { id: chatId } })],
      ['a delete', () => page.request.delete(`/api/chats/${chatId}`, { headers })],
    ];
    for (const [what, write] of writes) {
      await test.step(`${what} from Origin ${origin} is 403`, async () =>
        expectApiError(await write(), 403, 'forbidden_error'));
    }
  }
  await expectChatUnchanged(page.request, chatId, before);
  await expectApiError(await page.request.get(`/api/chats/${fresh}`), 404, 'not_found_error');

  const sameOrigin = await page.request.delete(`/api/chats/${chatId}`, {
    headers: { origin: baseURL ?? '' },
  });
  expect(sameOrigin.status()).toBe(204);
  await expectApiError(await page.request.get(`/api/chats/${chatId}`), 404, 'not_found_error');
});

test('behind a reverse proxy that names the public host in X-Forwarded-Host, writes from that origin work', async ({
  page,
}) => {
  // nginx's default proxy_pass sends its upstream as Host; the browser's Origin is the public site.
  const proxied = { origin: 'https://chat.example.com', 'x-forwarded-host': 'chat.example.com' };
  const chatId = randomUUID();
  const started = await page.request.post('/api/chat', {
    headers: proxied,
    data: { id: chatId, message: 'hi' },
  });
  expect(started.status(), await started.text()).toBe(202);
  await waitForReply(page.request, chatId);
  // Another site is still refused, whatever the proxy says.
  const forged = { ...proxied, origin: 'https://evil.example' };
  await expectApiError(
    await page.request.delete(`/api/chats/${chatId}`, { headers: forged }),
    403,
    'forbidden_error',
  );
  expect((await page.request.delete(`/api/chats/${chatId}`, { headers: proxied })).status()).toBe(204);
});

test('pages and API responses forbid framing, sniffing and cross-site referrers', async ({ page }) => {
  for (const path of ['/', '/api/chats']) {
    const response = await page.request.get(path);
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers['content-security-policy']).toBe("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('same-origin');
  }
});

test(`more than ${RATE_LIMIT} new turns a minute from one browser get 429 JSON with Retry-After, and other browsers are unaffected`, async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  // One identity first: parallel first requests without a cookie would each be issued an identity of their own.
  await page.request.get('/api/chats');
  const ids = Array.from({ length: RATE_LIMIT }, () => randomUUID());
  const accepted = await Promise.all(
    ids.map((id) => page.request.post('/api/chat', { data: { id, message: '/demo error' } })),
  );
  expect(accepted.map((response) => response.status())).toEqual(ids.map(() => 202));

  const over = randomUUID();
  const refused = await page.request.post('/api/chat', { data: { id: over, message: '/demo error' } });
  await expectApiError(refused, 429, 'rate_limit_error');
  const retryAfter = Number(refused.headers()['retry-after']);
  expect(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
    `Retry-After ${retryAfter}`,
  ).toBe(true);
  await expectApiError(await page.request.get(`/api/chats/${over}`), 404, 'not_found_error');
  const listed = (await (await page.request.get('/api/chats')).json()).chats as { id: string }[];
  expect(listed.map((chat) => chat.id).sort()).toEqual([...ids].sort());

  const other = await browser.newContext({ baseURL });
  const otherChat = await startChat(other.request, '/demo error');
  // Let every turn end, so the server is quiet for the next test; each ends with the scripted error.
  for (const id of ids) {
    const detail = await waitForReply(page.request, id, 60_000);
    expect(detail.messages.at(-1)?.status).toBe('error');
  }
  await waitForReply(other.request, otherChat);
  await other.close();
});

test('stream names are derived on the server: no route takes one, and the client bundle never builds one', async ({
  page,
}) => {
  const chatId = await startChat(page.request, 'Where is my stream?');
  await waitForReply(page.request, chatId);
  const before = await snapshotChat(page.request, chatId);

  const refused: [string, () => Promise<APIResponse>][] = [
    ['replay with ?stream=', () => page.request.get(`/api/chat/stream?id=${chatId}&stream=chat-other`)],
    ['replay with only ?stream=', () => page.request.get(`/api/chat/stream?stream=chat-${chatId}`)],
    ['replay with ?streamName=', () => page.request.get(`/api/chat/stream?id=${chatId}&streamName=chat-x`)],
    [
      'a turn with a stream field',
      () =>
        page.request.post('/api/chat', {
          data: { id: randomUUID(), message: 'hi', stream: `chat-${chatId}` },
        }),
    ],
    [
      'a stop with a stream field',
      () => page.request.post('/api/chat/stop', { data: { id: chatId, stream: 'chat-x' } }),
    ],
  ];
  for (const [what, request] of refused) {
    await test.step(`${what} is 400`, async () =>
      expectApiError(await request(), 400, 'invalid_request_error'));
  }
  // A query parameter on the history route names nothing: the answer is this chat's history, unchanged.
  const withQuery = await page.request.get(`/api/chats/${chatId}?stream=chat-someone-else`);
  expect(await withQuery.json()).toEqual(before.detail);
  // An id that spells this chat's stream name is just some other chat, which does not exist.
  await expectApiError(await page.request.get(`/api/chat/stream?id=chat-${chatId}`), 404, 'not_found_error');
  await expectChatUnchanged(page.request, chatId, before);

  const scripts = new Set<string>();
  page.on('response', (response) => {
    if (/\/_next\/static\/.+\.js(\?|$)/.test(response.url())) scripts.add(response.url());
  });
  await page.goto(`/chat/${chatId}`);
  await expect(page.getByTestId('composer')).toBeEditable();
  const code = (
    await Promise.all([...scripts].map(async (url) => (await page.request.get(url)).text()))
  ).join('\n');
  expect(scripts.size).toBeGreaterThan(0);
  expect(code, 'the search sees the client code that calls the API').toContain('/api/chat/stream');
  expect(code).not.toMatch(/["'`]chat-["'`]\s*(\+|\.concat\()|`chat-\$\{/);
});
