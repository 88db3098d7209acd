// Server start-up: validate the environment, migrate the history database, start the local stand-ins.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('./lib/env');
  const config = env();
  const { startMissingStandIns } = await import('./lib/stand-ins');
  // Points the SDKs at the stand-ins it starts (see setStandInEnv).
  await startMissingStandIns(config);
  const { openHistoryDb } = await import('./db/open');
  openHistoryDb(config.DATABASE_URL).$client.close();
}
