// Starts the local S2 and local Anthropic stand-ins as child processes when their credentials are absent.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Env, setStandInEnv } from './env';

const LISTENING = /^listening on (http:\/\/\S+)$/;
const START_TIMEOUT_MS = 30_000;

export class StandInStartError extends Error {
  constructor(name: string, reason: string) {
    super(`local ${name} did not start: ${reason}`);
    this.name = 'StandInStartError';
  }
}

/**
 * Runs `local/<name>/cli.ts` through tsx with an IPC channel: the child exits when this process does,
 * even on SIGKILL, so a crashed app never leaves a stand-in holding its port and data.
 */
export function startStandIn(
  name: 's2' | 'anthropic',
  args: string[],
): Promise<{ url: string; child: ChildProcess }> {
  const cli = path.join(process.cwd(), 'local', name, 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: process.env,
  });
  child.unref();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`no "listening on" line within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    function fail(reason: string) {
      clearTimeout(timer);
      child.kill();
      reject(new StandInStartError(name, reason));
    }
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (error) => fail(error.message));
    lines.on('line', (line) => {
      const match = LISTENING.exec(line.trim());
      if (!match?.[1]) return process.stdout.write(`[local ${name}] ${line}\n`);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.once('exit', (code, signal) =>
        console.error(`[local ${name}] exited with ${signal ?? `code ${code}`}`),
      );
      resolve({ url: match[1], child });
    });
  });
}

/**
 * Starts whichever stand-ins the environment lacks credentials for and points the SDKs at them through
 * the same variables a user would set for S2 Lite or another Anthropic endpoint.
 */
export async function startMissingStandIns(config: Env): Promise<void> {
  const dataDir = path.resolve(config.DATA_DIR);
  const tasks: Promise<void>[] = [];
  if (!config.S2_ACCESS_TOKEN) {
    tasks.push(
      startStandIn('s2', ['--data', path.join(dataDir, 's2'), '--basin', config.S2_BASIN]).then(({ url }) => {
        setStandInEnv({ S2_ACCOUNT_ENDPOINT: url, S2_BASIN_ENDPOINT: url });
        console.log(
          `S2_ACCESS_TOKEN is unset: using local S2 at ${url} (basin ${config.S2_BASIN}, data in ${dataDir}/s2)`,
        );
      }),
    );
  }
  if (!config.ANTHROPIC_API_KEY) {
    tasks.push(
      startStandIn('anthropic', []).then(({ url }) => {
        setStandInEnv({ ANTHROPIC_BASE_URL: url });
        console.log(
          `ANTHROPIC_API_KEY is unset: using the local model at ${url} (type /demo help in a chat)`,
        );
      }),
    );
  }
  await Promise.all(tasks);
}
