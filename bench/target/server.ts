// The benchmark's system under test: one process serving baselines (a), (b) and (c) side by side, plus controls.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { directTurn } from './direct';
import { clientGone, readJsonBody, sendJson } from './node-response';
import { batchingFrom, ResumableTarget } from './resumable';
import { parseTurnSpec, type TurnSpec, Upstreams } from './upstream';
import { VercelTarget } from './vercel';

/** Passed by the orchestrator as JSON in BENCH_TARGET. */
export interface TargetConfig {
  s2Url: string;
  basin: string;
  fastUrl: string;
  pacedUrl: string;
  redisUrl?: string;
}

const config = JSON.parse(process.env.BENCH_TARGET ?? '{}') as TargetConfig;
const upstreams = new Upstreams({ fast: config.fastUrl, paced: config.pacedUrl });
const resumable = new ResumableTarget(config.s2Url, config.basin, upstreams);
const vercel = config.redisUrl ? new VercelTarget(config.redisUrl, upstreams) : undefined;

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  gc();
}

/** Parses a turn request and marks its arrival (after the body, as a route handler sees it). */
function received(body: unknown): TurnSpec {
  const spec = parseTurnSpec(body);
  upstreams.stamps.mark(spec.id, 'received');
  return spec;
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const key = `${req.method} ${url.pathname}`;
  // Every request gets a signal for its client leaving, as every Next route handler's `request.signal`
  // exists whether the route reads it or not: each baseline's memory per connection includes one.
  const signal = clientGone(res);
  switch (key) {
    case 'POST /a/turn':
      return directTurn(res, upstreams, received(await readJsonBody(req)), signal);
    case 'POST /b/turn':
      return resumable.turn(res, received(await readJsonBody(req)), batchingFrom(url.searchParams));
    case 'GET /b/stream':
      return resumable.stream(res, url.searchParams, signal);
    case 'POST /c/turn':
      if (!vercel) return sendJson(res, 503, { error: 'no redis' });
      return vercel.turn(res, received(await readJsonBody(req)));
    case 'GET /c/stream':
      if (!vercel) return sendJson(res, 503, { error: 'no redis' });
      return vercel.stream(res, url.searchParams);
    case 'GET /_bench/stamps':
      return sendJson(res, 200, upstreams.stamps.take(url.searchParams.get('id') ?? '') ?? { stamps: null });
    case 'GET /_bench/cpu': {
      const { user, system } = process.cpuUsage();
      return sendJson(res, 200, { micros: user + system });
    }
    case 'POST /_bench/gc':
      collectGarbage();
      return sendJson(res, 200, process.memoryUsage());
    case 'POST /_bench/abort':
      return sendJson(res, 200, { aborted: upstreams.abortAll() });
    case 'GET /_bench/settled': {
      const timeoutMs = Number(url.searchParams.get('timeoutMs') ?? 5_000);
      const [b, c] = await Promise.all([
        resumable.pending.settle(timeoutMs),
        vercel?.pending.settle(timeoutMs),
      ]);
      return sendJson(res, 200, {
        stuck: { b: b.stuck, c: c?.stuck ?? 0 },
        stuckTotal: { b: resumable.pending.stuckTotal, c: vercel?.pending.stuckTotal ?? 0 },
      });
    }
    default:
      return sendJson(res, 404, { error: `no route ${key}` });
  }
}

const server = createServer((req, res) => {
  route(req, res).catch((error: unknown) => {
    console.error('target: request failed', error);
    if (!res.headersSent) sendJson(res, 500, { error: String(error) });
    else res.destroy();
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  server.close();
  void resumable.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3_000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
