// Reply plans: what the local model says for the default answer and for each `/demo` command.
import { composeAnswer } from './answer';
import { chunkCharacters, chunkWords } from './chunks';
import { type DemoCommand, replyKindOf } from './demo';
import { thinkingSignature, toolUseId } from './ids';

export type PlanBlock =
  | { readonly type: 'text'; readonly chunks: readonly string[] }
  | { readonly type: 'thinking'; readonly chunks: readonly string[]; readonly signature: string }
  | {
      readonly type: 'tool_use';
      readonly id: string;
      readonly name: string;
      readonly input: Readonly<Record<string, string>>;
      readonly chunks: readonly string[];
    };

export type PlanEnding = 'end_turn' | 'tool_use' | 'overloaded';

/** How each counted delta is paced: at the model's token rate, or at the fixed `/demo slow` rate. */
export type PlanPace = 'model' | 'slow';

export interface ReplyPlan {
  readonly blocks: readonly PlanBlock[];
  readonly ending: PlanEnding;
  readonly pace: PlanPace;
  /** The counted delta (0-based, across blocks) that waits the stall pause before it is sent. */
  readonly stallBeforeDelta: number | null;
}

const LONG_MIN_DELTAS = 2000;

const LONG_SENTENCES = [
  'Streams like this one exist to show that a long reply survives reloads, extra tabs and dropped networks.',
  'Every delta is persisted as it arrives, so a reader that joins late replays the start and then follows live.',
  'Nothing here is random: the same request always produces the same words in the same chunks.',
  'The pace is steady on purpose, which makes it easy to reload halfway and check that nothing is lost.',
  'A durable log keeps the order of events, and the cursor says exactly where a reader left off.',
  'When the reply finishes, the whole message is stored in history and the stream is marked complete.',
] as const;

function textPlan(chunks: readonly string[], extra: Partial<ReplyPlan> = {}): ReplyPlan {
  return {
    blocks: [{ type: 'text', chunks }],
    ending: 'end_turn',
    pace: 'model',
    stallBeforeDelta: null,
    ...extra,
  };
}

function longReplyChunks(): string[] {
  const chunks: string[] = [];
  chunks.push(...chunkWords('# A very long answer\n\nThis reply is deliberately long.', 'long:intro'));
  for (let part = 1; chunks.length < LONG_MIN_DELTAS; part++) {
    const sentences = LONG_SENTENCES.map((_, i) => LONG_SENTENCES[(part + i) % LONG_SENTENCES.length]);
    const section = `\n\n## Part ${part}\n\n${sentences.slice(0, 4).join(' ')}\n\n- ${sentences[4]}\n- ${sentences[5]}`;
    chunks.push(...chunkWords(section, `long:${part}`));
  }
  chunks.push(...chunkWords('\n\nThat is the end of the long answer.', 'long:outro'));
  return chunks;
}

const SLOW_TEXT =
  'This reply arrives slowly on purpose, one small piece every quarter of a second, so there is plenty of ' +
  'time to try things while it streams. Reload the page, open the chat in another tab, or drop the network ' +
  'for a moment: the stream picks up exactly where it was, without losing or repeating a single word. ' +
  'It ends right here.';

const THINKING_TEXT =
  'The user wants to see extended thinking. I should reason briefly in steps: first restate the goal, ' +
  'then check what a good demonstration needs, then answer with a short summary. ' +
  'A thinking block comes first, then its signature, then the visible answer.';

const THINKING_ANSWER =
  '## Thinking, then answering\n\nI reasoned about this before replying. The thinking block above was streamed ' +
  'with `thinking_delta` events and sealed with a `signature_delta`; this text is a separate block.\n\n' +
  '- **Thinking:** streamed first\n- **Answer:** streamed second';

const TOOL_PREAMBLE = "I'll check the current weather in San Francisco for you.";

const TOOL_INPUT = { location: 'San Francisco, CA', unit: 'celsius' } as const;

const ERROR_TEXT =
  'This reply starts out normally, and the first few sentences stream in at the usual pace. ' +
  'But partway through, the model runs into trouble: the stream is about to end with an overloaded error, ' +
  'exactly the way the real API reports';

const STALL_FIRST =
  'This reply will pause in the middle, as if the model stalled while thinking about what to say next.';
const STALL_REST =
  ' The pause is over and the rest of the reply arrives at the normal pace. A stall like that should not be ' +
  'mistaken for the end of the turn, and the reply should still finish cleanly.';

export const HELP_TEXT = [
  '## Demo commands',
  '',
  'Type one of these as your whole message:',
  '',
  '- `/demo long`: a very long reply (over 2,000 deltas)',
  '- `/demo slow`: a short reply streamed one delta every 250 ms',
  '- `/demo thinking`: a thinking block, then the answer',
  '- `/demo tool`: a `get_weather` tool call (`stop_reason: tool_use`)',
  '- `/demo error`: some text, then an `overloaded_error` mid-stream',
  '- `/demo stall`: some text, a long pause, then the rest',
  '- `/demo help`: this list',
  '',
  'Anything else gets a short markdown answer.',
].join('\n');

function demoPlan(command: DemoCommand, idSeed: string): ReplyPlan {
  switch (command) {
    case 'long':
      return textPlan(longReplyChunks());
    case 'slow':
      return textPlan(chunkWords(SLOW_TEXT, 'slow', 2), { pace: 'slow' });
    case 'thinking':
      return {
        blocks: [
          {
            type: 'thinking',
            chunks: chunkWords(THINKING_TEXT, 'thinking'),
            signature: thinkingSignature(idSeed),
          },
          { type: 'text', chunks: chunkWords(THINKING_ANSWER, 'thinking:answer') },
        ],
        ending: 'end_turn',
        pace: 'model',
        stallBeforeDelta: null,
      };
    case 'tool':
      return {
        blocks: [
          { type: 'text', chunks: chunkWords(TOOL_PREAMBLE, 'tool') },
          {
            type: 'tool_use',
            id: toolUseId(idSeed),
            name: 'get_weather',
            input: TOOL_INPUT,
            chunks: chunkCharacters(JSON.stringify(TOOL_INPUT), 'tool:input'),
          },
        ],
        ending: 'tool_use',
        pace: 'model',
        stallBeforeDelta: null,
      };
    case 'error':
      return textPlan(chunkWords(ERROR_TEXT, 'error'), { ending: 'overloaded' });
    case 'stall': {
      const first = chunkWords(STALL_FIRST, 'stall:first');
      const rest = chunkWords(STALL_REST, 'stall:rest');
      return textPlan([...first, ...rest], { stallBeforeDelta: first.length });
    }
    case 'help':
      return textPlan(chunkWords(HELP_TEXT, 'help'));
    default:
      return command satisfies never;
  }
}

/**
 * The plan for a reply to `userText`. Words and chunking depend only on `userText`; `idSeed` (a digest of the
 * whole request) only feeds identifiers such as the tool-use id and the thinking signature.
 */
export function planReply(userText: string, idSeed: string): ReplyPlan {
  const kind = replyKindOf(userText);
  switch (kind.kind) {
    case 'answer':
      return textPlan(chunkWords(composeAnswer(userText), `answer:${userText}`));
    case 'demo':
      return demoPlan(kind.command, idSeed);
    default:
      return kind satisfies never;
  }
}
