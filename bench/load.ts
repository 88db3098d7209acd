// `npm run load`: 100 chats × 3 turns against the real app (next start, local stand-ins) with random
// reloads and reconnects; exits non-zero if any event is lost or duplicated, or a reply differs from history.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuild } from './load/app-build';
import { type RunningApp, startApp } from './load/app-server';
import { Browser } from './load/browser';
import { seededRandom } from './load/random';
import { passed, printSummary, summarize } from './load/summary';
import { type Disruptions, runTurn, type TurnOutcome } from './load/turn-runner';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The load itself (after any build) must finish within this. */
const RUN_TIMEOUT_MS = 5 * 60_000;

const DISRUPTIONS = {
  reconnectPerEvent: 1 / 60,
  reloadPerEvent: 1 / 250,
  maxReconnects: 3,
  maxReloads: 1,
} as const satisfies Disruptions;

const log = (line: string) => console.log(`[load] ${line}`);

function options() {
  const { values } = parseArgs({
    options: {
      chats: { type: 'string', default: '100' },
      turns: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '20' },
      browsers: { type: 'string', default: '10' },
      'tokens-per-sec': { type: 'string', default: '250' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  const int = (name: string, raw: string | undefined, max: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be 1..${max}`);
    return value;
  };
  return {
    chats: int('chats', values.chats, 1000),
    turns: int('turns', values.turns, 20),
    concurrency: int('concurrency', values.concurrency, 200),
    browsers: int('browsers', values.browsers, 1000),
    tokensPerSec: int('tokens-per-sec', values['tokens-per-sec'], 100_000),
    seed: values.seed === undefined ? randomBytes(4).readUInt32LE() : int('seed', values.seed, 2 ** 32 - 1),
  };
}

/** Mostly short answers, with a long reply now and then so some drops land deep in a turn. */
function messageFor(chat: number, turn: number): string {
  return (chat * 3 + turn) % 10 === 0
    ? '/demo long'
    : `Tell me about resumable streams (chat ${chat}, turn ${turn})`;
}

async function runLoad(app: RunningApp, opts: ReturnType<typeof options>): Promise<TurnOutcome[]> {
  const browsers = Array.from({ length: opts.browsers }, () => new Browser(app.url));
  for (const browser of browsers) await browser.visit();
  const run = randomBytes(3).toString('hex');
  const outcomes: TurnOutcome[] = [];
  let next = 0;
  const worker = async () => {
    for (let chat = next++; chat < opts.chats; chat = next++) {
      const browser = browsers[chat % browsers.length] as Browser;
      const random = seededRandom(opts.seed + chat);
      const chatId = `load-${run}-${chat}`;
      for (let turn = 0; turn < opts.turns; turn++) {
        const outcome = await runTurn(
          browser,
          chatId,
          messageFor(chat, turn),
          `${chatId}-t${turn}`,
          random,
          DISRUPTIONS,
        );
        outcomes.push(outcome);
        if (outcome.failure) log(`chat ${chat} turn ${turn} failed: ${outcome.failure}`);
      }
      if ((chat + 1) % 10 === 0) log(`${outcomes.length} turns done`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.chats) }, worker));
  return outcomes;
}

async function main(): Promise<void> {
  const opts = options();
  log(`${opts.chats} chats × ${opts.turns} turns, ${opts.concurrency} at a time, seed ${opts.seed}`);
  await ensureBuild(ROOT, log);
  const app = await startApp(ROOT, { tokensPerSec: opts.tokensPerSec, log });
  const stopAndExit = (code: number) => void app.stop().finally(() => process.exit(code));
  process.once('SIGINT', () => stopAndExit(130));
  process.once('SIGTERM', () => stopAndExit(143));
  const timer = setTimeout(() => {
    console.error(`[load] the run exceeded ${RUN_TIMEOUT_MS / 1000} s; stopping`);
    stopAndExit(2);
  }, RUN_TIMEOUT_MS);
  const started = performance.now();
  let outcomes: TurnOutcome[];
  try {
    outcomes = await runLoad(app, opts);
  } finally {
    clearTimeout(timer);
    await app.stop();
  }
  const summary = summarize(outcomes, opts.chats, (performance.now() - started) / 1000);
  printSummary(summary);
  const ok = passed(summary);
  log(ok ? 'no event lost or duplicated; every reply matches the model and history' : 'FAILED');
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error('[load] failed:', error);
  process.exit(1);
});
