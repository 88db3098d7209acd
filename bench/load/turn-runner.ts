// One chat turn as a page lives it, with random network drops and reloads, checked against the model and history.
import { performance } from 'node:perf_hooks';
import { type ResumableEvent, subscribe } from '../../lib/resumable/client';
import { expectedReplyText, replyEvents } from '../../local/anthropic/index';
import { type Browser, storedReply } from './browser';
import type { Random } from './random';

/** ANTHROPIC_MAX_TOKENS' default, which the app sends as `max_tokens`. */
export const MAX_TOKENS = 1024;
const TURN_TIMEOUT_MS = 90_000;
const HISTORY_TIMEOUT_MS = 15_000;

export interface Disruptions {
  /** Chance, after each event, that the network drops and the subscriber resumes from its last id. */
  reconnectPerEvent: number;
  /** Chance, after each event, that the page reloads: history again, then replay from its cursor. */
  reloadPerEvent: number;
  maxReconnects: number;
  maxReloads: number;
}

export interface TurnOutcome {
  /** Events received, including those a reload threw away. */
  delivered: number;
  lost: number;
  duplicated: number;
  /** The folded stream text (or, after a reload that found the turn finished, the history) differs. */
  streamMismatch: boolean;
  historyMismatch: boolean;
  reconnects: number;
  reloads: number;
  /** POST → first event of the turn at the subscriber, ms. */
  firstEventMs: number | undefined;
  failure?: string;
}

type SegmentEnd = 'terminal' | 'reconnect' | 'reload' | 'ended';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isTerminal(event: ResumableEvent): boolean {
  return event.type === 'message_stop' || event.type === 'error';
}

function foldText(events: readonly ResumableEvent[]): string {
  let text = '';
  for (const event of events) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  }
  return text;
}

/** The model's events for this message, less `ping`s, which the Anthropic SDK does not pass on. */
function expectedEventCount(message: string): number {
  return replyEvents({
    model: 'load',
    max_tokens: MAX_TOKENS,
    messages: [{ role: 'user', content: message }],
  }).filter(({ event }) => event.type !== 'ping').length;
}

export async function runTurn(
  browser: Browser,
  chatId: string,
  message: string,
  turnId: string,
  random: Random,
  disruptions: Disruptions,
): Promise<TurnOutcome> {
  const outcome: TurnOutcome = {
    delivered: 0,
    lost: 0,
    duplicated: 0,
    streamMismatch: false,
    historyMismatch: false,
    reconnects: 0,
    reloads: 0,
    firstEventMs: undefined,
  };
  const deadline = performance.now() + TURN_TIMEOUT_MS;
  const existing = await browser.chat(chatId);
  let cursor = existing?.cursor ?? 0;
  /** What the page shows for this turn: the events since its last (re)load, without repeats. */
  let view: ResumableEvent[] = [];
  let postedAt: number | undefined;

  /** One subscription, from `from`, until the turn ends or a disruption is drawn. */
  const segment = (from: number) => {
    const controller = new AbortController();
    let onLive: () => void = () => undefined;
    const live = new Promise<void>((resolve) => {
      onLive = resolve;
    });
    const done = (async (): Promise<SegmentEnd> => {
      let advanced = false;
      const events = subscribe({
        url: browser.streamUrl(chatId),
        from,
        fetch: browser.fetch,
        signal: controller.signal,
        onCursor: (next) => {
          cursor = next;
          advanced = true;
        },
        onState: (state) => {
          if (state === 'live') onLive();
        },
      });
      try {
        for await (const event of events) {
          outcome.delivered++;
          // Every event must move the cursor forward; one that does not is a repeat.
          if (!advanced) {
            outcome.duplicated++;
            continue;
          }
          advanced = false;
          if (postedAt !== undefined && outcome.firstEventMs === undefined) {
            outcome.firstEventMs = performance.now() - postedAt;
          }
          view.push(event);
          if (isTerminal(event)) return 'terminal';
          if (performance.now() > deadline) throw new Error('turn timed out');
          if (
            outcome.reconnects < disruptions.maxReconnects &&
            random.chance(disruptions.reconnectPerEvent)
          ) {
            return 'reconnect';
          }
          if (outcome.reloads < disruptions.maxReloads && random.chance(disruptions.reloadPerEvent))
            return 'reload';
        }
        return 'ended';
      } finally {
        onLive();
        controller.abort();
      }
    })();
    return { live, done };
  };

  try {
    let current: ReturnType<typeof segment>;
    if (existing) {
      // The page is already tailing its chat when the user sends.
      current = segment(cursor);
      await current.live;
      postedAt = performance.now();
      await browser.send(chatId, message, turnId);
    } else {
      // A chat does not exist (404 to its stream) until its first message creates it.
      postedAt = performance.now();
      await browser.send(chatId, message, turnId);
      current = segment(cursor);
    }
    let finishedInHistory: string | undefined;
    for (;;) {
      const end = await current.done;
      if (end === 'terminal') break;
      if (end === 'ended') throw new Error('the subscription ended before the turn did');
      await sleep(random.between(0, 300));
      if (end === 'reconnect') {
        outcome.reconnects++;
        current = segment(cursor);
        continue;
      }
      outcome.reloads++;
      const detail = await browser.chat(chatId);
      const stored = storedReply(detail, turnId);
      if (stored) {
        // The turn ended while the page was away: the reloaded page shows it from history.
        finishedInHistory = stored.text;
        break;
      }
      view = [];
      cursor = detail?.cursor ?? 0;
      current = segment(cursor);
    }
    const expected = expectedReplyText(message, MAX_TOKENS);
    if (finishedInHistory === undefined) {
      outcome.lost = Math.max(0, expectedEventCount(message) - view.length);
      outcome.duplicated += Math.max(0, view.length - expectedEventCount(message));
      outcome.streamMismatch = foldText(view) !== expected;
    } else {
      outcome.streamMismatch = finishedInHistory !== expected;
    }
    outcome.historyMismatch = (await storedText(browser, chatId, turnId)) !== expected;
  } catch (error) {
    outcome.failure = error instanceof Error ? error.message : String(error);
  }
  return outcome;
}

/** The stored reply once the turn's end reached history (it is written just after the last event). */
async function storedText(browser: Browser, chatId: string, turnId: string): Promise<string | undefined> {
  const until = performance.now() + HISTORY_TIMEOUT_MS;
  while (performance.now() < until) {
    const stored = storedReply(await browser.chat(chatId), turnId);
    if (stored) return stored.status === 'complete' ? stored.text : `(${stored.status}) ${stored.text}`;
    await sleep(50);
  }
  return undefined;
}
