// Baseline (b): our path, makeResumable (202) and replay (SSE) through lib/resumable on local/s2, session mode.
import type { ServerResponse } from 'node:http';
import { createResumableChat, type ResumableChat } from '../../lib/resumable/server';
import { clientGone, sendJson, sendWebResponse } from './node-response';
import type { TurnSpec, Upstreams } from './upstream';

/** Writer batching of one chat instance; the defaults are the library's (and the app's). */
export interface Batching {
  batchSize: number;
  lingerDuration: number;
}

export const DEFAULT_BATCHING = { batchSize: 10, lingerDuration: 50 } as const satisfies Batching;

export function batchingFrom(params: URLSearchParams): Batching {
  const batchSize = Number(params.get('bs') ?? DEFAULT_BATCHING.batchSize);
  const lingerDuration = Number(params.get('lg') ?? DEFAULT_BATCHING.lingerDuration);
  return { batchSize, lingerDuration };
}

export class ResumableTarget {
  private readonly chats = new Map<string, ResumableChat>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly s2Url: string,
    private readonly basin: string,
    private readonly upstreams: Upstreams,
  ) {}

  private chat({ batchSize, lingerDuration }: Batching): ResumableChat {
    const key = `${batchSize}/${lingerDuration}`;
    let chat = this.chats.get(key);
    if (!chat) {
      chat = createResumableChat({
        accessToken: 'local',
        basin: this.basin,
        endpoints: { account: this.s2Url, basin: this.s2Url },
        mode: 'session',
        batchSize,
        lingerDuration,
      });
      this.chats.set(key, chat);
    }
    return chat;
  }

  async turn(res: ServerResponse, spec: TurnSpec, batching: Batching): Promise<void> {
    const response = await this.chat(batching).makeResumable(
      `chat-${spec.id}`,
      (signal) => this.upstreams.events(spec, signal),
      {
        delivery: 'replay',
        waitUntil: (persisting) => {
          this.pending.add(persisting);
          void persisting.finally(() => this.pending.delete(persisting));
        },
      },
    );
    await sendWebResponse(res, response);
  }

  async stream(res: ServerResponse, params: URLSearchParams): Promise<void> {
    const id = params.get('id');
    if (!id) return sendJson(res, 400, { error: 'id is required' });
    const from = params.get('from');
    const response = await this.chat(batchingFrom(params)).replay(`chat-${id}`, {
      fromSeqNum: from === null ? undefined : Number(from),
      live: params.get('live') === '1',
      signal: clientGone(res),
    });
    await sendWebResponse(res, response);
  }

  /** Resolves once every generation started here has finished persisting. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.chats.values()].map((chat) => chat.close()));
  }
}
