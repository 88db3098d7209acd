// Child processes of a benchmark run: start on loopback, wait until they listen, read their RSS, stop them.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export class ProcessStartError extends Error {
  override name = 'ProcessStartError';
}

export interface Spawned {
  label: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  const done = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await done;
  clearTimeout(timer);
}

/**
 * Spawns `command args` and resolves when a stdout line matches `ready` (its first group, if any, is the URL).
 * Other output is prefixed with the label so a failing child is easy to read.
 */
export function spawnUntilReady(
  label: string,
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; ready: RegExp; url?: string; timeoutMs?: number; ipc?: boolean },
): Promise<Spawned> {
  // With an IPC channel, node children (which watch `disconnect`) leave if this process dies.
  const child = spawn(command, args, {
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  const pid = child.pid;
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      void stopChild(child);
      reject(new ProcessStartError(`${label} did not start: ${reason}`));
    };
    const timer = setTimeout(() => fail('timed out'), options.timeoutMs ?? 30_000);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? code}`));
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${label}] ${chunk.toString()}`));
    let ready = false;
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    lines.on('line', (line) => {
      if (ready) return;
      const match = options.ready.exec(line);
      if (!match) return;
      ready = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      if (pid === undefined) return fail('no pid');
      let stopping = false;
      child.once('exit', (code, signal) => {
        if (!stopping) console.error(`[${label}] exited unexpectedly (${signal ?? `code ${code}`})`);
      });
      resolve({
        label,
        url: match[1] ?? options.url ?? '',
        pid,
        child,
        stop: () => {
          stopping = true;
          return stopChild(child);
        },
      });
    });
  });
}

const LISTENING = /listening on (http:\/\/\S+)/;

/** A JavaScript entry run with Node, ready once it prints "listening on <url>". */
export function spawnNode(
  label: string,
  entry: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
  nodeFlags: readonly string[] = [],
): Promise<Spawned> {
  return spawnUntilReady(label, process.execPath, [...nodeFlags, entry, ...args], {
    env: { ...process.env, ...env },
    ready: LISTENING,
    ipc: true,
  });
}

/** A TypeScript entry run with tsx (the local stand-ins), ready at "listening on". */
export function spawnTsx(
  label: string,
  entry: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
  nodeFlags: readonly string[] = [],
): Promise<Spawned> {
  return spawnNode(label, entry, args, env, [...nodeFlags, '--import', 'tsx']);
}

/** A free loopback port (for servers that cannot be told to pick one, like redis-server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Linux reports utime and stime in clock ticks; USER_HZ is 100 on every mainstream kernel. */
const TICK_MS = 10;

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; 10 ms resolution). */
export async function cpuMillisOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The redis-server binary, or why the Redis baseline has to be skipped. */
export function findRedisServer(): { path: string } | { missing: string } {
  const candidates = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];
  const onPath = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout?.trim();
  const path = [onPath, ...candidates].find((candidate) => candidate && existsSync(candidate));
  if (!path) return { missing: 'redis-server is not installed (apt-get install redis-server)' };
  const version = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return { missing: `${path} --version failed: ${version.stderr}` };
  return { path };
}

/** A throwaway redis-server on a random loopback port: no persistence, working files in `dir`. */
export async function startRedis(path: string, dir: string): Promise<Spawned> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly'];
  return spawnUntilReady('redis', path, [...args, 'no', '--daemonize', 'no', '--loglevel', 'notice'], {
    ready: /Ready to accept connections/,
    url: `redis://127.0.0.1:${port}`,
  });
}
