// local/s2 in a process of its own on a fresh data directory: what the experiments measure against.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createResumableChat, type ResumableChat } from '../../lib/resumable';
import { spawnTsx } from './processes';

const CLI = fileURLToPath(new URL('../../local/s2/cli.ts', import.meta.url));

export interface LocalS2Process {
  url: string;
  /** A session-mode chat instance on `basin` of this server, with the library's default batching. */
  chat(basin: string): ResumableChat;
  /** Stops the process and deletes its data. */
  stop(): Promise<void>;
}

/** Durable, as in development; `basin`, when given, exists once this resolves. */
export async function spawnLocalS2(label: string, basin?: string): Promise<LocalS2Process> {
  const dir = await mkdtemp(join(tmpdir(), `${label}-`));
  try {
    const args = ['--port', '0', '--data', join(dir, 's2'), ...(basin ? ['--basin', basin] : [])];
    const child = await spawnTsx('local-s2', CLI, args);
    return {
      url: child.url,
      chat: (chatBasin) =>
        createResumableChat({
          accessToken: 'local',
          basin: chatBasin,
          endpoints: { account: child.url, basin: child.url },
          mode: 'session',
        }),
      stop: async () => {
        await child.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
