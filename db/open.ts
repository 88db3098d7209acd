// Opens a SQLite history database with the pragmas we rely on and applies the migrations.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

export type HistoryDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where drizzle-kit writes migrations; resolved from the project root, where every command runs. */
export const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

export class InvalidDatabaseUrlError extends Error {
  constructor(url: string) {
    super(`DATABASE_URL must be a SQLite file URL such as file:.data/app.sqlite, got "${url}"`);
    this.name = 'InvalidDatabaseUrlError';
  }
}

/** `file:relative/path.sqlite`, `file:/absolute/path.sqlite` or `file::memory:` to a better-sqlite3 filename. */
export function databaseFile(url: string): string {
  if (!url.startsWith('file:') || url.length === 'file:'.length) throw new InvalidDatabaseUrlError(url);
  const location = url.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  return location === ':memory:' ? location : path.resolve(location);
}

/** Opens the database (creating its folder), turns on WAL and foreign keys, and migrates it to the latest schema. */
export function openHistoryDb(url: string): HistoryDb {
  const file = databaseFile(url);
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return db;
}
