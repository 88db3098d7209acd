// The history store: every read and write of chats and messages; the only module that writes SQL.
import type { ContentBlock, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { HistoryDb } from './open';
import { type Chat, chats, type Message, type MessageStatus, messages, type StoredError } from './schema';

export class ChatNotFoundError extends Error {
  constructor(readonly chatId: string) {
    super(`chat ${chatId} not found`);
    this.name = 'ChatNotFoundError';
  }
}

export interface TurnStart {
  ownerId: string;
  chatId: string;
  turnId: string;
  text: string;
  /** First S2 sequence number of the turn's generation. */
  cursorStart: number;
  now?: number;
}

export interface TurnEnd {
  chatId: string;
  turnId: string;
  content: ContentBlock[];
  status: MessageStatus;
  error?: StoredError | null;
  cursorStart: number;
  cursorEnd: number;
  now?: number;
}

const TITLE_LENGTH = 60;

/** A chat's title: the first line of its first message, trimmed to a sidebar-friendly length. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (line.length === 0) return 'New chat';
  return line.length > TITLE_LENGTH ? `${line.slice(0, TITLE_LENGTH - 1).trimEnd()}…` : line;
}

export function createHistory(db: HistoryDb) {
  const ownedChat = (ownerId: string, chatId: string): Chat | undefined =>
    db
      .select()
      .from(chats)
      .where(and(eq(chats.id, chatId), eq(chats.ownerId, ownerId)))
      .get();

  /** Whose the chat id is: nobody's yet (a new chat), this owner's, or another owner's. */
  const chatOwnership = (ownerId: string, chatId: string): 'none' | 'own' | 'foreign' => {
    const row = db.select({ ownerId: chats.ownerId }).from(chats).where(eq(chats.id, chatId)).get();
    if (row === undefined) return 'none';
    return row.ownerId === ownerId ? 'own' : 'foreign';
  };

  const chatMessages = (chatId: string): Message[] =>
    db
      .select()
      .from(messages)
      .where(eq(messages.chatId, chatId))
      .orderBy(asc(messages.createdAt), asc(sql`rowid`))
      .all();

  return {
    listChats(ownerId: string): Chat[] {
      return db
        .select()
        .from(chats)
        .where(eq(chats.ownerId, ownerId))
        .orderBy(desc(chats.updatedAt), desc(sql`rowid`))
        .all();
    },

    getChat: ownedChat,

    /** The chat and its messages in order, or undefined when the chat is missing or someone else's. */
    getChatWithMessages(ownerId: string, chatId: string): { chat: Chat; messages: Message[] } | undefined {
      const chat = ownedChat(ownerId, chatId);
      return chat ? { chat, messages: chatMessages(chatId) } : undefined;
    },

    chatOwnership,

    /** True when the chat id is taken by another owner: to them it does not exist, and it cannot be reused. */
    isForeignChat(ownerId: string, chatId: string): boolean {
      return chatOwnership(ownerId, chatId) === 'foreign';
    },

    deleteChat(ownerId: string, chatId: string): boolean {
      return (
        db
          .delete(chats)
          .where(and(eq(chats.id, chatId), eq(chats.ownerId, ownerId)))
          .run().changes > 0
      );
    },

    /**
     * Stores the user's message of a new turn, creating the chat on its first message, in one transaction.
     * A retry of the same turn stores nothing twice.
     */
    appendUserMessage(turn: TurnStart): Message {
      const now = turn.now ?? Date.now();
      return db.transaction((tx) => {
        const existing = tx
          .select({ ownerId: chats.ownerId })
          .from(chats)
          .where(eq(chats.id, turn.chatId))
          .get();
        if (existing && existing.ownerId !== turn.ownerId) throw new ChatNotFoundError(turn.chatId);
        if (existing) {
          tx.update(chats).set({ updatedAt: now }).where(eq(chats.id, turn.chatId)).run();
        } else {
          tx.insert(chats)
            .values({
              id: turn.chatId,
              ownerId: turn.ownerId,
              title: titleFrom(turn.text),
              createdAt: now,
              updatedAt: now,
            })
            .run();
        }
        const row = tx
          .insert(messages)
          .values({
            id: crypto.randomUUID(),
            chatId: turn.chatId,
            turnId: turn.turnId,
            role: 'user',
            content: [{ type: 'text', text: turn.text, citations: null }],
            status: 'complete',
            cursorStart: turn.cursorStart,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning()
          .get();
        return (
          row ??
          tx
            .select()
            .from(messages)
            .where(and(eq(messages.turnId, turn.turnId), eq(messages.role, 'user')))
            .get() ??
          (() => {
            throw new ChatNotFoundError(turn.chatId);
          })()
        );
      });
    },

    /** Stores the assistant's message of a turn exactly once; a second call for the same turn is a no-op. */
    appendAssistantMessage(end: TurnEnd): boolean {
      const now = end.now ?? Date.now();
      return db.transaction((tx) => {
        const chat = tx.select({ id: chats.id }).from(chats).where(eq(chats.id, end.chatId)).get();
        if (!chat) return false;
        const inserted = tx
          .insert(messages)
          .values({
            id: crypto.randomUUID(),
            chatId: end.chatId,
            turnId: end.turnId,
            role: 'assistant',
            content: end.content,
            status: end.status,
            error: end.error ?? null,
            cursorStart: end.cursorStart,
            cursorEnd: end.cursorEnd,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .run();
        if (inserted.changes > 0)
          tx.update(chats).set({ updatedAt: now }).where(eq(chats.id, end.chatId)).run();
        return inserted.changes > 0;
      });
    },

    /** Turns whose user message is stored but whose reply is not (yet): in progress, or cut off by a crash. */
    unfinishedTurns(chatId: string): Message[] {
      const rows = chatMessages(chatId);
      const answered = new Set(rows.filter((row) => row.role === 'assistant').map((row) => row.turnId));
      return rows.filter((row) => row.role === 'user' && !answered.has(row.turnId));
    },

    /** The conversation as the Messages API takes it: finished text only, so every request is valid. */
    transcript(chatId: string): MessageParam[] {
      return chatMessages(chatId).flatMap((row): MessageParam[] => {
        const text = row.content
          .flatMap((block) => (block.type === 'text' ? [block.text] : []))
          .join('')
          .trim();
        return text ? [{ role: row.role, content: text }] : [];
      });
    },
  };
}

export type History = ReturnType<typeof createHistory>;

/**
 * Where a live subscription starts: the first unfinished turn (so its reply is replayed from the start),
 * else just after the last stored reply.
 */
export function liveCursor(rows: readonly Message[]): number {
  const answered = new Set(rows.filter((row) => row.role === 'assistant').map((row) => row.turnId));
  const unfinished = rows.find((row) => row.role === 'user' && !answered.has(row.turnId));
  if (unfinished?.cursorStart != null) return unfinished.cursorStart;
  return rows.reduce((cursor, row) => Math.max(cursor, row.cursorEnd ?? 0), 0);
}
