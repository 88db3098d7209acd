'use client';
// Sends a message as a new turn and stops the running one; the reply itself arrives on the live stream.
import { type Dispatch, useCallback, useRef } from 'react';
import { ApiError, fallbackMessage, NetworkError, postTurn, stopTurn } from './chat-api';
import { newId } from './new-id';
import type { SessionAction } from './session-state';

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
  // Stop pressed while the send is still on its way has no turn to stop yet (409): it waits for the 202.
  const inFlight = useRef(0);
  const stopWanted = useRef(false);

  const requestStop = useCallback(async () => {
    try {
      await stopTurn(chatId);
    } catch (error) {
      // 409/404: the turn already ended (or never started); the stream shows how it ended.
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) return;
      dispatch({ type: 'banner', banner: { kind: 'error', message: failureMessage(error) } });
    }
  }, [chatId, dispatch]);

  const send = useCallback(
    async (text: string) => {
      const turnId = newId();
      dispatch({ type: 'send', turnId, text });
      inFlight.current += 1;
      try {
        await postWithRetry(chatId, text, turnId);
        dispatch({ type: 'send-accepted', turnId });
        onAccepted();
        if (stopWanted.current) {
          stopWanted.current = false;
          void requestStop();
        }
        return true;
      } catch (error) {
        stopWanted.current = false;
        const busy = error instanceof ApiError && error.status === 409;
        const message = busy ? fallbackMessage(409) : failureMessage(error);
        dispatch({ type: 'send-rejected', turnId, banner: { kind: busy ? 'busy' : 'error', message } });
        return false;
      } finally {
        inFlight.current -= 1;
      }
    },
    [chatId, dispatch, onAccepted, requestStop],
  );

  const stop = useCallback(async () => {
    if (inFlight.current > 0) {
      stopWanted.current = true;
      return;
    }
    await requestStop();
  }, [requestStop]);

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
