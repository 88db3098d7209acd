// Unit tests for the chat history store: owning, listing and deleting chats, transcripts and cursors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChatNotFoundError,
  createHistory,
  type History,
  liveCursor,
  TurnIdReusedError,
  titleFrom,
} from './history';
import { type HistoryDb, openHistoryDb } from './open';
import { messages } from './schema';

let db: HistoryDb;
let history: History;
beforeEach(() => {
  db = openHistoryDb('file::memory:');
  history = createHistory(db);
});
afterEach(() => db.$client.close());

const text = (value: string) => [{ type: 'text' as const, text: value, citations: null }];

function startTurn(
  turnId: string,
  message: string,
  cursorStart: number,
  now: number,
  ownerId = 'alice',
  chatId = 'chat-1',
) {
  // As the chat service does: whether the chat was already stored when the turn began.
  const chatExists = history.chatOwnership(ownerId, chatId) === 'own';
  return history.appendUserMessage({ ownerId, chatId, turnId, text: message, cursorStart, chatExists, now });
}

function answer(turnId: string, reply: string, cursorStart: number, cursorEnd: number, chatId = 'chat-1') {
  return history.appendAssistantMessage({
    chatId,
    turnId,
    content: text(reply),
    status: 'complete',
    cursorStart,
    cursorEnd,
    now: cursorEnd,
  });
}

