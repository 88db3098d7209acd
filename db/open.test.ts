// Unit tests for opening the SQLite history database: migrations, pragmas, constraints and database URLs.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFile, InvalidDatabaseUrlError, migrationsFolder, openHistoryDb } from './open';
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
    expect(tables).toEqual(['__drizzle_migrations', 'chats', 'deleted_chats', 'messages']);
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

  it('stores at most one message per role and turn of a chat, and the same turn id in another chat', () => {
    const db = openHistoryDb(tempUrl());
    db.insert(chats).values({ id: 'c1', ownerId: 'o', title: 'Hi' }).run();
    db.insert(chats).values({ id: 'c2', ownerId: 'o', title: 'Hi' }).run();
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
    db.insert(messages)
      .values({ id: 'a3', ...row, chatId: 'c2' })
      .run();
    db.$client.close();
  });

  it('upgrades a database of the first migration, keeping its chats and messages', () => {
    // The migrations folder as it was before 0001: only the first journal entry.
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    dirs.push(dir);
    cpSync(migrationsFolder, dir, { recursive: true });
    const journalFile = path.join(dir, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    const url = tempUrl();
    mkdirSync(path.dirname(databaseFile(url)), { recursive: true });
    const old = drizzle(new Database(databaseFile(url)));
    migrate(old, { migrationsFolder: dir });
    old.$client.prepare("insert into chats (id, owner_id, title) values ('c1', 'o', 'Hi')").run();
    old.$client
      .prepare(
        "insert into messages (id, chat_id, turn_id, role, content, status) values ('m1', 'c1', 't1', 'user', '[]', 'complete')",
      )
      .run();
    old.$client.close();

    const db = openHistoryDb(url);
    expect(db.select({ id: messages.id }).from(messages).all()).toEqual([{ id: 'm1' }]);
    const indexes = db.$client
      .prepare("select name from sqlite_master where type = 'index' and tbl_name = 'messages' order by name")
      .pluck()
      .all();
    expect(indexes).toEqual([
      'messages_chat_created_idx',
      'messages_chat_turn_role_idx',
      'sqlite_autoindex_messages_1',
    ]);
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
