// Replay of a finished turn (time to last byte) against how long the same turn took live at the paced rate.
import { wallNow } from '../harness/clock';
import type { BenchContext } from '../harness/context';
import { atLeast, atMost, type Metric, reported, unsupported, zero } from '../harness/metrics';
import { median } from '../harness/stats';
import { BASELINE_LABEL, type TargetClient } from '../harness/target-client';
import { runLiveTurn, spec } from '../harness/turns';
import { checkDelivery, expectedText } from '../harness/verify';

const SPEED_UP_TARGET = 20;

/** (c) keeps a stream's chunks only in its producer's memory: once done, a resume gets nothing. */
async function replayFinishedC(target: TargetClient): Promise<number> {
  const turn = spec('replay-c', 'fast', ['hello'], 1024);
  const live = await runLiveTurn(target, 'c', turn, { timeoutMs: 30_000 });
  await live.subscriber.done;
  await target.settled();
  const resumed = target.resumeC(turn.id, 0);
  await resumed.done;
  return resumed.status;
}

export async function replayScenario(ctx: BenchContext): Promise<Metric[]> {
  const { plan, target } = ctx;
  const turn = spec('replay-b', 'paced', Array(plan.replayMessages).fill('/demo long'), plan.replayTokens);
  const live = await runLiveTurn(target, 'b', turn, { timeoutMs: 240_000 });
  const liveMs = (live.subscriber.frames.at(-1)?.at ?? Number.NaN) - live.startedAt;
  await target.settled();
  const times: number[] = [];
  let lost = 0;
  let duplicated = 0;
  for (let i = 0; i < plan.replayRepeats; i++) {
    const started = wallNow();
    const replay = target.subscribeB(turn.id, 0, false);
    await replay.done;
    times.push(replay.endedAt - started);
    const delivery = checkDelivery(replay.frames, live.stamps.length, expectedText(turn));
    lost += delivery.lost + (delivery.textMatches ? 0 : 1);
    duplicated += delivery.duplicated;
  }
  const replayMs = median(times);
  const events = live.stamps.length;
  ctx.log(
    `replay: ${events} events live in ${(liveMs / 1000).toFixed(1)} s, replayed in ${replayMs.toFixed(1)} ms`,
  );
  const metrics: Metric[] = [
    unsupported(`replay of a finished turn ${BASELINE_LABEL.a}`, 'ms', 'n/a: nothing is stored'),
    reported(`live turn at 50 tokens/s ${BASELINE_LABEL.b}`, liveMs, 'ms'),
    reported('finished turn size', events, 'events'),
    atMost(
      `replay of the finished turn, time to last byte ${BASELINE_LABEL.b}`,
      replayMs,
      'ms',
      liveMs / SPEED_UP_TARGET,
      `<= live / ${SPEED_UP_TARGET} = ${Math.round(liveMs / SPEED_UP_TARGET)}`,
    ),
    atLeast('replay speed-up over the live turn (b)', liveMs / replayMs, 'x', SPEED_UP_TARGET),
    reported(`replay rate ${BASELINE_LABEL.b}`, events / (replayMs / 1000), 'events/s'),
    zero('replay: events lost or duplicated', lost + duplicated),
  ];
  if (ctx.baselines.includes('c')) {
    const status = await replayFinishedC(target);
    metrics.push(
      unsupported(
        `replay of a finished turn ${BASELINE_LABEL.c}`,
        'ms',
        `n/a: a resume after the end answers HTTP ${status} (chunks live only in the producer)`,
      ),
    );
  }
  return metrics;
}
