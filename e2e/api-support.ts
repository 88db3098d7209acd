// API-level steps for the security specs: start a chat, wait for its reply, prove that nothing about it changed.
import { randomUUID } from 'node:crypto';
import { type APIRequestContext, type BrowserContext, expect } from '@playwright/test';
import type { ChatDetail } from '../lib/chat-types';

/** Sends the first message of a new chat (or a next one of `chatId`) and expects it to be accepted. */
export async function startChat(
  request: APIRequestContext,
  message: string,
  chatId: string = randomUUID(),
): Promise<string> {
  const response = await request.post('/api/chat', { data: { id: chatId, message } });
  expect(response.status(), await response.text()).toBe(202);
  return chatId;
}

/** Polls the chat's history until every user message has its stored reply, and returns it. */
export async function waitForReply(
  request: APIRequestContext,
  chatId: string,
  timeout = 30_000,
): Promise<ChatDetail> {
  let detail: ChatDetail | undefined;
  await expect
    .poll(
      async () => {
        const response = await request.get(`/api/chats/${chatId}`);
        if (response.status() !== 200) return `status ${response.status()}`;
        detail = (await response.json()) as ChatDetail;
        const count = (role: string) => detail?.messages.filter((message) => message.role === role).length;
        return count('user') === count('assistant') && count('user') !== 0 ? 'replied' : 'waiting';
      },
      { timeout, intervals: [100, 200, 250] },
    )
    .toBe('replied');
  return detail as ChatDetail;
}

export interface ChatSnapshot {
  chats: unknown;
  detail: ChatDetail;
}

/** The identity's chat list and one chat's stored detail, as the API answers them now. */
export async function snapshotChat(request: APIRequestContext, chatId: string): Promise<ChatSnapshot> {
  const list = await request.get('/api/chats');
  const detail = await request.get(`/api/chats/${chatId}`);
  expect(list.status()).toBe(200);
  expect(detail.status()).toBe(200);
  return { chats: await list.json(), detail: (await detail.json()) as ChatDetail };
}

/**
 * Nothing was written: the chat list and the chat's history are identical, and its stream has no new
 * events (a replay from the cursor has nothing to send; one past it is past the tail).
 */
export async function expectChatUnchanged(
  request: APIRequestContext,
  chatId: string,
  before: ChatSnapshot,
): Promise<void> {
  expect(await snapshotChat(request, chatId)).toEqual(before);
  const { cursor } = before.detail;
  expect((await request.get(`/api/chat/stream?id=${chatId}&from=${cursor}`)).status()).toBe(204);
  expect((await request.get(`/api/chat/stream?id=${chatId}&from=${cursor + 1}`)).status()).toBe(416);
}

/** The `rc_owner=<value>` pair of a browser context's identity (it exists after its first request). */
export async function ownerCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((candidate) => candidate.name === 'rc_owner');
  expect(cookie, 'the browser has an identity cookie').toBeDefined();
  return `rc_owner=${cookie?.value}`;
}
