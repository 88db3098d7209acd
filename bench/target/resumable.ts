// Baseline (b): our path, makeResumable (202) and replay (SSE) through lib/resumable on local/s2, session mode.
import type { ServerResponse } from 'node:http';
import { createResumableChat, type ResumableChat } from '../../lib/resumable';
import { type Batching, DEFAULT_BATCH_SIZE, DEFAULT_LINGER_MS } from '../harness/defaults';
import { sendJson, sendWebResponse } from './node-response';
import { PendingWork } from './pending';
import type { TurnSpec, Upstreams } from './upstream';

export function batchingFrom(params: URLSearchParams): Batching {
  const batchSize = Number(params.get('bs') ?? DEFAULT_BATCH_SIZE);
  const lingerDuration = Number(params.get('lg') ?? DEFAULT_LINGER_MS);
  return { batchSize, lingerDuration };
}

export class ResumableTarget {
  private readonly chats = new Map<string, ResumableChat>();
  readonly pending = new PendingWork();

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
      `chat-${spec.chat ?? spec.id}`,
      (signal) => this.upstreams.events(spec, signal),
      {
        delivery: 'replay',
        // As the app does for a chat's first turn (no chat row yet).
        newStream: spec.chat === undefined,
        waitUntil: (persisting) => this.pending.track(persisting),
        onStart: () => this.upstreams.stamps.mark(spec.id, 'claimed'),
      },
    );
    await sendWebResponse(res, response);
  }

  async stream(res: ServerResponse, params: URLSearchParams, signal: AbortSignal): Promise<void> {
    const id = params.get('id');
    if (!id) return sendJson(res, 400, { error: 'id is required' });
    const from = params.get('from');
    const response = await this.chat(batchingFrom(params)).replay(`chat-${id}`, {
      fromSeqNum: from === null ? undefined : Number(from),
      live: params.get('live') === '1',
      signal,
    });
    await sendWebResponse(res, response);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.chats.values()].map((chat) => chat.close()));
  }
}
