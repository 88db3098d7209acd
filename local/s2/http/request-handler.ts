// Dispatches one HTTP request (HTTP/1.1 or HTTP/2) to its route handler and maps failures to S2 errors.
import type { S2Engine } from '../engine/index';
import { headerValue, sendError, sendJson, type WireRequest, type WireResponse } from './http-io';
import { handleBasin, handleBasins, handleStream, handleStreams } from './management-handlers';
import { handleAppend, handleCheckTail, handleRead } from './record-handlers';
import type { RequestContext, SessionRegistry } from './request-context';
import { matchRoute, queryOf } from './routes';
import { isServerFault, WireError } from './wire-errors';

export interface HandlerDeps {
  engine: S2Engine;
  sessions: SessionRegistry;
  heartbeatMs: number;
  /** Whether a request's Host (or `:authority`) may be served; see host-guard.ts. */
  allowsHost: (authority: string | undefined) => boolean;
  /** Where unexpected (5xx) failures are reported. */
  log: (message: string, error: unknown) => void;
}

/** The `s2-basin` header every basin-scoped request carries. */
function basinHeader(req: WireRequest): string {
  const basin = headerValue(req.headers, 's2-basin');
  if (basin === undefined || basin === '') throw new WireError('bad_header', 'Missing header `s2-basin`');
  return basin;
}

async function route(ctx: RequestContext, method: string, url: string): Promise<void> {
  const matched = matchRoute(url);
  if (!matched) throw new WireError('not_found', `no route for ${method} ${url.split('?')[0]}`);
  switch (matched.kind) {
    case 'health':
      return sendJson(ctx.res, 200, { status: 'ok' });
    case 'unimplemented':
      throw new WireError(
        'not_implemented',
        'local S2 does not serve this endpoint (access tokens, metrics)',
      );
    case 'basins':
      return handleBasins(ctx, method);
    case 'basin':
      return handleBasin(ctx, method, matched.basin);
    case 'streams':
      return handleStreams(ctx, method, basinHeader(ctx.req));
    case 'stream':
      return handleStream(ctx, method, basinHeader(ctx.req), matched.stream);
    case 'records':
      if (method === 'POST') return handleAppend(ctx, basinHeader(ctx.req), matched.stream);
      if (method === 'GET') return handleRead(ctx, basinHeader(ctx.req), matched.stream);
      throw new WireError('method_not_allowed', `method ${method} is not allowed here`);
    case 'tail':
      if (method !== 'GET') throw new WireError('method_not_allowed', `method ${method} is not allowed here`);
      return handleCheckTail(ctx, basinHeader(ctx.req), matched.stream);
  }
}

/** Builds the request listener shared by the HTTP/1.1 and HTTP/2 servers. */
export function createRequestHandler(deps: HandlerDeps): (req: WireRequest, res: WireResponse) => void {
  return (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    // Only the app's server-side SDK talks to local S2, never a browser: it sends no CORS headers, and a
    // request naming another host (a rebound domain) is refused before anything is read.
    if (!deps.allowsHost(headerValue(req.headers, 'host') ?? headerValue(req.headers, ':authority'))) {
      sendError(res, new WireError('forbidden_host', 'local S2 only serves requests addressed to localhost'));
      return;
    }
    const ctx: RequestContext = {
      engine: deps.engine,
      req,
      res,
      query: queryOf(url),
      http2: 'stream' in req,
      heartbeatMs: deps.heartbeatMs,
      sessions: deps.sessions,
    };
    route(ctx, method, url).catch((error: unknown) => {
      if (isServerFault(error)) deps.log(`${method} ${url} failed`, error);
      sendError(res, error);
    });
  };
}
