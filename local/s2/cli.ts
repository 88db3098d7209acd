// Command line entry of the local S2 server: `tsx local/s2/cli.ts --port P --data DIR [--host H] [--basin B]`.
import { parseArgs } from 'node:util';
import { S2ApiError } from './engine/index';
import { startLocalS2 } from './http/server';

const USAGE =
  'usage: local/s2/cli.ts [--port P] [--data DIR] [--host HOST] [--basin NAME] [--memory] [--sync full|normal]';

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`invalid --port ${raw}\n${USAGE}`);
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      host: { type: 'string' },
      basin: { type: 'string' },
      memory: { type: 'boolean' },
      sync: { type: 'string' },
    },
    strict: true,
  });
  const inMemory = values.memory === true || values.data === undefined;
  const sync = values.sync;
  if (sync !== undefined && sync !== 'full' && sync !== 'normal')
    throw new Error(`invalid --sync ${sync}\n${USAGE}`);
  const server = await startLocalS2({
    port: parsePort(values.port),
    host: values.host ?? '127.0.0.1',
    dataDir: values.data,
    inMemory,
    ensureBasins: values.basin === undefined ? [] : [values.basin],
    synchronous: sync,
  });
  console.log(`listening on ${server.url}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[local-s2] shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Spawned with an IPC channel: never outlive the parent (an orphan would hold the port and database).
  if (process.send) process.once('disconnect', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof S2ApiError ? `[local-s2] ${error.message}` : error);
  process.exit(1);
});
