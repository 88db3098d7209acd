// The history store: every read and write of chats and messages; the only module that writes SQL.
import type { ContentBlock, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { ChatNotFoundError, TurnIdReusedError } from './errors';
import type { HistoryDb } from './open';
import {
  type Chat,
  chats,
  deletedChats,
  type Message,
  type MessageStatus,
  messages,
  type StoredError,
} from './schema';

export { ChatNotFoundError, TurnIdReusedError };

export interface TurnStart {
  ownerId: string;
  chatId: string;
  turnId: string;
  text: string;
  /** First S2 sequence number of the turn's generation. */
  cursorStart: number;
  /** The caller found the chat stored before the turn began: if it is gone now (deleted meanwhile), refuse. */
  chatExists: boolean;
  now?: number;
}

/** Where a turn id stands in a chat: unused, the chat's latest turn (a retry may join it), or an earlier one. */
export type TurnPosition = 'new' | 'latest' | 'earlier';

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

  const isDeleted = (tx: Pick<HistoryDb, 'select'>, chatId: string): boolean =>
    tx.select({ id: deletedChats.id }).from(deletedChats).where(eq(deletedChats.id, chatId)).get() !==
    undefined;

  /** Whose the chat id is: nobody's yet (a new chat), this owner's, another owner's, or a deleted chat's. */
  const chatOwnership = (ownerId: string, chatId: string): 'none' | 'own' | 'foreign' | 'deleted' => {
    const row = db.select({ ownerId: chats.ownerId }).from(chats).where(eq(chats.id, chatId)).get();
    if (row !== undefined) return row.ownerId === ownerId ? 'own' : 'foreign';
    return isDeleted(db, chatId) ? 'deleted' : 'none';
  };

  /** The chat's messages of one turn (its user message and its reply, if stored). */
  const turnMessages = (tx: Pick<HistoryDb, 'select'>, chatId: string, turnId: string): Message[] =>
    tx
      .select()
      .from(messages)
      .where(and(eq(messages.chatId, chatId), eq(messages.turnId, turnId)))
      .all();

  const turnPosition = (tx: Pick<HistoryDb, 'select'>, chatId: string, turnId: string): TurnPosition => {
    const latest = tx
      .select({ turnId: messages.turnId })
      .from(messages)
      .where(and(eq(messages.chatId, chatId), eq(messages.role, 'user')))
      .orderBy(desc(messages.createdAt), desc(sql`rowid`))
      .limit(1)
      .get();
    if (latest?.turnId === turnId) return 'latest';
    return turnMessages(tx, chatId, turnId).length > 0 ? 'earlier' : 'new';
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

    /**
     * True when the chat id is another owner's or was deleted: to this owner the chat does not exist, and the
     * id cannot be used for a new chat.
     */
    isUnavailableChat(ownerId: string, chatId: string): boolean {
      const ownership = chatOwnership(ownerId, chatId);
      return ownership === 'foreign' || ownership === 'deleted';
    },

    /** Where `turnId` stands among the chat's turns (see TurnPosition). */
    turnPosition(chatId: string, turnId: string): TurnPosition {
      return turnPosition(db, chatId, turnId);
    },

    /**
     * Deletes the owner's chat with its messages and keeps its id as a tombstone, in one transaction, so the
     * id can never be re-created. True when the chat was deleted, now or by an earlier call from the same
     * owner (a retry); false when it is missing or another owner's.
     */
    deleteChat(ownerId: string, chatId: string, now = Date.now()): boolean {
      return db.transaction((tx) => {
        const deleted = tx
          .delete(chats)
          .where(and(eq(chats.id, chatId), eq(chats.ownerId, ownerId)))
          .run().changes;
        if (deleted > 0) {
          tx.insert(deletedChats).values({ id: chatId, ownerId, deletedAt: now }).onConflictDoNothing().run();
          return true;
        }
        const tombstone = tx
          .select({ ownerId: deletedChats.ownerId })
          .from(deletedChats)
          .where(eq(deletedChats.id, chatId))
          .get();
        return tombstone?.ownerId === ownerId;
      });
    },

    /**
     * Stores the user's message of a new turn, creating the chat on its first message, in one transaction.
     * A retry of the chat's latest unanswered turn stores nothing twice. Refused: a chat that is another
     * owner's, deleted, or gone although `chatExists` (ChatNotFoundError), and a turn id the chat already used
     * for an earlier or answered turn, whose new reply could never be stored (TurnIdReusedError).
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
        if (!existing && (turn.chatExists || isDeleted(tx, turn.chatId)))
          throw new ChatNotFoundError(turn.chatId);
        const turnRows = turnMessages(tx, turn.chatId, turn.turnId);
        const storedUser = turnRows.find((row) => row.role === 'user');
        if (storedUser) {
          const answered = turnRows.some((row) => row.role === 'assistant');
          if (answered || turnPosition(tx, turn.chatId, turn.turnId) !== 'latest')
            throw new TurnIdReusedError(turn.chatId, turn.turnId);
          return storedUser;
        }
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
        // A conflict is the same turn stored by a racing retry (another process) since the read above.
        const stored =
          row ?? turnMessages(tx, turn.chatId, turn.turnId).find((found) => found.role === 'user');
        if (!stored)
          throw new Error(`turn ${turn.turnId} of chat ${turn.chatId} was neither stored nor found`);
        return stored;
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
