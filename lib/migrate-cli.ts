// `npm run db:migrate`: applies db/migrations to the database named by DATABASE_URL.
import { env } from '../lib/env';
import { databaseFile, openHistoryDb } from './open';

const url = env().DATABASE_URL;
openHistoryDb(url).$client.close();
console.log(`migrated ${databaseFile(url)}`);
