// Baseline (a): the Anthropic SDK stream piped straight to SSE, nothing persisted. The upper limit.
import type { ServerResponse } from 'node:http';
import { drained } from '../../local/s2/http/http-io';
import { SSE_HEADERS } from './node-response';
import { frameOf, type TurnSpec, type Upstreams } from './upstream';

/** Without persistence a client that leaves takes the reply with it: `signal` aborts the upstream. */
export async function directTurn(
  res: ServerResponse,
  upstreams: Upstreams,
  spec: TurnSpec,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  let index = 0;
  try {
    for await (const event of upstreams.events(spec, signal)) {
      if (!res.write(frameOf(event, index++))) await drained(res);
      if (res.destroyed) break;
    }
  } catch {
    // Upstream failure or abort: the reply is simply cut short.
  } finally {
    res.end();
  }
}
