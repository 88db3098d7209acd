// The chat view's state machine: stored history plus turns seen live, merged so that no turn shows twice.
import type { ChatDetail, ChatMessage } from '../lib/chat-types';
import { INTERRUPTED_ERROR_TYPE, type ResumableEvent } from '../lib/resumable/events';
import { type AssistantTurn, emptyTurn, foldEvent } from '../lib/transcript';

/**
 * A turn this tab knows about that history may not hold yet: sent from here, seen on the live stream, or
 * (with neither `userText` nor `assistant`) a reply history shows is running that the stream has not reached.
 */
export interface LocalTurn {
  /** Stable React key for the turn's lifetime in this tab. */
  key: string;
  /** Null for a turn started in another tab until a history read tells us which user message it answers. */
  turnId: string | null;
  /** What was typed here; shown until history holds the stored user message. */
  userText: string | null;
  /** The reply folded from the live stream; null (awaited) until its `message_start` (or an early `error`). */
  assistant: AssistantTurn | null;
  /** Stream position just past this turn's first event: orders the turn against a history cursor. */
  startCursor: number | null;
  /** History already holds this reply, so only history's copy is shown. */
  covered: boolean;
}

export interface Banner {
  kind: 'busy' | 'error';
  message: string;
}

export interface SessionState {
  history: ChatMessage[];
  /** Where the live subscription starts; null while the chat does not exist yet (nothing sent). */
  subscription: { epoch: number; from: number } | null;
  turns: LocalTurn[];
  banner: Banner | null;
  /** Bumped whenever the view needs a fresh `GET /api/chats/:id`; starts at 1 when there is no history yet. */
  refetchSeq: number;
  /** Refetches since a turn ended without history holding its reply yet (the store lags the stream). */
  reconcileAttempts: number;
}

export type SessionAction =
  /** `cursor`: the stream position just past `event` (its SSE id), null if unknown. */
  | { type: 'event'; event: ResumableEvent; cursor: number | null }
  | { type: 'send'; turnId: string; text: string }
  | { type: 'send-accepted'; turnId: string }
  | { type: 'send-rejected'; turnId: string; banner: Banner }
  /** A routine history read: merge it with what the stream has shown. */
  | { type: 'hydrated'; detail: ChatDetail }
  /** The stream position was lost (410/416): start over from history; the caller resubscribes from its cursor. */
  | { type: 'rehydrated'; detail: ChatDetail }
  | { type: 'refetch'; reconcile: boolean }
  | { type: 'banner'; banner: Banner | null };

export const MAX_RECONCILE_ATTEMPTS = 4;

export function initialSession(detail: ChatDetail | null): SessionState {
  return withAwaitedReply({
    history: detail?.messages ?? [],
    subscription: detail === null ? null : { epoch: 1, from: detail.cursor },
    turns: [],
    banner: null,
    // No chat in the page may be a stale copy (Back restores it from the router cache): read it once.
    refetchSeq: detail === null ? 1 : 0,
    reconcileAttempts: 0,
  });
}

export function sessionReducer(state: SessionState, action: SessionAction): SessionState {
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event, action.cursor);
    case 'send':
      return {
        ...state,
        banner: null,
        reconcileAttempts: 0,
        turns: [
          ...state.turns,
          { ...blankTurn(action.turnId), turnId: action.turnId, userText: action.text },
        ],
      };
    case 'send-accepted':
      // The chat exists now, but its stream may hold earlier turns this tab never read (a stale page):
      // follow it from history's cursor, which is where this turn starts unless it has already been stored.
      return state.subscription === null ? { ...state, refetchSeq: state.refetchSeq + 1 } : state;
    case 'send-rejected': {
      const next = rejectSend(state, action.turnId, action.banner);
      // Refused because a turn from elsewhere holds a chat this tab does not follow yet: read it, then follow.
      const discover = action.banner.kind === 'busy' && state.subscription === null;
      return discover ? { ...next, refetchSeq: next.refetchSeq + 1 } : next;
    }
    case 'hydrated': {
      const merged = mergeHistory(state, action.detail);
      // The first read of a chat this tab did not know existed: follow it from where history leaves off.
      if (merged.subscription !== null) return merged;
      return { ...merged, subscription: { epoch: 1, from: action.detail.cursor } };
    }
    case 'rehydrated':
      return rehydrate(state, action.detail);
    case 'refetch':
      return {
        ...state,
        refetchSeq: state.refetchSeq + 1,
        reconcileAttempts: action.reconcile ? state.reconcileAttempts + 1 : state.reconcileAttempts,
      };
    case 'banner':
      return { ...state, banner: action.banner };
    default:
      return unknownAction(action, state);
  }
}

