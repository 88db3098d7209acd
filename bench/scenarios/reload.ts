// Reload → first resumed event (a new GET from the client's cursor) against a fresh page load (a GET from 0).
import { sleep, wallNow } from '../harness/clock';
import type { BenchContext } from '../harness/context';
import { atMost, type Metric, reported, unsupported, zero } from '../harness/metrics';
import type { SseConnection } from '../harness/sse-client';
import { median } from '../harness/stats';
import { BASELINE_LABEL, type TargetClient } from '../harness/target-client';
import { spec } from '../harness/turns';
import { uniqueFrames } from '../harness/verify';

/** How long a reload keeps the page blank: events produced meanwhile make the resume's backlog. */
const RELOAD_GAP_MS = 100;
const WAIT_MS = 15_000;

interface ReloadSamples {
  resume: number[];
  fresh: number[];
  /** Resumes whose first event was not the one right after the cursor (a gap or a repeat). */
  misplaced: number;
}

/** Opens a connection and measures request → first event frame. */
async function firstEventMs(open: () => SseConnection): Promise<{ connection: SseConnection; ms: number }> {
  const started = wallNow();
  const connection = open();
  await connection.waitFor((c) => c.frames.length > 0, WAIT_MS);
  const first = connection.frames[0];
  return { connection, ms: (first?.at ?? Number.NaN) - started };
}

type Measured = { connection: SseConnection; ms: number };

/** Runs both measurements one after the other, swapping the order on odd samples. */
async function measurePair(
  resume: () => Promise<Measured>,
  fresh: () => Promise<Measured>,
  swap: boolean,
): Promise<{ r: Measured; f: Measured }> {
  if (swap) {
    const f = await fresh();
    return { r: await resume(), f };
  }
  const r = await resume();
  return { r, f: await fresh() };
}

/** (b): the page holds a live tail; a reload resumes it from the last SSE id. */
async function reloadB(target: TargetClient, samples: number, tokens: number): Promise<ReloadSamples> {
  const turn = spec('reload-b', 'paced', ['/demo long'], tokens);
  let tail = target.subscribeB(turn.id, 0, true);
  await tail.opened;
  await target.postResumable(turn);
  const result: ReloadSamples = { resume: [], fresh: [], misplaced: 0 };
  const resumed: { cursor: number; firstId: number }[] = [];
  for (let i = 0; i < samples; i++) {
    const seen = tail.frames.length;
    await tail.waitFor((c) => c.frames.length >= seen + 3, WAIT_MS);
    const cursor = tail.frames.at(-1)?.id ?? 0;
    tail.close();
    await sleep(RELOAD_GAP_MS);
    // Alternate the order so neither measurement always runs on a warmer server.
    const { r, f } = await measurePair(
      () => firstEventMs(() => target.subscribeB(turn.id, cursor, true)),
      () => firstEventMs(() => target.subscribeB(turn.id, 0, true)),
      i % 2 === 1,
    );
    f.connection.close();
    result.resume.push(r.ms);
    result.fresh.push(f.ms);
    resumed.push({ cursor, firstId: r.connection.frames[0]?.id ?? Number.NaN });
    tail = r.connection;
  }
  tail.close();
  await target.abortUpstreams();
  await target.settled();
  await target.stamps(turn.id);
  // The event right after each cursor, from one full replay, must be the resume's first event.
  const full = target.subscribeB(turn.id, 0, false);
  await full.done;
  const ids = uniqueFrames(full.frames).unique.map((frame) => frame.id);
  for (const { cursor, firstId } of resumed) {
    if (ids[ids.indexOf(cursor) + 1] !== firstId) result.misplaced++;
  }
  return result;
}

/** (c): the POST's stream is the page's; a reload resumes with `skipCharacters` of the frames it had. */
async function reloadC(target: TargetClient, samples: number, tokens: number): Promise<ReloadSamples> {
  const turn = spec('reload-c', 'paced', ['/demo long'], tokens);
  let stream = target.postStreaming('c', turn);
  const result: ReloadSamples = { resume: [], fresh: [], misplaced: 0 };
  // A resumed connection starts `skipped` characters into the stream.
  let skipped = 0;
  for (let i = 0; i < samples; i++) {
    const seen = stream.frames.length;
    await stream.waitFor((c) => c.frames.length >= seen + 3, WAIT_MS);
    const lastId = stream.frames.at(-1)?.id ?? 0;
    const skip = skipped + stream.consumedChars;
    stream.close();
    await sleep(RELOAD_GAP_MS);
    const { r, f } = await measurePair(
      () => firstEventMs(() => target.resumeC(turn.id, skip)),
      () => firstEventMs(() => target.resumeC(turn.id, 0)),
      i % 2 === 1,
    );
    f.connection.close();
    result.resume.push(r.ms);
    result.fresh.push(f.ms);
    if (r.connection.frames[0]?.id !== lastId + 1) result.misplaced++;
    skipped = skip;
    stream = r.connection;
  }
  stream.close();
  await target.abortUpstreams();
  await target.settled();
  await target.stamps(turn.id);
  return result;
}

export async function reloadScenario(ctx: BenchContext): Promise<Metric[]> {
  const { plan, target } = ctx;
  // Enough paced tokens for every sample (about 3 events + the gap each) and some slack.
  const tokens = plan.reloadSamples * 25 + 100;
  const b = await reloadB(target, plan.reloadSamples, tokens);
  const metrics: Metric[] = [
    unsupported(`reload → first resumed event ${BASELINE_LABEL.a}`, 'ms', 'n/a: a reload loses the reply'),
  ];
  const c = ctx.baselines.includes('c') ? await reloadC(target, plan.reloadSamples, tokens) : undefined;
  const resumeB = median(b.resume);
  ctx.log(`reload: b resume ${resumeB.toFixed(2)} ms, fresh ${median(b.fresh).toFixed(2)} ms`);
  metrics.push(
    c
      ? atMost(
          `reload → first resumed event p50 ${BASELINE_LABEL.b}`,
          resumeB,
          'ms',
          median(c.resume),
          '<= (c)',
        )
      : reported(`reload → first resumed event p50 ${BASELINE_LABEL.b}`, resumeB, 'ms'),
    reported(`fresh load (GET from 0) → first event p50 ${BASELINE_LABEL.b}`, median(b.fresh), 'ms'),
  );
  if (c) {
    metrics.push(
      reported(`reload → first resumed event p50 ${BASELINE_LABEL.c}`, median(c.resume), 'ms'),
      reported(`fresh load (GET from 0) → first event p50 ${BASELINE_LABEL.c}`, median(c.fresh), 'ms'),
    );
  }
  metrics.push(
    zero('reload: resumes not starting right after the cursor', b.misplaced + (c?.misplaced ?? 0), 'resumes'),
  );
  return metrics;
}
