// Scenarios for the chat view's merge of stored history and live turns: each turn shows exactly once.
import { describe, expect, it } from 'vitest';
import type { ChatDetail, ChatMessage } from '../lib/chat-types';
import type { ResumableEvent } from '../lib/resumable/events';
import { STOPPED_EVENT } from '../lib/resumable/events';
import { turnText } from '../lib/transcript';
import {
  messageStart,
  messageStop,
  streamError,
  textDelta,
  textStart,
  textTurn,
} from '../lib/transcript-fixtures';
import {
  initialSession,
  isTurnRunning,
  MAX_RECONCILE_ATTEMPTS,
  needsReconcile,
  type SessionAction,
  type SessionState,
  sessionReducer,
} from './session-state';
import { viewMessages } from './view-messages';

const CHAT = { id: 'chat-1', title: 'Hello', createdAt: 1, updatedAt: 1 };

function user(turnId: string, text: string): ChatMessage {
  return {
    id: `u-${turnId}`,
    turnId,
    role: 'user',
    content: [{ type: 'text', text, citations: null }],
    status: 'complete',
    error: null,
    createdAt: 1,
  };
}

function assistant(turnId: string, text: string, status: ChatMessage['status'] = 'complete'): ChatMessage {
  return { ...user(turnId, text), id: `a-${turnId}`, role: 'assistant', status };
}

function detail(messages: ChatMessage[], cursor: number): ChatDetail {
  return { chat: CHAT, messages, cursor };
}

/** Feeds events as the stream would, each with the cursor just past it, starting at `from`. */
function stream(state: SessionState, events: readonly ResumableEvent[], from: number): SessionState {
  return events.reduce<SessionState>(
    (current, event, index) => sessionReducer(current, { type: 'event', event, cursor: from + index + 1 }),
    state,
  );
}

function apply(state: SessionState, ...actions: SessionAction[]): SessionState {
  return actions.reduce(sessionReducer, state);
}

/** The view as [role, text, status] rows, which is what a reader sees. */
function seen(state: SessionState): Array<[string, string, string]> {
  return viewMessages(state).map((message) => [message.role, turnText(message.content), message.status]);
}

