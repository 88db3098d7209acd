// The orchestrator's view of the target process: start turns, open subscribers, read stamps and memory.
import type { Agent } from 'node:http';
import type { TurnSpec } from '../target/upstream';
import { benchAgent, openSse, requestJson, type SseConnection } from './sse-client';

export type Baseline = 'a' | 'b' | 'c';

export const BASELINE_LABEL = {
  a: '(a) direct proxy',
  b: '(b) lib/resumable on local S2',
  c: '(c) resumable-stream on Redis',
} as const satisfies Record<Baseline, string>;

export interface Batching {
  batchSize: number;
  lingerDuration: number;
}

export class TargetRequestError extends Error {
  override name = 'TargetRequestError';
}

export class TargetClient {
  readonly agent: Agent = benchAgent();

  constructor(readonly url: string) {}

  private batchingQuery(batching?: Batching): string {
    return batching ? `bs=${batching.batchSize}&lg=${batching.lingerDuration}` : '';
  }

  /** (a) and (c): the POST's own response is the turn's SSE. */
  postStreaming(baseline: 'a' | 'c', spec: TurnSpec): SseConnection {
    return openSse(`${this.url}/${baseline}/turn`, this.agent, { method: 'POST', body: spec });
  }

  /** (b): 202 once the turn is claimed; the events arrive through `subscribeB`. */
  async postResumable(spec: TurnSpec, batching?: Batching): Promise<void> {
    const { status, body } = await requestJson(
      `${this.url}/b/turn?${this.batchingQuery(batching)}`,
      this.agent,
      'POST',
      spec,
    );
    if (status !== 202) throw new TargetRequestError(`POST /b/turn answered ${status}: ${JSON.stringify(body)}`);
  }

  subscribeB(id: string, from: number | undefined, live: boolean, batching?: Batching): SseConnection {
    const params = new URLSearchParams({ id, ...(live ? { live: '1' } : {}) });
    if (from !== undefined) params.set('from', String(from));
    const query = this.batchingQuery(batching);
    return openSse(`${this.url}/b/stream?${params}${query ? `&${query}` : ''}`, this.agent);
  }

  resumeC(id: string, skipCharacters: number): SseConnection {
    return openSse(`${this.url}/c/stream?id=${encodeURIComponent(id)}&skip=${skipCharacters}`, this.agent);
  }

  /** When each event of the turn left the upstream SDK (wall clock, ms), in order. */
  async stamps(id: string): Promise<number[]> {
    const { body } = await requestJson(`${this.url}/_bench/stamps?id=${encodeURIComponent(id)}`, this.agent, 'GET');
    const stamps = (body as { stamps: number[] | null }).stamps;
    if (!stamps) throw new TargetRequestError(`no stamps for turn ${id}`);
    return stamps;
  }

  /** Forces two full collections in the target, so RSS reflects live objects. */
  async collectGarbage(): Promise<void> {
    await requestJson(`${this.url}/_bench/gc`, this.agent, 'POST');
  }

  async abortUpstreams(): Promise<number> {
    const { body } = await requestJson(`${this.url}/_bench/abort`, this.agent, 'POST');
    return (body as { aborted: number }).aborted;
  }

  /** Waits until every generation (b) and producer (c) in the target has finished. */
  async settled(): Promise<void> {
    await requestJson(`${this.url}/_bench/settled`, this.agent, 'GET');
  }

  close(): void {
    this.agent.destroy();
  }
}
