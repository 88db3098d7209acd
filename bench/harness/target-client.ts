// The orchestrator's view of the target process: start turns, open subscribers, read stamps and memory.
import type { Agent } from 'node:http';
import type { TurnMark, TurnSpec } from '../target/upstream';
import type { Batching } from './defaults';
import { benchAgent, openSse, requestJson, type SseConnection } from './sse-client';

export type Baseline = 'a' | 'b' | 'c';

export const BASELINE_LABEL = {
  a: '(a) direct proxy',
  b: '(b) lib/resumable on local S2',
  c: '(c) resumable-stream on Redis',
} as const satisfies Record<Baseline, string>;

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
    if (status !== 202)
      throw new TargetRequestError(`POST /b/turn answered ${status}: ${JSON.stringify(body)}`);
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
    return (await this.turnRecord(id)).stamps;
  }

  /** The turn's stamps and its start-up marks (received, claimed, upstream). */
  async turnRecord(id: string): Promise<{ stamps: number[]; marks: Partial<Record<TurnMark, number>> }> {
    const { status, body } = await requestJson(
      `${this.url}/_bench/stamps?id=${encodeURIComponent(id)}`,
      this.agent,
      'GET',
    );
    const record =
      status === 200
        ? (body as { stamps: number[] | null; marks?: Partial<Record<TurnMark, number>> })
        : null;
    if (!record?.stamps) throw new TargetRequestError(`no stamps for turn ${id}`);
    return { stamps: record.stamps, marks: record.marks ?? {} };
  }

  /** Forces two full collections in the target; returns its live heap (JS heap + external) in bytes. */
  async collectGarbage(): Promise<number> {
    const { body } = await requestJson(`${this.url}/_bench/gc`, this.agent, 'POST');
    const usage = body as { heapUsed: number; external: number };
    return usage.heapUsed + usage.external;
  }

  /** CPU time (user + system) the target process has used so far, in microseconds. */
  async cpuMicros(): Promise<number> {
    const { status, body } = await requestJson(`${this.url}/_bench/cpu`, this.agent, 'GET');
    if (status !== 200) throw new TargetRequestError(`GET /_bench/cpu answered ${status}`);
    return (body as { micros: number }).micros;
  }

  async abortUpstreams(): Promise<number> {
    const { body } = await requestJson(`${this.url}/_bench/abort`, this.agent, 'POST');
    return (body as { aborted: number }).aborted;
  }

  /**
   * Waits (at most `timeoutMs`) until every generation (b) and producer (c) in the target has finished.
   * Returns, per baseline, how many never did in this run so far: each one is a promise given to
   * `waitUntil` that never settles.
   */
  async settled(timeoutMs = 5_000): Promise<{ b: number; c: number }> {
    const { status, body } = await requestJson(
      `${this.url}/_bench/settled?timeoutMs=${timeoutMs}`,
      this.agent,
      'GET',
    );
    if (status !== 200) throw new TargetRequestError(`GET /_bench/settled answered ${status}`);
    return (body as { stuckTotal: { b: number; c: number } }).stuckTotal;
  }

  close(): void {
    this.agent.destroy();
  }
}
