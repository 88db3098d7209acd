// Brings history up to date with S2 for turns whose reply never reached it (a crashed or restarted server).
import 'server-only';
import type { History } from '../db/history';
import type { MessageStatus } from '../db/schema';
import type { GenerationEnding } from './resumable';
import { chat, streamNameFor } from './s2';
import { foldEvents } from './transcript';

const STATUS_FOR_ENDING = {
  complete: 'complete',
  stopped: 'stopped',
  error: 'error',
  interrupted: 'interrupted',
} as const satisfies Record<GenerationEnding, MessageStatus>;

/**
 * For each turn with a stored user message but no reply, reads its generation back from S2 (the source of
 * truth) and stores the reply it ended with. A generation whose writer died is closed once its lease runs
 * out and stored as `interrupted` with its partial text. Turns still streaming are left alone; storing is
 * idempotent, so a writer finishing at the same moment cannot store a second reply.
 */
export async function settleUnfinishedTurns(store: History, chatId: string): Promise<void> {
  for (const turn of store.unfinishedTurns(chatId)) {
    if (turn.cursorStart === null) continue;
    const report = await chat.readGeneration(streamNameFor(chatId), turn.cursorStart);
    if (report.state === 'active' || report.state === 'abandoned') continue;
    const folded = foldEvents(report.events);
    const lastError = report.events.findLast((event) => event.type === 'error');
    const ending: GenerationEnding = report.ending ?? 'interrupted';
    store.appendAssistantMessage({
      chatId,
      turnId: turn.turnId,
      content: folded.content,
      status: STATUS_FOR_ENDING[ending],
      error:
        ending === 'complete'
          ? null
          : lastError?.type === 'error'
            ? lastError.error
            : { type: 'interrupted', message: 'The reply was interrupted.' },
      cursorStart: turn.cursorStart,
      cursorEnd: report.toSeqNum ?? report.nextSeqNum,
    });
  }
}
