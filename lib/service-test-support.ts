// Test fixture for the chat service: the environment pointed at a real local S2, the local model and a temp
// SQLite, with lib/turns and lib/s2 imported once it is (they configure themselves on import).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { type LocalAnthropic, startLocalAnthropic } from '../local/anthropic/server';
import { registerS2Fixture, type S2Fixture } from './resumable/test-support';

export interface ServiceFixture {
  s2: S2Fixture;
  turns: typeof import('./turns');
  configured: typeof import('./s2');
  model: LocalAnthropic;
  /** The history database the service writes, for a test that has to break it first. */
  db: import('../db/open').HistoryDb;
}

/**
 * Registers the fixture's beforeAll/afterAll. `env` adds to (or overrides) the stubbed variables;
 * `settle` awaits the tests' background work (their `after` mock) before anything is closed.
 */
export function registerServiceFixture(options: {
  env?: Record<string, string>;
  settle: () => Promise<void>;
}): ServiceFixture {
  const s2 = registerS2Fixture();
  let ready: Omit<ServiceFixture, 's2' | 'db'> | undefined;
  let dataDir: string | undefined;
  let databaseUrl = '';
  let db: typeof import('../db/client') | undefined;

  beforeAll(async () => {
    // Replies stream at once; `/demo stall` pauses for longer than any test waits.
    const model = await startLocalAnthropic({ tokensPerSec: 0, slowDeltaMs: 0, stallMs: 30_000 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'service-'));
    databaseUrl = `file:${path.join(dataDir, 'app.sqlite')}`;
    const stubs = {
      S2_ACCESS_TOKEN: 'local',
      S2_BASIN: s2.basin,
      S2_ACCOUNT_ENDPOINT: s2.server.url,
      S2_BASIN_ENDPOINT: s2.server.url,
      S2_CHAT_MODE: 'session',
      ANTHROPIC_API_KEY: 'local',
      ANTHROPIC_BASE_URL: model.url,
      DATABASE_URL: databaseUrl,
      RATE_LIMIT_PER_MINUTE: '10000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10000',
      ...options.env,
    };
    for (const [name, value] of Object.entries(stubs)) vi.stubEnv(name, value);
    const [turns, configured] = await Promise.all([import('./turns'), import('./s2')]);
    db = await import('../db/client');
    ready = { turns, configured, model };
  });

  afterAll(async () => {
    await options.settle();
    await ready?.configured.chat.close();
    db?.getDb(databaseUrl).$client.close();
    await ready?.model.close();
    vi.unstubAllEnvs();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const current = () => {
    if (!ready) throw new Error('the service fixture is used before its beforeAll ran');
    return ready;
  };
  return {
    s2,
    get turns() {
      return current().turns;
    },
    get configured() {
      return current().configured;
    },
    get model() {
      return current().model;
    },
    get db() {
      if (!db) throw new Error('the service fixture is used before its beforeAll ran');
      return db.getDb(databaseUrl);
    },
  };
}
