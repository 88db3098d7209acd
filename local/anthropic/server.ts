// The local Anthropic-compatible model server: HTTP routing, request lifecycle and counters (node:http only).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolvePacing } from './config';
import {
  errorBody,
  LocalApiError,
  MethodNotAllowedError,
  NotFoundError,
  OverloadedError,
  RequestTooLargeError,
} from './errors';
import { type PacingOptions, replyEvents, replyOutcome } from './script';
import { type Playback, playScript } from './sse';
import { parseMessagesRequest } from './validate';

export interface LocalAnthropicOptions extends Partial<PacingOptions> {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
}

export interface LocalAnthropicStats {
  /** Replies being generated right now. */
  readonly active: number;
  /** Replies that ran to their scripted end (including `/demo error`). */
  readonly completed: number;
  /** Streams stopped early because the client disconnected or the server closed. */
  readonly aborted: number;
}

export interface LocalAnthropic {
  /** Base URL for the SDK, e.g. `http://127.0.0.1:4123`. */
  readonly url: string;
  readonly port: number;
  stats(): LocalAnthropicStats;
  /** Ends open streams, closes every connection and stops listening. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Unique per HTTP request (like the API's `request-id`), so it is the one thing that is not deterministic. */
function newRequestId(): string {
  return `req_011C${[...randomBytes(20)].map((byte) => BASE58[byte % BASE58.length]).join('')}`;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RequestTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startLocalAnthropic(options: LocalAnthropicOptions = {}): Promise<LocalAnthropic> {
  const pacing = resolvePacing(options);
  const host = options.host ?? '127.0.0.1';
  const playbacks = new Set<Playback>();
  let active = 0;
  let completed = 0;
  let aborted = 0;

  const stats = (): LocalAnthropicStats => ({ active, completed, aborted });

  async function handleMessages(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = parseMessagesRequest(await readBody(req));
    if (request.stream !== true) {
      const outcome = replyOutcome(request);
      completed++;
      if (outcome.type === 'error') throw new OverloadedError();
      sendJson(res, 200, outcome.message);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const playback = playScript(res, replyEvents(request, pacing));
    playbacks.add(playback);
    active++;
    const result = await playback.done;
    playbacks.delete(playback);
    active--;
    switch (result) {
      case 'completed':
        completed++;
        break;
      case 'aborted':
        aborted++;
        break;
      default:
        result satisfies never;
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/v1/messages') {
      if (req.method !== 'POST') throw new MethodNotAllowedError();
      return handleMessages(req, res);
    }
    if (pathname === '/_local/stats' && req.method === 'GET') return sendJson(res, 200, stats());
    throw new NotFoundError();
  }

  const server = createServer((req, res) => {
    const requestId = newRequestId();
    res.setHeader('request-id', requestId);
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof RequestTooLargeError) res.setHeader('connection', 'close');
      const apiError = error instanceof LocalApiError ? error : null;
      if (apiError) return sendJson(res, apiError.status, errorBody(apiError, requestId));
      sendJson(res, 500, {
        type: 'error',
        error: { type: 'api_error', message: 'Internal server error' },
        request_id: requestId,
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const playback of playbacks) playback.cancel();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return { url: formatUrl(host, port), port, stats, close };
}