function applyEvent(state: SessionState, event: ResumableEvent, cursor: number | null): SessionState {
  const liveIndex = state.turns.findIndex((turn) => turn.assistant?.status === 'streaming');
  // An `error` with no turn streaming is a turn that failed before the model said anything.
  const startsTurn = event.type === 'message_start' || (event.type === 'error' && liveIndex === -1);
  let next = startsTurn ? startTurn(state, event, cursor, liveIndex) : state;
  if (!startsTurn) {
    const live = state.turns[liveIndex];
    if (live?.assistant == null) return state; // a stray event of a turn we never saw start
    next = replaceTurn(state, liveIndex, { ...live, assistant: foldEvent(live.assistant, event) });
  }
  if (event.type !== 'message_stop' && event.type !== 'error') return next;
  // A finished reply is read back from history, which holds its final status (stopped, error...).
  return {
    ...next,
    turns: next.turns.filter((turn) => !(turn.covered && !isStreaming(turn))),
    refetchSeq: next.refetchSeq + 1,
    reconcileAttempts: 0,
  };
}

function startTurn(
  state: SessionState,
  event: ResumableEvent,
  cursor: number | null,
  liveIndex: number,
): SessionState {
  const turns = state.turns.slice();
  const unfinished = turns[liveIndex];
  if (unfinished?.assistant != null) turns[liveIndex] = interrupt(unfinished, unfinished.assistant);
  const assistant = foldEvent(emptyTurn(), event);
  const pendingIndex = turns.findIndex(isAwaiting);
  const pending = turns[pendingIndex];
  if (pending !== undefined) {
    turns[pendingIndex] = { ...pending, assistant, startCursor: cursor };
    return { ...state, turns };
  }
  // Not sent from this tab: it answers the user message history ends with, or one we have not read yet.
  const turnId = unansweredTurnId(state.history, turns);
  turns.push({
    ...blankTurn(`stream-${cursor ?? 'unknown'}-${turns.length}`),
    turnId,
    assistant,
    startCursor: cursor,
  });
  return { ...state, turns, refetchSeq: turnId === null ? state.refetchSeq + 1 : state.refetchSeq };
}

function interrupt(turn: LocalTurn, assistant: AssistantTurn): LocalTurn {
  return {
    ...turn,
    assistant: {
      ...assistant,
      status: 'error',
      error: { type: INTERRUPTED_ERROR_TYPE, message: 'The reply was interrupted.' },
    },
  };
}

function rejectSend(state: SessionState, turnId: string, banner: Banner): SessionState {
  const turns: LocalTurn[] = [];
  let orphaned = false;
  for (const turn of state.turns) {
    if (turn.turnId !== turnId) turns.push(turn);
    else if (turn.assistant !== null) {
      // A reply started while our request was refused: it belongs to a turn sent elsewhere.
      turns.push({ ...turn, turnId: null, userText: null });
      orphaned = true;
    }
  }
  return { ...state, turns, banner, refetchSeq: orphaned ? state.refetchSeq + 1 : state.refetchSeq };
}

