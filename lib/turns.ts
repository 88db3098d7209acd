// The chat service: start, stop and replay turns, and read chats, for the thin route handlers.
import 'server-only';
import { after } from 'next/server';
import { getDb } from '../db/client';
import { createHistory, type History, liveCursor } from '../db/history';
import type { Chat, Message, MessageStatus } from '../db/schema';
import type { ChatDetail, ChatMessage, ChatSummary } from './chat-types';
import { env } from './env';
import { NoActiveTurnError, NotFoundError, RateLimitedError, TurnInProgressError } from './http-errors';
import { type ModelReply, streamReply } from './model-stream';
import { createRateLimiter } from './rate-limit';
import type { GenerationEndReason } from './resumable';
import { chat, streamNameFor } from './s2';
import { settleUnfinishedTurns } from './settle-turns';

const history = (): History => createHistory(getDb());
const globalForLimiter = globalThis as typeof globalThis & {
  __turnLimiter?: ReturnType<typeof createRateLimiter>;
};
const limiter = () => (globalForLimiter.__turnLimiter ??= createRateLimiter(env().RATE_LIMIT_PER_MINUTE));

const STATUS_FOR_END = {
  complete: 'complete',
  stopped: 'stopped',
  error: 'error',
  'taken-over': 'interrupted',
} as const satisfies Record<GenerationEndReason, MessageStatus>;

export interface TurnInput {
  ownerId: string;
  chatId: string;
  message: string;
  turnId: string;
}

/**
 * Claims the chat's stream, stores the user's message, starts the model and persists its events in the
 * background (202). Nothing is written when the claim fails; a retry with the same turn id joins.
 */
export async function startTurn({ ownerId, chatId, message, turnId }: TurnInput): Promise<Response> {
  const store = history();
  const ownership = store.chatOwnership(ownerId, chatId);
  if (ownership === 'foreign') throw new NotFoundError();
  const retryAfter = limiter().take(ownerId);
  if (retryAfter > 0) throw new RateLimitedError(retryAfter);

  let reply: ModelReply | undefined;
  const response = await chat.makeResumable(
    streamNameFor(chatId),
    (signal) => {
      reply = streamReply(store.transcript(chatId), signal);
      return reply.events;
    },
    {
      delivery: 'replay',
      waitUntil: after,
      turnId,
      // A chat's first turn: its stream is missing (or empty), so the claim need not read it first.
      newStream: ownership === 'none',
      onStart: async ({ fromSeqNum, tookOver }) => {
        // A takeover ended the previous turn for good: store its reply before this turn's message.
        if (tookOver) await settleUnfinishedTurns(store, chatId);
        store.appendUserMessage({ ownerId, chatId, turnId, text: message, cursorStart: fromSeqNum });
      },
      onFinish: (end) => {
        // S2 was unreachable: the reply is stored from S2 (settleUnfinishedTurns) once its lease closes it,
        // with the events readers saw and the cursor where it really ends.
        if (end.open) return;
        store.appendAssistantMessage({
          chatId,
          turnId: end.turnId,
          content: reply?.content() ?? [],
          status: STATUS_FOR_END[end.reason],
          error: end.error ?? null,
          cursorStart: end.fromSeqNum,
          cursorEnd: end.toSeqNum,
        });
      },
    },
  );
  if (response.status === 409) throw new TurnInProgressError();
  return response;
}

export async function stopTurn(ownerId: string, chatId: string): Promise<Response> {
  if (!history().getChat(ownerId, chatId)) throw new NotFoundError();
  if (!(await chat.stop(streamNameFor(chatId)))) throw new NoActiveTurnError();
  return Response.json({ stopped: true }, { headers: { 'Cache-Control': 'no-store' } });
}

export interface ReplayInput {
  ownerId: string;
  chatId: string;
  from?: number;
  live: boolean;
  signal: AbortSignal;
}

export async function replayTurns({ ownerId, chatId, from, live, signal }: ReplayInput): Promise<Response> {
  if (!history().getChat(ownerId, chatId)) throw new NotFoundError();
  return chat.replay(streamNameFor(chatId), { fromSeqNum: from ?? 0, live, signal });
}

function toSummary(row: Chat): ChatSummary {
  return { id: row.id, title: row.title, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function toMessage(row: Message): ChatMessage {
  return {
    id: row.id,
    turnId: row.turnId,
    role: row.role,
    content: row.content,
    status: row.status,
    error: row.error ?? null,
    createdAt: row.createdAt,
  };
}

export function listChats(ownerId: string): ChatSummary[] {
  return history().listChats(ownerId).map(toSummary);
}

/** A chat with its finished messages and the cursor a live subscription starts from. */
export async function chatDetail(ownerId: string, chatId: string): Promise<ChatDetail | undefined> {
  const store = history();
  if (!store.getChat(ownerId, chatId)) return undefined;
  try {
    await settleUnfinishedTurns(store, chatId);
  } catch (error) {
    // S2 unreachable: history is still worth showing; unfinished turns are settled on a later read.
    console.warn('settling unfinished turns failed; they stay unfinished for now', error);
  }
  const found = store.getChatWithMessages(ownerId, chatId);
  if (!found) return undefined;
  return {
    chat: toSummary(found.chat),
    messages: found.messages.map(toMessage),
    cursor: liveCursor(found.messages),
  };
}

export async function deleteChat(ownerId: string, chatId: string): Promise<void> {
  if (!history().deleteChat(ownerId, chatId)) throw new NotFoundError();
  // A reply still streaming into a deleted chat has nowhere to go; stopping it is best effort.
  await chat.stop(streamNameFor(chatId)).catch(() => false);
}

export function isForeignChat(ownerId: string, chatId: string): boolean {
  return history().isForeignChat(ownerId, chatId);
}
