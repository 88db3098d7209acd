// drizzle-kit configuration: SQLite migrations generated from db/schema.ts into db/migrations.
import { defineConfig } from 'drizzle-kit';
import { parseEnv } from './lib/env';

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
  // The database the app uses: DATABASE_URL, else under DATA_DIR (lib/env.ts holds that default).
  dbCredentials: { url: parseEnv(process.env).DATABASE_URL },
});
