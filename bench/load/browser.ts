// One simulated browser: its signed identity cookie, and the chat API calls a page makes.
import type { ChatDetail } from '../../lib/chat-types';

export class AppRequestError extends Error {
  override name = 'AppRequestError';
}

const OWNER_COOKIE = 'rc_owner';

export class Browser {
  private cookie = '';

  constructor(readonly baseUrl: string) {}

  /** The first response of a visit sets the anonymous identity; every later request carries it. */
  async visit(): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/chats`);
    await response.body?.cancel();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      if (pair?.startsWith(`${OWNER_COOKIE}=`)) this.cookie = pair;
    }
    if (!this.cookie) throw new AppRequestError(`no ${OWNER_COOKIE} cookie from GET /api/chats`);
  }

  /** `fetch` with this browser's cookie and a same-origin Origin, as a page's requests have. */
  readonly fetch: typeof fetch = (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', this.cookie);
    headers.set('origin', this.baseUrl);
    return fetch(input, { ...init, headers });
  };

  /** History and live cursor; undefined before the chat's first message (404). */
  async chat(id: string): Promise<ChatDetail | undefined> {
    const response = await this.fetch(`${this.baseUrl}/api/chats/${id}`);
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) throw new AppRequestError(`GET /api/chats/${id} answered ${response.status}`);
    return (await response.json()) as ChatDetail;
  }

  async send(id: string, message: string, turnId: string): Promise<void> {
    const response = await this.fetch(`${this.baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, message, turnId }),
    });
    const body = await response.text();
    if (response.status !== 202)
      throw new AppRequestError(`POST /api/chat answered ${response.status}: ${body}`);
  }

  streamUrl(id: string): string {
    return `${this.baseUrl}/api/chat/stream?id=${encodeURIComponent(id)}&live=1`;
  }
}

/** The text blocks of the stored reply for `turnId`, joined; undefined while it is not stored yet. */
export function storedReply(
  detail: ChatDetail | undefined,
  turnId: string,
): { text: string; status: string } | undefined {
  const message = detail?.messages.find((row) => row.role === 'assistant' && row.turnId === turnId);
  if (!message) return undefined;
  const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  return { text, status: message.status };
}
