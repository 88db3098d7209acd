// drizzle-kit configuration: SQLite migrations generated from db/schema.ts into db/migrations.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
  // The app's default: the history database lives under DATA_DIR unless DATABASE_URL names it.
  dbCredentials: { url: process.env.DATABASE_URL ?? `file:${process.env.DATA_DIR ?? '.data'}/app.sqlite` },
});
