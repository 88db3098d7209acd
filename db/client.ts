// The app's one history database connection per process, kept across dev hot reloads.
import 'server-only';
import { type HistoryDb, openHistoryDb } from './open';

const globalForDb = globalThis as typeof globalThis & { __historyDb?: { url: string; db: HistoryDb } };

/** The process-wide connection to `url`; opened (and migrated) on first use, reused by every request after. */
export function getDb(url: string): HistoryDb {
  const cached = globalForDb.__historyDb;
  if (cached && cached.url === url) return cached.db;
  const db = openHistoryDb(url);
  globalForDb.__historyDb = { url, db };
  return db;
}
