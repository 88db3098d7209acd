// Baseline (c): Vercel's resumable-stream on a local Redis, as its README wires it (POST creates, GET resumes).
import type { ServerResponse } from 'node:http';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { createResumableStreamContext, type ResumableStreamContext } from 'resumable-stream';
import { SSE_HEADERS, sendJson, sendWebResponse } from './node-response';
import { PendingWork } from './pending';
import { frameOf, type TurnSpec, type Upstreams } from './upstream';

const UPSTREAM_FAILED = `event: error\ndata: ${JSON.stringify({
  type: 'error',
  error: { type: 'api_error', message: 'An error occurred.' },
})}\n\n`;

/**
 * The library reads its source without handling a rejected read, so the source must never error: an
 * upstream failure becomes an error frame and a clean end.
 */
function frameStream(events: AsyncGenerator<RawMessageStreamEvent>): ReadableStream<string> {
  let index = 0;
  return new ReadableStream<string>({
    async pull(controller) {
      try {
        const step = await events.next();
        if (step.done) controller.close();
        else controller.enqueue(frameOf(step.value, index++));
      } catch {
        controller.enqueue(UPSTREAM_FAILED);
        controller.close();
      }
    },
    async cancel() {
      await events.return(undefined);
    },
  });
}

/**
 * Its README's route handlers return `new Response(stream, …)`, with the library's string chunks as the
 * body; Next writes that body out as this server does, the same path (b)'s Response takes.
 */
function sendResumableStream(res: ServerResponse, stream: ReadableStream<string>): Promise<void> {
  return sendWebResponse(res, new Response(stream, { headers: SSE_HEADERS }));
}

export class VercelTarget {
  private readonly context: ResumableStreamContext;
  readonly pending = new PendingWork();

  /** Its default Redis clients connect to REDIS_URL. */
  constructor(
    redisUrl: string,
    private readonly upstreams: Upstreams,
  ) {
    process.env.REDIS_URL = redisUrl;
    this.context = createResumableStreamContext({
      waitUntil: (promise) => this.pending.track(promise),
    });
  }

  async turn(res: ServerResponse, spec: TurnSpec): Promise<void> {
    // The producer runs to the end even if this client leaves; that is what makes it resumable.
    const stream = await this.context.createNewResumableStream(spec.id, () =>
      frameStream(this.upstreams.events(spec)),
    );
    if (!stream) return sendJson(res, 409, { error: 'stream already done' });
    await sendResumableStream(res, stream);
  }

  async stream(res: ServerResponse, params: URLSearchParams): Promise<void> {
    const id = params.get('id');
    if (!id) return sendJson(res, 400, { error: 'id is required' });
    let stream: ReadableStream<string> | null | undefined;
    try {
      stream = await this.context.resumeExistingStream(id, Number(params.get('skip') ?? 0));
    } catch (error) {
      return sendJson(res, 503, { error: String(error) });
    }
    // A finished stream cannot be resumed: its chunks lived only in the producer's memory.
    if (stream === null) return sendJson(res, 410, { error: 'stream is done' });
    if (stream === undefined) return sendJson(res, 404, { error: 'no such stream' });
    await sendResumableStream(res, stream);
  }
}
