// Server start-up: validate the environment, migrate the history database, start the local stand-ins.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env, resetEnvCache } = await import('./lib/env');
  const config = env();
  const { startMissingStandIns } = await import('./lib/stand-ins');
  await startMissingStandIns(config);
  resetEnvCache();
  const { openHistoryDb } = await import('./db/open');
  openHistoryDb(config.DATABASE_URL).$client.close();
}