describe('sessionReducer', () => {
  it('renders history and subscribes from its cursor', () => {
    const state = initialSession(detail([user('t1', 'Hi'), assistant('t1', 'Hello!')], 12));
    expect(state.subscription).toEqual({ epoch: 1, from: 12 });
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello!', 'complete'],
    ]);
    expect(isTurnRunning(state)).toBe(false);
  });

  it('resumes mid-turn after a reload without duplicating the user message', () => {
    // History was read mid-turn: it ends with the user message, and the cursor is where the turn starts.
    let state = initialSession(detail([user('t1', 'Tell me a story')], 0));
    state = stream(state, [messageStart(), textStart(0), textDelta(0, 'Once upon')], 0);
    expect(seen(state)).toEqual([
      ['user', 'Tell me a story', 'complete'],
      ['assistant', 'Once upon', 'streaming'],
    ]);
    expect(state.refetchSeq).toBe(0);
    expect(isTurnRunning(state)).toBe(true);
  });

  it('shows a sent message at once, streams its reply, and keeps one copy once history stores the turn', () => {
    let state = apply(initialSession(detail([], 0)), { type: 'send', turnId: 't1', text: 'Hi' });
    expect(seen(state)).toEqual([['user', 'Hi', 'complete']]);
    expect(isTurnRunning(state)).toBe(true);

    state = apply(state, { type: 'send-accepted', turnId: 't1' });
    state = stream(state, textTurn(['Hel', 'lo']), 0);
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
    expect(isTurnRunning(state)).toBe(false);
    expect(state.refetchSeq).toBe(1);

    state = apply(state, {
      type: 'hydrated',
      detail: detail([user('t1', 'Hi'), assistant('t1', 'Hello')], 6),
    });
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
    expect(state.turns).toEqual([]);
  });

  it('keeps the live copy while history lags behind the stream, then asks again', () => {
    let state = apply(initialSession(detail([], 0)), { type: 'send', turnId: 't1', text: 'Hi' });
    state = stream(state, textTurn(['Hello']), 0);
    // The reply is stored a moment after its last event: this read has the user message only.
    state = apply(state, { type: 'hydrated', detail: detail([user('t1', 'Hi')], 0) });
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
    expect(needsReconcile(state)).toBe(true);

    for (let attempt = 0; attempt < MAX_RECONCILE_ATTEMPTS; attempt += 1) {
      state = apply(state, { type: 'refetch', reconcile: true });
    }
    expect(needsReconcile(state)).toBe(false);
  });

  it("streams a brand-new chat's first reply live from the cursor the read after the 202 returns", () => {
    let state = initialSession(null);
    expect(state.subscription).toBeNull();
    // The read on mount finds nothing (404): the empty state stays and nothing is followed.
    state = apply(
      state,
      { type: 'send', turnId: 't1', text: 'First' },
      { type: 'send-accepted', turnId: 't1' },
    );
    expect(state.subscription).toBeNull();
    expect(state.refetchSeq).toBe(2);
    state = apply(state, { type: 'hydrated', detail: detail([user('t1', 'First')], 0) });
    expect(state.subscription).toEqual({ epoch: 1, from: 0 });
    expect(isTurnRunning(state)).toBe(true);
    state = stream(state, [messageStart(), textStart(0), textDelta(0, 'Hel')], 0);
    expect(seen(state)).toEqual([
      ['user', 'First', 'complete'],
      ['assistant', 'Hel', 'streaming'],
    ]);
    state = stream(state, [textDelta(0, 'lo'), messageStop()], 3);
    expect(seen(state)).toEqual([
      ['user', 'First', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
    expect(isTurnRunning(state)).toBe(false);
  });

  it('a page restored from the client cache with no chat reads it on mount and follows from its cursor', () => {
    // Back to a chat that was created after this page was first rendered: the page still says "no chat".
    let state = initialSession(null);
    expect(state.refetchSeq).toBe(1);
    state = apply(state, {
      type: 'hydrated',
      detail: detail([user('t1', 'Hi'), assistant('t1', 'Hello')], 6),
    });
    expect(state.subscription).toEqual({ epoch: 1, from: 6 });
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
    expect(isTurnRunning(state)).toBe(false);
  });

  it('a stale page that sends before reading its chat does not attach an earlier reply to the new message', () => {
    // The mount read failed; the chat already holds a finished turn at stream positions 0-5.
    let state = apply(
      initialSession(null),
      { type: 'send', turnId: 't2', text: 'Again' },
      { type: 'send-accepted', turnId: 't2' },
    );
    // Not subscribed from 0, which would replay t1's reply onto t2: the read says where t2 starts.
    expect(state.subscription).toBeNull();
    state = apply(state, {
      type: 'hydrated',
      detail: detail([user('t1', 'Hi'), assistant('t1', 'Hello'), user('t2', 'Again')], 6),
    });
    expect(state.subscription).toEqual({ epoch: 1, from: 6 });
    state = stream(state, textTurn(['Once', ' more']), 6);
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
      ['user', 'Again', 'complete'],
      ['assistant', 'Once more', 'complete'],
    ]);
  });

  it('a stale page whose new turn is stored by the time it reads shows the turn once, from history', () => {
    let state = apply(
      initialSession(null),
      { type: 'send', turnId: 't1', text: 'Quick' },
      { type: 'send-accepted', turnId: 't1' },
    );
    state = apply(state, {
      type: 'hydrated',
      detail: detail([user('t1', 'Quick'), assistant('t1', 'Done')], 6),
    });
    expect(state.subscription).toEqual({ epoch: 1, from: 6 });
    expect(state.turns).toEqual([]);
    expect(seen(state)).toEqual([
      ['user', 'Quick', 'complete'],
      ['assistant', 'Done', 'complete'],
    ]);
    expect(isTurnRunning(state)).toBe(false);
  });

  it('shows a turn started in another tab with its user message above the streaming reply', () => {
    let state = initialSession(detail([user('t1', 'Hi'), assistant('t1', 'Hello')], 6));
    state = stream(state, [messageStart('msg_2'), textStart(0), textDelta(0, 'Sure')], 6);
    // The reply shows at once; the user message it answers is read from history.
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
      ['assistant', 'Sure', 'streaming'],
    ]);
    expect(state.refetchSeq).toBe(1);

    state = apply(state, {
      type: 'hydrated',
      detail: detail([user('t1', 'Hi'), assistant('t1', 'Hello'), user('t2', 'More')], 6),
    });
    state = stream(state, [textDelta(0, ' thing')], 9);
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
      ['user', 'More', 'complete'],
      ['assistant', 'Sure thing', 'streaming'],
    ]);
    expect(state.turns[0]?.turnId).toBe('t2');
  });

  it('does not show a foreign turn twice when history already stored it by the time it was read', () => {
    let state = initialSession(detail([user('t1', 'Hi'), assistant('t1', 'Hello')], 6));
    state = stream(state, textTurn(['Quick']), 6);
    // The read comes back after the turn ended and was stored: the cursor is past the turn's start.
    state = apply(state, {
      type: 'hydrated',
      detail: detail(
        [user('t1', 'Hi'), assistant('t1', 'Hello'), user('t2', 'Again'), assistant('t2', 'Quick')],
        12,
      ),
    });
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
      ['user', 'Again', 'complete'],
      ['assistant', 'Quick', 'complete'],
    ]);
  });

  it('hides a reply history already holds even while its own stream is still catching up', () => {
    let state = initialSession(detail([user('t1', 'Hi')], 0));
    state = stream(state, [messageStart(), textStart(0), textDelta(0, 'Hel')], 0);
    state = apply(state, {
      type: 'hydrated',
      detail: detail([user('t1', 'Hi'), assistant('t1', 'Hello')], 6),
    });
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
    expect(isTurnRunning(state)).toBe(false);
    // The rest of the lagging stream lands on the hidden turn, which then goes away.
    state = stream(state, [textDelta(0, 'lo'), messageStop()], 3);
    expect(seen(state)).toHaveLength(2);
    expect(state.turns).toEqual([]);
  });

  it('shows "a reply is already in progress" and drops the message a 409 refused', () => {
    let state = apply(initialSession(detail([], 0)), { type: 'send', turnId: 't1', text: 'Hi' });
    state = apply(state, {
      type: 'send-rejected',
      turnId: 't1',
      banner: { kind: 'busy', message: 'A reply is already in progress.' },
    });
    expect(seen(state)).toEqual([]);
    expect(state.banner).toEqual({ kind: 'busy', message: 'A reply is already in progress.' });
    expect(isTurnRunning(state)).toBe(false);
  });

  it('a tab refused because a chat it did not know about is busy reads that chat and follows its turn', () => {
    // Opened before the chat existed (nothing to follow); another tab's first turn now holds it.
    let state = apply(initialSession(null), { type: 'send', turnId: 'mine', text: 'Mine' });
    state = apply(state, {
      type: 'send-rejected',
      turnId: 'mine',
      banner: { kind: 'busy', message: 'A reply is already in progress.' },
    });
    // The read on mount, then the read that discovers the chat.
    expect(state.refetchSeq).toBe(2);
    expect(state.subscription).toBeNull();
    state = apply(state, { type: 'hydrated', detail: detail([user('theirs', 'Theirs')], 7) });
    expect(state.subscription).toEqual({ epoch: 1, from: 7 });
    expect(isTurnRunning(state)).toBe(true);
    state = stream(state, [messageStart(), textStart(0), textDelta(0, 'Reply')], 7);
    expect(seen(state)).toEqual([
      ['user', 'Theirs', 'complete'],
      ['assistant', 'Reply', 'streaming'],
    ]);
    expect(state.banner).toEqual({ kind: 'busy', message: 'A reply is already in progress.' });
  });

  it('hands a reply back to its own turn when the send it was matched to is refused', () => {
    let state = apply(initialSession(detail([], 0)), { type: 'send', turnId: 'mine', text: 'Mine' });
    // Another tab's turn starts while our request is in flight; the server then refuses ours with 409.
    state = stream(state, [messageStart(), textStart(0), textDelta(0, 'Theirs')], 0);
    state = apply(state, {
      type: 'send-rejected',
      turnId: 'mine',
      banner: { kind: 'busy', message: 'busy' },
    });
    expect(seen(state)).toEqual([['assistant', 'Theirs', 'streaming']]);
    expect(state.refetchSeq).toBe(1);
    state = apply(state, { type: 'hydrated', detail: detail([user('theirs', 'Theirs, please')], 0) });
    expect(seen(state)).toEqual([
      ['user', 'Theirs, please', 'complete'],
      ['assistant', 'Theirs', 'streaming'],
    ]);
  });

  it('rebuilds from history and the replay after a 416 without duplicating anything', () => {
    let state = initialSession(detail([user('t1', 'Hi')], 40));
    state = stream(state, [messageStart(), textStart(0), textDelta(0, 'Par')], 40);
    // The stream was reset; history says the turn starts at 0 in the new stream.
    state = apply(state, { type: 'rehydrated', detail: detail([user('t1', 'Hi')], 0) });
    // The reply is still running: it waits for its replayed events rather than showing stale text.
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', '', 'streaming'],
    ]);
    state = stream(state, [messageStart(), textStart(0), textDelta(0, 'Partial')], 0);
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Partial', 'streaming'],
    ]);
  });

  it('ends a pending send after a 416 when the new history already holds its reply', () => {
    let state = apply(initialSession(detail([], 0)), { type: 'send', turnId: 't1', text: 'Hi' });
    // The stream was reset before this tab saw any event of the reply, which was stored meanwhile.
    state = apply(state, {
      type: 'rehydrated',
      detail: detail([user('t1', 'Hi'), assistant('t1', 'Hello')], 6),
    });
    expect(state.turns).toEqual([]);
    expect(isTurnRunning(state)).toBe(false);
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
  });

  it('keeps a pending send after a 416 while the new history still awaits its reply, without a second copy', () => {
    let state = apply(initialSession(detail([], 0)), { type: 'send', turnId: 't1', text: 'Hi' });
    state = apply(state, { type: 'rehydrated', detail: detail([user('t1', 'Hi')], 0) });
    expect(isTurnRunning(state)).toBe(true);
    state = stream(state, textTurn(['Hello']), 0);
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
  });

  it('shows a chat loaded mid-reply as running and waiting before the first live event', () => {
    const state = initialSession(detail([user('t1', 'Hi'), assistant('t1', 'Hello'), user('t2', 'More')], 6));
    expect(isTurnRunning(state)).toBe(true);
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
      ['user', 'More', 'complete'],
      ['assistant', '', 'streaming'],
    ]);
  });

  it('keeps each message of a sent turn under one key from the send until history holds the reply', () => {
    let state = apply(initialSession(detail([], 0)), { type: 'send', turnId: 't1', text: 'Hi' });
    state = apply(state, { type: 'send-accepted', turnId: 't1' });
    state = stream(state, textTurn(['Hello']), 0);
    const live = viewMessages(state).map((message) => message.key);
    state = apply(state, {
      type: 'hydrated',
      detail: detail([user('t1', 'Hi'), assistant('t1', 'Hello')], textTurn(['Hello']).length),
    });
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
    // The same keys: React keeps both messages mounted (an opened thinking block stays open).
    expect(viewMessages(state).map((message) => message.key)).toEqual(live);
    expect(live).toEqual(['user-t1', 'assistant-t1']);
  });

  it('replaces the waiting reply in place with the live one when its events arrive', () => {
    let state = initialSession(detail([user('t1', 'Tell me')], 0));
    const [waiting] = viewMessages(state).slice(-1);
    state = stream(state, [messageStart(), textStart(0), textDelta(0, 'Once')], 0);
    const view = viewMessages(state);
    expect(view.map((message) => message.key)).toEqual(['user-t1', waiting?.key]);
    expect(seen(state)).toEqual([
      ['user', 'Tell me', 'complete'],
      ['assistant', 'Once', 'streaming'],
    ]);
    expect(state.refetchSeq).toBe(0);
  });

  it('clears the waiting reply when a later read of history holds the reply', () => {
    let state = initialSession(detail([user('t1', 'Hi')], 0));
    state = apply(state, {
      type: 'hydrated',
      detail: detail([user('t1', 'Hi'), assistant('t1', 'Hello')], 6),
    });
    expect(state.turns).toEqual([]);
    expect(isTurnRunning(state)).toBe(false);
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
  });

  it('a stopped reply of a chat loaded mid-reply ends the waiting state', () => {
    let state = initialSession(detail([user('t1', '/demo stall')], 0));
    state = stream(state, [STOPPED_EVENT], 0);
    expect(isTurnRunning(state)).toBe(false);
    expect(seen(state)).toEqual([
      ['user', '/demo stall', 'complete'],
      ['assistant', '', 'stopped'],
    ]);
  });

  it('keeps the partial text of a stopped reply and shows it as stopped', () => {
    let state = apply(initialSession(detail([], 0)), { type: 'send', turnId: 't1', text: '/demo stall' });
    state = stream(state, [messageStart(), textStart(0), textDelta(0, 'Half'), STOPPED_EVENT], 0);
    expect(seen(state)).toEqual([
      ['user', '/demo stall', 'complete'],
      ['assistant', 'Half', 'stopped'],
    ]);
    expect(isTurnRunning(state)).toBe(false);
  });

  it('shows an upstream failure as an error with the partial text', () => {
    let state = initialSession(detail([user('t1', '/demo error')], 0));
    state = stream(
      state,
      [messageStart(), textStart(0), textDelta(0, 'Some'), streamError('overloaded_error', 'Busy.')],
      0,
    );
    const [, reply] = viewMessages(state);
    expect(reply).toMatchObject({ status: 'error', error: { type: 'overloaded_error', message: 'Busy.' } });
    expect(turnText(reply?.content ?? [])).toBe('Some');
  });

  it('records a turn that failed before the model started', () => {
    let state = apply(initialSession(detail([], 0)), { type: 'send', turnId: 't1', text: 'Hi' });
    state = stream(state, [streamError('api_error', 'The model is unavailable.')], 0);
    expect(seen(state)).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', '', 'error'],
    ]);
    expect(isTurnRunning(state)).toBe(false);
  });

  it('marks a reply interrupted when the next turn starts before it ended', () => {
    let state = initialSession(detail([user('t1', 'One')], 0));
    state = stream(state, [messageStart('m1'), textStart(0), textDelta(0, 'Cut')], 0);
    state = apply(state, { type: 'send', turnId: 't2', text: 'Two' });
    state = stream(state, [messageStart('m2'), textStart(0), textDelta(0, 'Fresh')], 3);
    expect(seen(state)).toEqual([
      ['user', 'One', 'complete'],
      ['assistant', 'Cut', 'interrupted'],
      ['user', 'Two', 'complete'],
      ['assistant', 'Fresh', 'streaming'],
    ]);
  });

  it('ignores events of a turn whose start it never saw', () => {
    const state = initialSession(detail([], 5));
    expect(stream(state, [textDelta(0, 'orphan'), messageStop()], 5).turns).toEqual([]);
  });

  it('clears the banner when a new message is sent', () => {
    let state = apply(initialSession(null), { type: 'banner', banner: { kind: 'error', message: 'Oops' } });
    state = apply(state, { type: 'send', turnId: 't1', text: 'Again' });
    expect(state.banner).toBeNull();
  });
});
