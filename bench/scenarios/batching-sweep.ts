// The writer's batching sweep on (b): batchSize × lingerDuration against throughput and added paced lag.
import type { BenchContext } from '../harness/context';
import type { Batching } from '../harness/defaults';
import { atMost, type Metric, reported, zero } from '../harness/metrics';
import { median, percentile } from '../harness/stats';
import { deliveredRate, type LiveTurn, runLiveTurn, spec } from '../harness/turns';
import { lagsOf } from '../harness/verify';

const FAST_TURNS = 3;

async function directLag(ctx: BenchContext): Promise<{ p50: number; p99: number }> {
  if (ctx.directPacedLag) return ctx.directPacedLag;
  const live = await runLiveTurn(ctx.target, 'a', spec('sweep-a', 'paced', ['/demo long'], 100), {
    timeoutMs: 60_000,
  });
  const lags = lagsOf(live.subscriber.frames, live.stamps);
  ctx.directPacedLag = { p50: percentile(lags, 50), p99: percentile(lags, 99) };
  return ctx.directPacedLag;
}

export async function batchingSweepScenario(ctx: BenchContext): Promise<Metric[]> {
  const { plan, target } = ctx;
  const direct = await directLag(ctx);
  const metrics: Metric[] = [];
  for (const batchSize of plan.sweepBatchSizes) {
    for (const lingerDuration of plan.sweepLingers) {
      const batching: Batching = { batchSize, lingerDuration };
      const label = `sweep batch ${batchSize} × linger ${lingerDuration} ms`;
      // Throughput is the median of a few short turns: one turn is too noisy on a shared machine.
      const fastTurns: LiveTurn[] = [];
      for (let i = 0; i < FAST_TURNS; i++) {
        const turn = spec('sweep', 'fast', ['/demo long'], plan.sweepFastTokens);
        fastTurns.push(await runLiveTurn(target, 'b', turn, { batching, timeoutMs: 60_000 }));
      }
      const rate = median(fastTurns.map(deliveredRate));
      const paced = await runLiveTurn(
        target,
        'b',
        spec('sweep', 'paced', ['/demo long'], plan.sweepPacedTokens),
        {
          batching,
          timeoutMs: 60_000,
        },
      );
      const lags = lagsOf(paced.subscriber.frames, paced.stamps);
      const addedP50 = percentile(lags, 50) - direct.p50;
      ctx.log(`${label}: ${rate.toFixed(0)} events/s, added p50 ${addedP50.toFixed(2)} ms`);
      metrics.push(
        reported(`${label}: throughput`, rate, 'events/s'),
        atMost(
          `${label}: added lag p50`,
          addedP50,
          'ms',
          lingerDuration + 5,
          `<= linger + 5 = ${lingerDuration + 5}`,
        ),
        reported(`${label}: added lag p99`, percentile(lags, 99) - direct.p99, 'ms'),
      );
      // Shown only when something went wrong, so the sweep's rows stay about speed.
      const broken = [...fastTurns.map((turn) => turn.delivery), paced.delivery].reduce(
        (total, d) => total + d.lost + d.duplicated + (d.textMatches ? 0 : 1),
        0,
      );
      if (broken > 0) metrics.push(zero(`${label}: events lost or duplicated`, broken));
    }
  }
  return metrics;
}
