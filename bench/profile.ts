// `npx tsx bench/profile.ts --baseline b --pace fast --turns 30 [--concurrency 1] [--replays 0]`: drives one
// baseline under steady load with CPU profiling on in the target and local S2; `--replays N` then replays
// the last turn (b) N times, to profile the read path alone.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { wallNow } from './harness/clock';
import { startBenchServers } from './harness/servers';
import { percentile } from './harness/stats';
import { type Baseline, TargetClient } from './harness/target-client';
import { deliveredRate, runLiveTurn, spec } from './harness/turns';
import { lagsOf } from './harness/verify';
import type { UpstreamPace } from './target/upstream';

const { values } = parseArgs({
  options: {
    baseline: { type: 'string', default: 'b' },
    pace: { type: 'string', default: 'fast' },
    turns: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '1' },
    tokens: { type: 'string', default: '2000' },
    replays: { type: 'string', default: '0' },
  },
});
const baseline = values.baseline as Baseline;
const pace = values.pace as UpstreamPace;
const turns = Number(values.turns);
const concurrency = Number(values.concurrency);
const tokens = Number(values.tokens);
const replays = Number(values.replays);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-profile-'));
  const servers = await startBenchServers({ cpuProfileDir: dir });
  const target = new TargetClient(servers.targetUrl);
  const rates: number[] = [];
  const lags: number[] = [];
  const started = wallNow();
  try {
    let left = turns;
    let lastTurn = '';
    const worker = async () => {
      while (left-- > 0) {
        const turn = spec('profile', pace, ['/demo long'], tokens);
        const live = await runLiveTurn(target, baseline, turn, { timeoutMs: 120_000 });
        rates.push(deliveredRate(live));
        lags.push(...lagsOf(live.subscriber.frames, live.stamps));
        lastTurn = turn.id;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const replayRates: number[] = [];
    for (let i = 0; i < replays; i++) {
      const replayStarted = wallNow();
      const replay = target.subscribeB(lastTurn, 0, false);
      await replay.done;
      replayRates.push(replay.frames.length / ((replay.endedAt - replayStarted) / 1000));
    }
    if (replays > 0)
      console.log(
        `replay: median ${percentile(replayRates, 50).toFixed(0)} events/s over ${replays} replays`,
      );
  } finally {
    target.close();
    await servers.stop();
  }
  console.log(
    `${turns} ${pace} turns on (${baseline}) in ${((wallNow() - started) / 1000).toFixed(1)} s: ` +
      `median ${percentile(rates, 50).toFixed(0)} events/s per turn, lag p50 ${percentile(lags, 50).toFixed(2)} ms, ` +
      `p99 ${percentile(lags, 99).toFixed(2)} ms`,
  );
  const profiles = (await readdir(dir)).filter((file) => file.endsWith('.cpuprofile'));
  console.log(`profiles (target and local S2; summarize with bench/profile-summary.ts):`);
  for (const file of profiles) console.log(`  ${join(dir, file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
