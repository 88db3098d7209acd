'use client';
// Holds one chat's view state: history, the live subscription folded into it, and history re-reads.
import { type Dispatch, useEffect, useEffectEvent, useMemo, useReducer, useState } from 'react';
import type { ChatDetail } from '../lib/chat-types';
import { type ConnectionState, SubscribeHttpError } from '../lib/resumable/client';
import { ApiError, fetchChat, fetchChats, NetworkError } from './chat-api';
import { followStream } from './follow-stream';
import {
  type Banner,
  initialSession,
  isTurnRunning,
  needsReconcile,
  type SessionAction,
  sessionReducer,
} from './session-state';
import { type ViewMessage, viewMessages } from './view-messages';

export interface ChatSession {
  messages: ViewMessage[];
  running: boolean;
  /** The live subscription's state; a chat with nothing sent yet has nothing to follow and counts as live. */
  connection: ConnectionState;
  banner: Banner | null;
  dispatch: Dispatch<SessionAction>;
}

const RECONCILE_DELAY_MS = 700;

export function useChatSession(chatId: string, initialDetail: ChatDetail | null): ChatSession {
  const [state, dispatch] = useReducer(sessionReducer, initialDetail, initialSession);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const epoch = state.subscription?.epoch;
  const from = state.subscription?.from;

  useEffect(() => {
    if (epoch === undefined || from === undefined) return;
    const controller = new AbortController();
    void followStream({
      chatId,
      from,
      signal: controller.signal,
      onEvent: (event, cursor) => dispatch({ type: 'event', event, cursor }),
      onRehydrate: (detail) => dispatch({ type: 'rehydrated', detail }),
      onState: setConnection,
      onFatal: (error) =>
        dispatch({ type: 'banner', banner: { kind: 'error', message: streamFailure(error) } }),
    });
    return () => controller.abort();
  }, [chatId, epoch, from]);

  // Judged from the state when a read starts or fails, not when its effect began. A tab that sent into a chat
  // it does not follow yet learns where to follow from only by reading it (`discovering`). A page with no
  // chat reads it in case it is a stale copy (`probing`); most such pages are new chats, which the list
  // answers without a 404 in the browser's console.
  const readPurpose = useEffectEvent(() => ({
    discovering: state.subscription === null && isTurnRunning(state),
    probing: state.subscription === null && !isTurnRunning(state),
  }));

  const { refetchSeq } = state;
  useEffect(() => {
    if (refetchSeq === 0) return;
    // A newer request supersedes an older one still in flight: the latest read wins.
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    const read = readPurpose().probing
      ? fetchChats(controller.signal).then((chats) =>
          chats.some((chat) => chat.id === chatId) ? fetchChat(chatId, controller.signal) : undefined,
        )
      : fetchChat(chatId, controller.signal);
    read.then(
      (detail) => {
        if (detail) dispatch({ type: 'hydrated', detail });
      },
      (error: unknown) => {
        // A failed re-read is not fatal: the live view stays right; the next turn's end reads again. A 404
        // is a chat with nothing sent yet. Only a tab waiting to discover its own turn's stream must retry.
        if (controller.signal.aborted || !(error instanceof NetworkError) || !readPurpose().discovering)
          return;
        retry = setTimeout(() => dispatch({ type: 'refetch', reconcile: false }), RECONCILE_DELAY_MS);
      },
    );
    return () => {
      controller.abort();
      clearTimeout(retry);
    };
  }, [chatId, refetchSeq]);

  // The reply is stored a moment after its last event is streamed; read again until history holds it.
  const reconcile = needsReconcile(state);
  const { reconcileAttempts } = state;
  useEffect(() => {
    if (!reconcile) return;
    const timer = setTimeout(
      () => dispatch({ type: 'refetch', reconcile: true }),
      RECONCILE_DELAY_MS * (reconcileAttempts + 1),
    );
    return () => clearTimeout(timer);
  }, [reconcile, reconcileAttempts]);

  const messages = useMemo(() => viewMessages(state), [state]);
  return {
    messages,
    running: isTurnRunning(state),
    connection: state.subscription === null ? 'live' : connection,
    banner: state.banner,
    dispatch,
  };
}

function streamFailure(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof SubscribeHttpError) {
    if (error.status === 404) return 'This chat is no longer available.';
    return `The server refused the live connection (${error.status}). Reload the page to retry.`;
  }
  return 'Lost the live connection to this chat. Reload the page to reconnect.';
}