describe('history', () => {
  it('creates the chat on its first message, titled from it', () => {
    startTurn('t1', 'How do S2 fencing tokens work?\nDetails follow.', 0, 1000);
    const found = history.getChatWithMessages('alice', 'chat-1');
    expect(found?.chat).toMatchObject({
      id: 'chat-1',
      title: 'How do S2 fencing tokens work?',
      createdAt: 1000,
    });
    expect(found?.messages.map((row) => [row.role, row.turnId, row.cursorStart])).toEqual([
      ['user', 't1', 0],
    ]);
  });

  it('stores a retried turn once', () => {
    const first = startTurn('t1', 'hello', 0, 1000);
    const again = startTurn('t1', 'hello', 0, 1001);
    expect(again.id).toBe(first.id);
    expect(history.getChatWithMessages('alice', 'chat-1')?.messages).toHaveLength(1);
  });

  it('stores the assistant message exactly once per turn', () => {
    startTurn('t1', 'hello', 0, 1000);
    const end = { chatId: 'chat-1', turnId: 't1', content: text('Hi!'), status: 'complete' as const };
    expect(history.appendAssistantMessage({ ...end, cursorStart: 0, cursorEnd: 9, now: 2000 })).toBe(true);
    expect(history.appendAssistantMessage({ ...end, cursorStart: 0, cursorEnd: 9, now: 2001 })).toBe(false);
    const rows = history.getChatWithMessages('alice', 'chat-1')?.messages ?? [];
    expect(rows.map((row) => row.role)).toEqual(['user', 'assistant']);
    expect(history.getChat('alice', 'chat-1')?.updatedAt).toBe(2000);
  });

  it('hides a chat from every other owner, and refuses to let them write to it', () => {
    startTurn('t1', 'mine', 0, 1000);
    expect(history.getChatWithMessages('mallory', 'chat-1')).toBeUndefined();
    expect(history.listChats('mallory')).toEqual([]);
    expect(history.isUnavailableChat('mallory', 'chat-1')).toBe(true);
    expect(history.isUnavailableChat('alice', 'chat-1')).toBe(false);
    expect(history.chatOwnership('mallory', 'chat-1')).toBe('foreign');
    expect(history.chatOwnership('alice', 'chat-1')).toBe('own');
    expect(history.chatOwnership('alice', 'chat-2')).toBe('none');
    expect(() => startTurn('t2', 'theirs', 5, 1001, 'mallory')).toThrow(ChatNotFoundError);
    expect(history.deleteChat('mallory', 'chat-1')).toBe(false);
    expect(history.getChatWithMessages('alice', 'chat-1')?.messages).toHaveLength(1);
  });

  it('lists chats newest first and deletes them with their messages', () => {
    startTurn('ta', 'first', 0, 1, 'alice', 'a');
    startTurn('tb', 'second', 0, 2, 'alice', 'b');
    expect(history.listChats('alice').map((chat) => chat.id)).toEqual(['b', 'a']);
    expect(history.deleteChat('alice', 'b')).toBe(true);
    expect(history.listChats('alice').map((chat) => chat.id)).toEqual(['a']);
  });

  it('scopes turn ids to their chat: the same turn id in another chat is a new turn there', () => {
    const first = startTurn('t1', 'in chat one', 0, 1);
    answer('t1', 'one', 0, 5);
    const second = startTurn('t1', 'in chat two', 0, 6, 'alice', 'chat-2');
    expect(second.id).not.toBe(first.id);
    expect(second.chatId).toBe('chat-2');
    expect(history.unfinishedTurns('chat-2').map((row) => row.id)).toEqual([second.id]);
    expect(answer('t1', 'two', 0, 9, 'chat-2')).toBe(true);
    expect(history.transcript('chat-2')).toEqual([
      { role: 'user', content: 'in chat two' },
      { role: 'assistant', content: 'two' },
    ]);
    expect(history.transcript('chat-1')).toEqual([
      { role: 'user', content: 'in chat one' },
      { role: 'assistant', content: 'one' },
    ]);
  });

  it("refuses a turn id of an earlier or answered turn, and lets the chat's latest unanswered turn retry", () => {
    startTurn('t1', 'one', 0, 1);
    answer('t1', 'ok', 0, 5);
    startTurn('t2', 'two', 5, 6);
    expect(history.turnPosition('chat-1', 't1')).toBe('earlier');
    expect(history.turnPosition('chat-1', 't2')).toBe('latest');
    expect(history.turnPosition('chat-1', 't3')).toBe('new');
    expect(history.turnPosition('chat-2', 't1')).toBe('new');
    expect(() => startTurn('t1', 'one again', 9, 7)).toThrow(TurnIdReusedError);
    // The latest turn, still unanswered: a retry stores nothing twice.
    expect(startTurn('t2', 'two', 5, 8).cursorStart).toBe(5);
    answer('t2', 'done', 5, 12);
    // Answered: a new reply to it could never be stored.
    expect(() => startTurn('t2', 'two', 12, 13)).toThrow(TurnIdReusedError);
    expect(history.getChatWithMessages('alice', 'chat-1')?.messages.map((row) => row.turnId)).toEqual([
      't1',
      't1',
      't2',
      't2',
    ]);
  });

  it("keeps a deleted chat's id as a tombstone: nobody can re-create it, its owner may repeat the delete", () => {
    startTurn('t1', 'secret', 0, 1);
    expect(history.deleteChat('alice', 'chat-1', 2)).toBe(true);
    expect(history.getChat('alice', 'chat-1')).toBeUndefined();
    for (const owner of ['alice', 'mallory']) {
      expect(history.chatOwnership(owner, 'chat-1')).toBe('deleted');
      expect(history.isUnavailableChat(owner, 'chat-1')).toBe(true);
      expect(() => startTurn('t9', 'again', 0, 3, owner)).toThrow(ChatNotFoundError);
    }
    expect(history.getChat('mallory', 'chat-1')).toBeUndefined();
    expect(history.deleteChat('alice', 'chat-1')).toBe(true);
    expect(history.deleteChat('mallory', 'chat-1')).toBe(false);
    expect(history.deleteChat('alice', 'never-existed')).toBe(false);
  });

  it('does not re-create a chat deleted while its turn was starting', () => {
    startTurn('t1', 'one', 0, 1);
    const begin = { ownerId: 'alice', chatId: 'chat-1', text: 'two', cursorStart: 5, chatExists: true };
    history.deleteChat('alice', 'chat-1');
    expect(() => history.appendUserMessage({ ...begin, turnId: 't2' })).toThrow(ChatNotFoundError);
    expect(() =>
      history.appendUserMessage({ ...begin, chatId: 'chat-3', turnId: 't2', chatExists: true }),
    ).toThrow(ChatNotFoundError);
    expect(history.listChats('alice')).toEqual([]);
    expect(db.select().from(messages).all()).toEqual([]);
  });

  it('builds a transcript of finished text, dropping empty and non-text blocks', () => {
    startTurn('t1', 'one', 0, 1);
    history.appendAssistantMessage({
      chatId: 'chat-1',
      turnId: 't1',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Answer one', citations: null },
      ],
      status: 'complete',
      cursorStart: 0,
      cursorEnd: 7,
      now: 2,
    });
    startTurn('t2', 'two', 7, 3);
    history.appendAssistantMessage({
      chatId: 'chat-1',
      turnId: 't2',
      content: [],
      status: 'error',
      error: { type: 'overloaded_error', message: 'An error occurred.' },
      cursorStart: 7,
      cursorEnd: 9,
      now: 4,
    });
    startTurn('t3', 'three', 9, 5);
    expect(history.transcript('chat-1')).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'Answer one' },
      { role: 'user', content: 'two' },
      { role: 'user', content: 'three' },
    ]);
    expect(history.unfinishedTurns('chat-1').map((row) => row.turnId)).toEqual(['t3']);
  });
});

describe('liveCursor', () => {
  it('starts at the first unfinished turn, else after the last reply', () => {
    startTurn('t1', 'one', 0, 1);
    expect(liveCursor(history.getChatWithMessages('alice', 'chat-1')?.messages ?? [])).toBe(0);
    history.appendAssistantMessage({
      chatId: 'chat-1',
      turnId: 't1',
      content: text('ok'),
      status: 'complete',
      cursorStart: 0,
      cursorEnd: 12,
      now: 2,
    });
    expect(liveCursor(history.getChatWithMessages('alice', 'chat-1')?.messages ?? [])).toBe(12);
    startTurn('t2', 'two', 12, 3);
    expect(liveCursor(history.getChatWithMessages('alice', 'chat-1')?.messages ?? [])).toBe(12);
    expect(liveCursor([])).toBe(0);
  });
});

describe('titleFrom', () => {
  it('uses the first line, shortened', () => {
    expect(titleFrom('  \n')).toBe('New chat');
    expect(titleFrom('x'.repeat(100))).toHaveLength(60);
    expect(titleFrom('x'.repeat(100)).endsWith('…')).toBe(true);
  });
});
