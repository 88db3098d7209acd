// startLocalS2: the S2-compatible server (REST, SSE and s2s over h2c) on one port, backed by the engine.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type * as net from 'node:net';
import { S2ApiError, S2Engine } from '../engine/index';
import { hostGuard } from './host-guard';
import { createProtocolSniffer } from './protocol-sniffer';
import { SessionRegistry } from './request-context';
import { createRequestHandler } from './request-handler';
import { DEFAULT_HEARTBEAT_MS } from './session-pump';

export interface LocalS2Options {
  /** Directory for the SQLite database (created if missing). Ignored when `inMemory`. */
  dataDir?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Keep everything in memory (tests). Also the default when no `dataDir` is given. */
  inMemory?: boolean;
  /** Gap between read-session heartbeats while idle (default 10 s; S2 clients give up after 20 s). */
  heartbeatMs?: number;
  /** Basins to make sure exist at start, with streams created on first append or read. */
  ensureBasins?: readonly string[];
  /**
   * SQLite durability of an acknowledged append: `full` (the engine's default) fsyncs every commit and
   * survives power loss; `normal` survives process crashes and commits far faster on slow disks.
   */
  synchronous?: 'full' | 'normal';
  /** Where unexpected server failures are reported (default: console.error). */
  log?: (message: string, error: unknown) => void;
}

export interface LocalS2 {
  /** `http://host:port`, usable as both the S2 account and basin endpoint. */
  url: string;
  port: number;
  /** Live counts, for tests and diagnostics: long-lived requests (sessions, long-polls) and TCP connections. */
  stats(): { sessions: number; connections: number };
  /** Ends sessions and connections, then closes the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * HTTP/2 receive windows. Node's default (64 KiB) lets a pipelining s2s client have only a few small
 * batches in flight, which starves group commit; the SDK raises its own windows to 10 MiB the same way.
 */
const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
const CONNECTION_WINDOW_BYTES = 16 * 1024 * 1024;
// Node refuses new streams once a session buffers more than this (MB): leave room above the windows.
const SESSION_MEMORY_MB = Math.ceil((STREAM_WINDOW_BYTES + CONNECTION_WINDOW_BYTES) / 2 ** 20) + 8;

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Node leaves a server stream undestroyed when the client resets it with NO_ERROR (what the SDK's cancel of
 * a read session sends) while a response write is still pending: it never emits 'close', so the session's
 * work never learns the client left, and a graceful close of the connection (the SDK's, when its last handle
 * closes) waits for that stream forever. Once the peer has closed a stream, nothing more can reach it:
 * destroying it releases both.
 */
function destroyOnPeerClose(stream: http2.ServerHttp2Stream): void {
  const reap = () =>
    setImmediate(() => {
      if (stream.closed && !stream.destroyed) stream.destroy();
    });
  stream.once('aborted', reap);
  stream.once('end', reap);
}

/** Creates `basin` if missing; either way turns on stream creation on first append and read. */
function ensureAutoCreatingBasin(engine: S2Engine, basin: string): void {
  const autoCreate = { create_stream_on_append: true, create_stream_on_read: true };
  try {
    engine.getBasinConfig(basin);
  } catch (error) {
    if (error instanceof S2ApiError && error.code === 'basin_not_found') {
      engine.createBasin(basin, autoCreate);
      return;
    }
    throw error;
  }
  engine.reconfigureBasin(basin, autoCreate);
}

/** Starts a local S2 on `host:port` and resolves once it accepts connections. */
export async function startLocalS2(options: LocalS2Options = {}): Promise<LocalS2> {
  const host = options.host ?? '127.0.0.1';
  const inMemory = options.inMemory === true || options.dataDir === undefined;
  const engine = new S2Engine(
    inMemory ? { memory: true } : { dataDir: options.dataDir, synchronous: options.synchronous },
  );
  try {
    for (const basin of options.ensureBasins ?? []) ensureAutoCreatingBasin(engine, basin);
  } catch (error) {
    engine.close();
    throw error;
  }
  const sessions = new SessionRegistry();
  const handler = createRequestHandler({
    engine,
    sessions,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    allowsHost: hostGuard(host),
    log: options.log ?? ((message, error) => console.error(`[local-s2] ${message}:`, error)),
  });

  const http1Server = http.createServer({ keepAliveTimeout: 65_000 }, handler);
  const http2Server = http2.createServer(
    { settings: { initialWindowSize: STREAM_WINDOW_BYTES }, maxSessionMemory: SESSION_MEMORY_MB },
    handler,
  );
  http2Server.on('stream', destroyOnPeerClose);
  const h2Sessions = new Set<http2.ServerHttp2Session>();
  http2Server.on('session', (session) => {
    h2Sessions.add(session);
    session.once('connect', () => {
      if (!session.destroyed) session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
    });
    session.once('close', () => h2Sessions.delete(session));
  });
  const sockets = new Set<net.Socket>();
  const tcpServer = createProtocolSniffer(http1Server, http2Server, sockets);

  let port: number;
  try {
    port = await listen(tcpServer, options.port ?? 0, host);
  } catch (error) {
    engine.close();
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => tcpServer.close(() => resolve()));
      sessions.abortAll();
      for (const session of h2Sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      http1Server.closeAllConnections();
      await stopped;
      engine.close();
    })();
    return closing;
  };

  const stats = () => ({ sessions: sessions.size, connections: sockets.size });
  return { url: `http://${urlHost}:${port}`, port, stats, close };
}
