// Group commit across writers: appends submitted in the same event-loop turn share one transaction (one fsync).

import type { AppendRequest } from './append-job';
import { type AppendInput, type AppendOutcome, type AutoCreateOptions, S2ApiError } from './types';

export interface QueuedAppend {
  basin: string;
  stream: string;
  options?: AutoCreateOptions;
  /**
   * Called once, when the group commits: every input the writer holds by then, in order. A session hands
   * over what arrived after it queued, so pipelined inputs join the group instead of waiting for the next.
   */
  take(): readonly AppendInput[];
}

interface Waiter {
  request: QueuedAppend;
  resolve(outcomes: AppendOutcome[]): void;
  reject(error: unknown): void;
}

export type GroupCommit = (requests: readonly AppendRequest[]) => AppendOutcome[][];

export class CommitQueue {
  private waiting: Waiter[] = [];
  private scheduled = false;

  constructor(private readonly commitGroup: GroupCommit) {}

  /** Resolves with the request's outcomes once its group has committed (never before). */
  enqueue(request: QueuedAppend): Promise<AppendOutcome[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // setImmediate runs after the I/O poll phase, so every append whose bytes arrived in this turn of
      // the event loop joins the group; a microtask would commit after the first one alone.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    const requests = batch.map(
      ({ request }): AppendRequest => ({
        basin: request.basin,
        stream: request.stream,
        options: request.options ?? {},
        inputs: request.take(),
      }),
    );
    let results: AppendOutcome[][];
    try {
      results = this.commitGroup(requests);
    } catch (error) {
      // The engine closed (503) or a bug: nothing of this group was written.
      for (const [i, waiter] of batch.entries()) {
        if (!(error instanceof S2ApiError)) waiter.reject(error);
        else waiter.resolve((requests[i]?.inputs.length ?? 0) > 0 ? [{ ok: false, error }] : []);
      }
      return;
    }
    for (const [i, waiter] of batch.entries()) waiter.resolve(results[i] ?? []);
  }
}
