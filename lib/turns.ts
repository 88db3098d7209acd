// The chat service: start, stop and replay turns, and read chats, for the thin route handlers.
import 'server-only';
import type { ContentBlock } from '@anthropic-ai/sdk/resources/messages';
import { after } from 'next/server';
import { getDb } from '../db/client';
import { createHistory, type History, liveCursor } from '../db/history';
import type { Chat, Message, MessageStatus } from '../db/schema';
import type { ChatDetail, ChatMessage, ChatSummary } from './chat-types';
import { env } from './env';
import {
  EarlierTurnError,
  NoActiveTurnError,
  NotFoundError,
  RateLimitedError,
  TurnInProgressError,
} from './http-errors';
import { type ModelReply, streamReply } from './model-stream';
import { createRateLimiter } from './rate-limit';
import type { GenerationEnd, GenerationEndReason } from './resumable';
import { chat, deleteChatStream, streamNameFor } from './s2';
import { settleUnfinishedTurns } from './settle-turns';
import { foldEvents } from './transcript';

const history = (): History => createHistory(getDb(env().DATABASE_URL));
const globalForLimiter = globalThis as typeof globalThis & {
  __turnLimiter?: ReturnType<typeof createRateLimiter>;
  __addressLimiter?: ReturnType<typeof createRateLimiter>;
};
const limiter = () => (globalForLimiter.__turnLimiter ??= createRateLimiter(env().RATE_LIMIT_PER_MINUTE));
/** Per network address too: a new identity is one dropped cookie away, an address is not. */
const addressLimiter = () =>
  (globalForLimiter.__addressLimiter ??= createRateLimiter(env().RATE_LIMIT_PER_ADDRESS_PER_MINUTE));

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
  /** The client's network address when a proxy reports it (see client-address.ts). */
  clientAddress?: string | null;
}

/**
 * Claims the chat's stream, stores the user's message, starts the model and persists its events in the
 * background (202). Nothing is written when the claim fails; a retry with the chat's latest turn id joins,
 * an earlier turn id of the chat is refused (409): a new reply to it could never be stored.
 */
export async function startTurn({
  ownerId,
  chatId,
  message,
  turnId,
  clientAddress,
}: TurnInput): Promise<Response> {
  const store = history();
  const ownership = store.chatOwnership(ownerId, chatId);
  // Another browser's chat, or a deleted one: it does not exist, and its id cannot be taken.
  if (ownership === 'foreign' || ownership === 'deleted') throw new NotFoundError();
  const position = ownership === 'own' ? store.turnPosition(chatId, turnId) : 'new';
  if (position === 'earlier') throw new EarlierTurnError();
  const input = { ownerId, chatId, message, turnId };
  // A retry of the chat's latest turn joins it (its message is stored already, so it can never start a
  // second reply): it is not limited, or a client that lost its 202 near the limit could not rejoin.
  if (position === 'latest') return claimTurn(input, ownership, store, () => undefined);
  const takenAt = Date.now();
  const retryAfter = limiter().take(ownerId, takenAt);
  if (retryAfter > 0) throw new RateLimitedError(retryAfter);
  const addressRetryAfter = clientAddress ? addressLimiter().take(clientAddress, takenAt) : 0;
  if (addressRetryAfter > 0) {
    limiter().giveBack(ownerId, takenAt);
    throw new RateLimitedError(addressRetryAfter);
  }
  // The limits count replies started: a 409 or a failed claim gives its attempts back.
  let started = false;
  try {
    return await claimTurn(input, ownership, store, () => {
      started = true;
    });
  } finally {
    if (!started) {
      limiter().giveBack(ownerId, takenAt);
      if (clientAddress) addressLimiter().giveBack(clientAddress, takenAt);
    }
  }
}

