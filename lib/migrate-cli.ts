// `npm run db:migrate`: applies db/migrations to the database named by DATABASE_URL (or under DATA_DIR).
import { existsSync } from 'node:fs';
import { databaseFile, openHistoryDb } from '../db/open';
import { env } from './env';

// As `next dev` and `next start` do, .env.local wins over .env, and the real environment over both
// (process.loadEnvFile never overwrites a variable that is already set).
for (const file of ['.env.local', '.env']) if (existsSync(file)) process.loadEnvFile(file);

const url = env().DATABASE_URL;
openHistoryDb(url).$client.close();
console.log(`migrated ${databaseFile(url)}`);
