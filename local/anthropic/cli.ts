// Command line entry: `npx tsx local/anthropic/cli.ts --port P [--host H]` runs the local model until stopped.
import { parseArgs } from 'node:util';
import { startLocalAnthropic } from './server';

class CliUsageError extends Error {}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliUsageError(`invalid --port: ${raw}`);
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', short: 'p' }, host: { type: 'string' } },
    strict: true,
  });
  const server = await startLocalAnthropic({ port: parsePort(values.port), host: values.host });
  console.log(`listening on ${server.url}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Spawned with an IPC channel (e.g. by the app): leave with the parent so a crash never leaves an orphan.
  if (process.send) process.on('disconnect', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
