// Runs `next start` of the load build on a random loopback port with throwaway data, and stops it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../harness/processes';
import { LOAD_DIST_DIR } from './app-build';

const READY_TIMEOUT_MS = 60_000;

export class AppStartError extends Error {
  override name = 'AppStartError';
}

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
}

export interface AppOptions {
  tokensPerSec: number;
  log: (line: string) => void;
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new AppStartError(`next start exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/api/chats`);
      await response.body?.cancel();
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new AppStartError(`next start was not ready within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

export async function startApp(root: string, options: AppOptions): Promise<RunningApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'resumable-load-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Its own process group: the stand-ins the app spawns are stopped with it, and nothing else is.
  const child = spawn(
    process.execPath,
    [
      join(root, 'node_modules/next/dist/bin/next'),
      'start',
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
    ],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NEXT_DIST_DIR: LOAD_DIST_DIR,
        NEXT_TELEMETRY_DISABLED: '1',
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        S2_ACCESS_TOKEN: '',
        ANTHROPIC_API_KEY: '',
        RATE_LIMIT_PER_MINUTE: '100000',
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
        LOCAL_ANTHROPIC_TOKENS_PER_SEC: String(options.tokensPerSec),
      },
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    // Stand-ins leave with the app (IPC); this catches any that did not.
    signalGroup('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  options.log(`app on ${url} (data in ${dataDir}, model at ${options.tokensPerSec} tokens/s)`);
  return { url, stop };
}
