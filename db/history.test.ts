import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatNotFoundError, createHistory, type History, liveCursor, titleFrom } from './history';
import { type HistoryDb, openHistoryDb } from './open';

let db: HistoryDb;
let history: History;
beforeEach(() => {
  db = openHistoryDb('file::memory:');
  history = createHistory(db);
});
afterEach(() => db.$client.close());

const text = (value: string) => [{ type: 'text' as const, text: value, citations: null }];

function startTurn(turnId: string, message: string, cursorStart: number, now: number, ownerId = 'alice') {
  return history.appendUserMessage({ ownerId, chatId: 'chat-1', turnId, text: message, cursorStart, now });
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
    expect(history.isForeignChat('mallory', 'chat-1')).toBe(true);
    expect(history.chatOwnership('mallory', 'chat-1')).toBe('foreign');
    expect(history.chatOwnership('alice', 'chat-1')).toBe('own');
    expect(history.chatOwnership('alice', 'chat-2')).toBe('none');
    expect(() => startTurn('t2', 'theirs', 5, 1001, 'mallory')).toThrow(ChatNotFoundError);
    expect(history.deleteChat('mallory', 'chat-1')).toBe(false);
    expect(history.getChatWithMessages('alice', 'chat-1')?.messages).toHaveLength(1);
  });

  it('lists chats newest first and deletes them with their messages', () => {
    history.appendUserMessage({
      ownerId: 'alice',
      chatId: 'a',
      turnId: 'ta',
      text: 'first',
      cursorStart: 0,
      now: 1,
    });
    history.appendUserMessage({
      ownerId: 'alice',
      chatId: 'b',
      turnId: 'tb',
      text: 'second',
      cursorStart: 0,
      now: 2,
    });
    expect(history.listChats('alice').map((chat) => chat.id)).toEqual(['b', 'a']);
    expect(history.deleteChat('alice', 'b')).toBe(true);
    expect(history.listChats('alice').map((chat) => chat.id)).toEqual(['a']);
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
