'use client';
// Sends a message as a new turn and stops the running one; the reply itself arrives on the live stream.
import { type Dispatch, useCallback } from 'react';
import { ApiError, NetworkError, postTurn, stopTurn } from './chat-api';
import { newId } from './new-id';
import type { SessionAction } from './session-state';

export const BUSY_MESSAGE = 'A reply is already in progress.';

/** Pauses between retries of a send that got no answer; the same turn id makes a retry join, not duplicate. */
const RETRY_DELAYS_MS = [400, 1200];

export interface SendTurn {
  /** Resolves true once the server accepted the turn, false if it was refused (the banner says why). */
  send: (text: string) => Promise<boolean>;
  stop: () => Promise<void>;
}

export function useSendTurn(
  chatId: string,
  dispatch: Dispatch<SessionAction>,
  onAccepted: () => void,
): SendTurn {
  const send = useCallback(
    async (text: string) => {
      const turnId = newId();
      dispatch({ type: 'send', turnId, text });
      try {
        await postWithRetry(chatId, text, turnId);
        dispatch({ type: 'send-accepted', turnId });
        onAccepted();
        return true;
      } catch (error) {
        const busy = error instanceof ApiError && error.status === 409;
        const message = busy ? BUSY_MESSAGE : failureMessage(error);
        dispatch({ type: 'send-rejected', turnId, banner: { kind: busy ? 'busy' : 'error', message } });
        return false;
      }
    },
    [chatId, dispatch, onAccepted],
  );

  const stop = useCallback(async () => {
    try {
      await stopTurn(chatId);
    } catch (error) {
      // 409/404: the turn already ended (or never started); the stream shows how it ended.
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) return;
      dispatch({ type: 'banner', banner: { kind: 'error', message: failureMessage(error) } });
    }
  }, [chatId, dispatch]);

  return { send, stop };
}

async function postWithRetry(chatId: string, text: string, turnId: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await postTurn(chatId, text, turnId);
      return;
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (!(error instanceof NetworkError) || delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof ApiError || error instanceof NetworkError) return error.message;
  return 'Something went wrong. Try again.';
}
