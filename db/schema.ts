// Drizzle tables of the history database: chats, their messages, and the ids of deleted chats.
import type { ContentBlock } from '@anthropic-ai/sdk/resources/messages';
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const timestamps = {
  createdAt: integer('created_at', { mode: 'number' }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  updatedAt: integer('updated_at', { mode: 'number' }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
};

export const chats = sqliteTable(
  'chats',
  {
    id: text('id').primaryKey(),
    /** The anonymous browser identity that created the chat; nobody else can see it. */
    ownerId: text('owner_id').notNull(),
    title: text('title').notNull(),
    ...timestamps,
  },
  (table) => [index('chats_owner_updated_idx').on(table.ownerId, table.updatedAt)],
);

export type Chat = typeof chats.$inferSelect;

/** Tombstones: a deleted chat's id is never used again, so nobody can re-create it and replay its stream. */
export const deletedChats = sqliteTable('deleted_chats', {
  id: text('id').primaryKey(),
  /** Who deleted it: a repeated DELETE from them retries the stream's removal. */
  ownerId: text('owner_id').notNull(),
  deletedAt: integer('deleted_at', { mode: 'number' }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
});

export const messageRoles = ['user', 'assistant'] as const;
export const messageStatuses = ['complete', 'stopped', 'error', 'interrupted'] as const;
export type MessageStatus = (typeof messageStatuses)[number];
export interface StoredError {
  type: string;
  message: string;
}

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    chatId: text('chat_id')
      .notNull()
      .references(() => chats.id, { onDelete: 'cascade' }),
    /** Within a chat, one user message and at most one assistant message share a turn id. */
    turnId: text('turn_id').notNull(),
    role: text('role', { enum: messageRoles }).notNull(),
    /** Anthropic content blocks, as the Messages API returns them. */
    content: text('content', { mode: 'json' }).$type<ContentBlock[]>().notNull(),
    status: text('status', { enum: messageStatuses }).notNull(),
    error: text('error', { mode: 'json' }).$type<StoredError>(),
    /** First S2 sequence number of the turn's generation (where a replay of this turn starts). */
    cursorStart: integer('cursor_start'),
    /** Sequence number just after the turn's last record, once the turn has ended. */
    cursorEnd: integer('cursor_end'),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('messages_chat_turn_role_idx').on(table.chatId, table.turnId, table.role),
    index('messages_chat_created_idx').on(table.chatId, table.createdAt),
  ],
);

export type Message = typeof messages.$inferSelect;