function mergeHistory(state: SessionState, detail: ChatDetail): SessionState {
  const history = detail.messages;
  const answered = answeredTurnIds(history);
  const turns: LocalTurn[] = [];
  for (const turn of state.turns) {
    let merged = turn;
    if (merged.turnId === null && merged.startCursor !== null && detail.cursor > merged.startCursor) {
      // History's cursor moved past this turn's start, so history holds it finished.
      merged = { ...merged, covered: true };
    } else if (merged.turnId === null) {
      merged = { ...merged, turnId: unansweredTurnId(history, [...turns, ...state.turns]) };
    }
    if (merged.turnId !== null && answered.has(merged.turnId)) merged = { ...merged, covered: true };
    // A covered turn still streaming stays (hidden) so the rest of its events land somewhere harmless.
    if (!(merged.covered && !isStreaming(merged))) turns.push(merged);
  }
  return withAwaitedReply({ ...state, history, turns });
}

function rehydrate(state: SessionState, detail: ChatDetail): SessionState {
  const answered = answeredTurnIds(detail.messages);
  // Everything seen live is replayed from the new cursor; only turns still waiting for a reply survive, and
  // not those the new history already answers: their reply lies before the cursor, so no event would end them.
  const turns = state.turns.filter(
    (turn) => isAwaiting(turn) && !(turn.turnId !== null && answered.has(turn.turnId)),
  );
  return withAwaitedReply({ ...state, history: detail.messages, turns });
}

/**
 * History ending with a user message that nothing here answers means its reply is running on the server:
 * show it as running at once rather than idle until its first event. The placeholder goes first, since its
 * user message is already in history, and so the reply's `message_start` lands on it, not on a later send.
 */
function withAwaitedReply(state: SessionState): SessionState {
  const turnId = unansweredTurnId(state.history, state.turns);
  if (turnId === null) return state;
  return { ...state, turns: [{ ...blankTurn(`awaiting-${turnId}`), turnId }, ...state.turns] };
}

function answeredTurnIds(history: readonly ChatMessage[]): Set<string> {
  return new Set(history.filter((m) => m.role === 'assistant').map((m) => m.turnId));
}

/** The turn id of history's last message if it is a user message no reply (stored or local) claims yet. */
function unansweredTurnId(history: readonly ChatMessage[], turns: readonly LocalTurn[]): string | null {
  const last = history.at(-1);
  if (last === undefined || last.role !== 'user') return null;
  return turns.some((turn) => turn.turnId === last.turnId) ? null : last.turnId;
}

function replaceTurn(state: SessionState, index: number, turn: LocalTurn): SessionState {
  const turns = state.turns.slice();
  turns[index] = turn;
  return { ...state, turns };
}

function blankTurn(key: string): LocalTurn {
  return {
    key,
    turnId: null,
    userText: null,
    assistant: null,
    startCursor: null,
    covered: false,
  };
}

function isStreaming(turn: LocalTurn): boolean {
  return turn.assistant?.status === 'streaming';
}

/** Sent from here, or known to be running, with no event of its reply seen yet. */
function isAwaiting(turn: LocalTurn): boolean {
  return turn.assistant === null;
}

function isRunningTurn(turn: LocalTurn): boolean {
  if (turn.covered) return false;
  return isAwaiting(turn) || isStreaming(turn);
}

/** A turn is running from the moment it is sent here (or seen starting) until its reply ends. */
export function isTurnRunning(state: SessionState): boolean {
  return state.turns.some(isRunningTurn);
}

/** Finished replies that history does not hold yet: worth another read soon. */
export function needsReconcile(state: SessionState): boolean {
  return (
    state.reconcileAttempts < MAX_RECONCILE_ATTEMPTS &&
    state.turns.some((turn) => turn.assistant !== null && !isStreaming(turn) && !turn.covered)
  );
}

function unknownAction<T>(_value: never, fallback: T): T {
  return fallback;
}