/** The claim and the turn's background work; `onStarted` once a reply is about to be asked of the model. */
async function claimTurn(
  { ownerId, chatId, message, turnId }: TurnInput,
  ownership: ReturnType<History['chatOwnership']>,
  store: History,
  onStarted: () => void,
): Promise<Response> {
  let reply: ModelReply | undefined;
  const response = await chat
    .makeResumable(
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
        onStart: async ({ fromSeqNum }) => {
          // A turn whose reply history lacks (a takeover ended it, or its server died after the end) is stored
          // from S2 before this turn's message, so history keeps the order and the model sees that reply.
          // (One SQLite read when nothing is pending.) A failed read of S2 does not hold this turn up.
          await settleWhenReachable(store, chatId);
          // Checked again in the transaction: a chat deleted since the check above is not re-created (404).
          store.appendUserMessage({
            ownerId,
            chatId,
            turnId,
            text: message,
            cursorStart: fromSeqNum,
            chatExists: ownership === 'own',
          });
          onStarted();
        },
        onFinish: async (end) => {
          // The chat was deleted during the turn: the writer may have re-created the stream as it wound down.
          if (store.chatOwnership(ownerId, chatId) === 'deleted') return deleteDeletedChatStream(chatId);
          // S2 was unreachable: the reply is stored from S2 (settleUnfinishedTurns) once its lease closes it,
          // with the events readers saw and the cursor where it really ends.
          if (end.open) return;
          store.appendAssistantMessage({
            chatId,
            turnId: end.turnId,
            content: await storedContent(chatId, end, reply),
            status: STATUS_FOR_END[end.reason],
            error: end.error ?? null,
            cursorStart: end.fromSeqNum,
            cursorEnd: end.toSeqNum,
          });
        },
      },
    )
    .catch(async (error: unknown) => {
      // Deleted while this turn claimed its stream: the claim re-created the stream, so it is deleted again.
      if (store.chatOwnership(ownerId, chatId) === 'deleted') await deleteDeletedChatStream(chatId);
      throw error;
    });
  if (response.status === 409) throw new TurnInProgressError();
  return response;
}

/**
 * What history keeps of a reply: what readers were shown. A complete reply is all the model sent; a
 * stopped, failed or taken-over one may end with events the SDK received but the writer never persisted
 * (still in a batch when the fence landed), so it is read back from S2, as readers saw it.
 */
async function storedContent(
  chatId: string,
  end: GenerationEnd,
  reply: ModelReply | undefined,
): Promise<ContentBlock[]> {
  if (end.reason === 'complete') return reply?.content() ?? [];
  try {
    const report = await chat.readGeneration(streamNameFor(chatId), end.fromSeqNum);
    return foldEvents(report.events).content;
  } catch (error) {
    // S2 out of reach right after the turn ended: the SDK's copy is the closest there is.
    console.warn('reading an ended reply back from S2 failed; storing the model stream copy', error);
    return reply?.content() ?? [];
  }
}

/** Deletes again the stream of a chat deleted while one of its turns ran; a failure only costs storage. */
async function deleteDeletedChatStream(chatId: string): Promise<void> {
  await deleteChatStream(chatId).catch((error: unknown) =>
    console.warn('deleting the stream of a deleted chat failed', error),
  );
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

/** Settles the chat's unfinished turns from S2; when S2 cannot be read, they stay for a later read to settle. */
async function settleWhenReachable(store: History, chatId: string): Promise<void> {
  try {
    await settleUnfinishedTurns(store, chatId);
  } catch (error) {
    console.warn('settling unfinished turns failed; they stay unfinished for now', error);
  }
}

/** A chat with its finished messages and the cursor a live subscription starts from. */
export async function chatDetail(ownerId: string, chatId: string): Promise<ChatDetail | undefined> {
  const store = history();
  if (!store.getChat(ownerId, chatId)) return undefined;
  // S2 unreachable: history is still worth showing.
  await settleWhenReachable(store, chatId);
  const found = store.getChatWithMessages(ownerId, chatId);
  if (!found) return undefined;
  return {
    chat: toSummary(found.chat),
    messages: found.messages.map(toMessage),
    cursor: liveCursor(found.messages),
  };
}

/**
 * Deletes the chat: its history, with a tombstone so its id can never be re-created, then its active turn
 * (stopped, so its writer appends nothing more) and its S2 stream. When S2 fails after the history is gone,
 * the error is reported and the same owner's retry runs the S2 part again.
 */
export async function deleteChat(ownerId: string, chatId: string): Promise<void> {
  if (!history().deleteChat(ownerId, chatId)) throw new NotFoundError();
  await chat.stop(streamNameFor(chatId));
  await deleteChatStream(chatId);
}

/** True when the id is another browser's chat or a deleted one: for this owner it does not exist. */
/** The chat's title for the page's `<title>`, or null when it has none (or is not this browser's). */
export function chatTitle(ownerId: string, chatId: string): string | null {
  const title = history().getChat(ownerId, chatId)?.title.trim();
  return title ? title : null;
}

export function isUnavailableChat(ownerId: string, chatId: string): boolean {
  return history().isUnavailableChat(ownerId, chatId);
}
