import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFile, InvalidDatabaseUrlError, openHistoryDb } from './open';
import { chats, messages } from './schema';

const dirs: string[] = [];
function tempUrl(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'history-'));
  dirs.push(dir);
  return `file:${path.join(dir, 'nested', 'app.sqlite')}`;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openHistoryDb', () => {
  it('creates the file with migrations applied, WAL and foreign keys on', () => {
    const db = openHistoryDb(tempUrl());
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.$client
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
      )
      .pluck()
      .all();
    expect(tables).toEqual(['__drizzle_migrations', 'chats', 'messages']);
    db.$client.close();
  });

  it('is idempotent: reopening an up-to-date database changes nothing', () => {
    const url = tempUrl();
    const first = openHistoryDb(url);
    first.insert(chats).values({ id: 'c1', ownerId: 'o', title: 'Hello' }).run();
    first.$client.close();
    const second = openHistoryDb(url);
    expect(second.select().from(chats).all()).toHaveLength(1);
    second.$client.close();
  });

  it('deletes a chat with its messages and refuses orphans', () => {
    const db = openHistoryDb(tempUrl());
    db.insert(chats).values({ id: 'c1', ownerId: 'o', title: 'Hi' }).run();
    db.insert(messages)
      .values({ id: 'm1', chatId: 'c1', turnId: 't1', role: 'user', content: [], status: 'complete' })
      .run();
    expect(() =>
      db
        .insert(messages)
        .values({ id: 'm2', chatId: 'nope', turnId: 't2', role: 'user', content: [], status: 'complete' })
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.delete(chats).run();
    expect(db.select().from(messages).all()).toEqual([]);
    db.$client.close();
  });

  it('stores at most one message per role and turn', () => {
    const db = openHistoryDb(tempUrl());
    db.insert(chats).values({ id: 'c1', ownerId: 'o', title: 'Hi' }).run();
    const row = {
      chatId: 'c1',
      turnId: 't1',
      role: 'assistant' as const,
      content: [],
      status: 'complete' as const,
    };
    db.insert(messages)
      .values({ id: 'a1', ...row })
      .run();
    expect(() =>
      db
        .insert(messages)
        .values({ id: 'a2', ...row })
        .run(),
    ).toThrow(/UNIQUE/);
    db.$client.close();
  });
});

describe('databaseFile', () => {
  it('resolves relative, absolute and in-memory URLs', () => {
    expect(databaseFile('file:.data/app.sqlite')).toBe(path.resolve('.data/app.sqlite'));
    expect(databaseFile('file:/tmp/x.sqlite')).toBe('/tmp/x.sqlite');
    expect(databaseFile('file::memory:')).toBe(':memory:');
  });

  it('rejects anything that is not a file URL', () => {
    expect(() => databaseFile('postgres://x')).toThrow(InvalidDatabaseUrlError);
    expect(() => databaseFile('file:')).toThrow(InvalidDatabaseUrlError);
  });
});
