// What the message list shows, derived from the session: history, then what only this tab has seen.
import type { ContentBlock } from '@anthropic-ai/sdk/resources/messages';
import type { ChatError, MessageStatus } from '../lib/chat-types';
import { INTERRUPTED_ERROR_TYPE, STOPPED_ERROR_TYPE } from '../lib/resumable/events';
import type { AssistantTurn } from '../lib/transcript';
import type { SessionState } from './session-state';

export type ViewStatus = MessageStatus | 'streaming';

export interface ViewMessage {
  key: string;
  role: 'user' | 'assistant';
  content: ContentBlock[];
  /** Raw JSON of tool inputs still streaming, by block index. */
  partialJson: Record<number, string>;
  status: ViewStatus;
  error: ChatError | null;
}

/**
 * A message's React key: its turn and role whenever the turn is known, so a live message keeps its key (and
 * its mounted state, such as an opened thinking block) when history takes it over. One per turn and role.
 */
function keyOf(role: ViewMessage['role'], turnId: string | null, fallback: string): string {
  return turnId === null ? fallback : `${role}-${turnId}`;
}

/** What the message list shows: history, then what only this tab has seen, each turn once. */
export function viewMessages(state: SessionState): ViewMessage[] {
  const view: ViewMessage[] = state.history.map((message) => ({
    key: keyOf(message.role, message.turnId, message.id),
    role: message.role,
    content: message.content,
    partialJson: {},
    status: message.status,
    error: message.error,
  }));
  const storedUsers = new Set(state.history.filter((m) => m.role === 'user').map((m) => m.turnId));
  for (const turn of state.turns) {
    const { key } = turn;
    if (turn.userText !== null && !(turn.turnId !== null && storedUsers.has(turn.turnId))) {
      view.push({
        key: keyOf('user', turn.turnId, `local-user-${key}`),
        role: 'user',
        content: [{ type: 'text', text: turn.userText, citations: null }],
        partialJson: {},
        status: 'complete',
        error: null,
      });
    }
    if (turn.assistant === null && turn.userText === null && !turn.covered) {
      // A reply history says is running, before its first event arrives: shown waiting, under the same key
      // the live reply takes, so it is replaced in place.
      view.push({ ...awaitedReply, key: keyOf('assistant', turn.turnId, `live-${key}`) });
    }
    if (turn.assistant !== null && !turn.covered) {
      view.push({
        key: keyOf('assistant', turn.turnId, `live-${key}`),
        role: 'assistant',
        content: turn.assistant.content,
        partialJson: turn.assistant.partialJson,
        status: liveStatus(turn.assistant),
        error: turn.assistant.error,
      });
    }
  }
  return view;
}

const awaitedReply: Omit<ViewMessage, 'key'> = {
  role: 'assistant',
  content: [],
  partialJson: {},
  status: 'streaming',
  error: null,
};

function liveStatus(assistant: AssistantTurn): ViewStatus {
  switch (assistant.status) {
    case 'streaming':
      return 'streaming';
    case 'complete':
      return 'complete';
    case 'error':
      // The library ends a stopped or abandoned generation with an error envelope of its own type (and so
      // does this view for a reply whose stream moved on to the next turn without ending it).
      if (assistant.error?.type === STOPPED_ERROR_TYPE) return 'stopped';
      if (assistant.error?.type === INTERRUPTED_ERROR_TYPE) return 'interrupted';
      return 'error';
    default:
      return unknownStatus(assistant.status);
  }
}

function unknownStatus(_status: never): ViewStatus {
  return 'error';
}
