// Browser calls to the chat app's JSON routes, with failures as typed errors carrying a displayable message.
import type { ChatDetail, ChatSummary } from '../lib/chat-types';

/** The server answered with an error status; `message` is the server's sanitized message. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
  }
}

/** The request never got an answer (offline, server down, connection reset). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('Could not reach the server. Check your connection and try again.', { cause });
    this.name = 'NetworkError';
  }
}

const MAX_MESSAGE_LENGTH = 300;

export function streamUrl(chatId: string, from: number | undefined): string {
  const params = new URLSearchParams({ id: chatId, live: '1' });
  if (from !== undefined) params.set('from', String(from));
  return `/api/chat/stream?${params}`;
}

export async function postTurn(chatId: string, message: string, turnId: string): Promise<void> {
  await request('/api/chat', { method: 'POST', body: JSON.stringify({ id: chatId, message, turnId }) });
}

export async function stopTurn(chatId: string): Promise<void> {
  await request('/api/chat/stop', { method: 'POST', body: JSON.stringify({ id: chatId }) });
}

export async function fetchChat(chatId: string, signal?: AbortSignal): Promise<ChatDetail> {
  const response = await request(`/api/chats/${encodeURIComponent(chatId)}`, { signal });
  return (await response.json()) as ChatDetail;
}

export async function fetchChats(signal?: AbortSignal): Promise<ChatSummary[]> {
  const response = await request('/api/chats', { signal });
  const body = (await response.json()) as { chats: ChatSummary[] };
  return body.chats;
}

export async function deleteChat(chatId: string): Promise<void> {
  await request(`/api/chats/${encodeURIComponent(chatId)}`, { method: 'DELETE' });
}

async function request(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      credentials: 'same-origin',
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new NetworkError(error);
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

async function toApiError(response: Response): Promise<ApiError> {
  let type = 'http_error';
  let message = fallbackMessage(response.status);
  try {
    const body: unknown = await response.json();
    const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
    if (typeof error === 'object' && error !== null) {
      if ('type' in error && typeof error.type === 'string') type = error.type;
      if ('message' in error && typeof error.message === 'string' && error.message.trim() !== '') {
        message = error.message.trim().slice(0, MAX_MESSAGE_LENGTH);
      }
    }
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): the status alone has to speak.
  }
  return new ApiError(response.status, type, message);
}

/** What to tell the reader about a failed request with `status` when the server did not say. */
export function fallbackMessage(status: number): string {
  if (status === 404) return 'This chat could not be found.';
  if (status === 409) return 'A reply is already in progress.';
  if (status === 413) return 'That message is too long.';
  if (status === 429) return 'Too many requests. Wait a moment and try again.';
  if (status >= 500) return 'The server had a problem. Try again in a moment.';
  return `The request failed (${status}).`;
}
