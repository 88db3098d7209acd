// The command line entry: prints its address, serves, and shuts down cleanly on signals or a lost parent.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/;

const children: ChildProcess[] = [];

function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end + 1));
    });
    child.once('exit', (code) =>
      reject(new Error(`exited with ${code} before printing; output: ${buffered}`)),
    );
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/_local/stats`)).ok;
  } catch {
    return false;
  }
}

/** Runs the CLI in this Node process's own binary with tsx, as a parent app would fork it. */
function runDirect(withIpc: boolean): ChildProcess {
  const stdio = withIpc
    ? (['ignore', 'pipe', 'inherit', 'ipc'] as const)
    : (['ignore', 'pipe', 'inherit'] as const);
  return track(
    spawn(process.execPath, ['--import', 'tsx', 'local/anthropic/cli.ts', '--port', '0'], {
      cwd: root,
      stdio: [...stdio],
    }),
  );
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    try {
      // Detached children lead their own process group; take the whole group (npm, tsx, server) down.
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
});

describe('local Anthropic CLI', () => {
  it('prints the listening line under npx tsx and stops with its process group on SIGTERM', async () => {
    const child = track(
      spawn('npx', ['tsx', 'local/anthropic/cli.ts', '--port', '0', '--host', '127.0.0.1'], {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    const line = await firstLine(child);
    const [, url = '', port = ''] = LISTENING.exec(line) ?? [];
    expect(line).toBe(`listening on http://127.0.0.1:${port}\n`);
    expect(Number(port)).toBeGreaterThan(0);
    expect(await reachable(url)).toBe(true);

    // A terminal's Ctrl-C or a supervisor signals the whole group: npm, tsx and the server.
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exitOf(child);
    await expect.poll(() => reachable(url), { timeout: 5_000 }).toBe(false);
  });

  it('closes cleanly and exits 0 on SIGTERM', async () => {
    const child = runDirect(false);
    const [, url = ''] = LISTENING.exec(await firstLine(child)) ?? [];
    expect(await reachable(url)).toBe(true);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
  });

  it('exits when its parent disconnects the IPC channel', async () => {
    const child = runDirect(true);
    const [, url = ''] = LISTENING.exec(await firstLine(child)) ?? [];
    expect(await reachable(url)).toBe(true);
    child.disconnect();
    expect(await exitOf(child)).toEqual({ code: 0, signal: null });
    expect(await reachable(url)).toBe(false);
  });
});
