// Paced upstream (50 tokens/s): per-event lag from the SDK yielding an event to the client receiving it.
import type { BenchContext } from '../harness/context';
import { DEFAULT_LINGER_MS } from '../harness/defaults';
import { atMost, type Metric, ratioAtLeast, reported } from '../harness/metrics';
import { percentile } from '../harness/stats';
import { BASELINE_LABEL, type Baseline } from '../harness/target-client';
import { runLiveTurn, spec } from '../harness/turns';
import { addDelivery, lagsOf, NO_DELIVERY } from '../harness/verify';
import { integrityMetrics } from './integrity';

export async function pacedLagScenario(ctx: BenchContext): Promise<Metric[]> {
  const { plan, target } = ctx;
  const lags = new Map<Baseline, number[]>(ctx.baselines.map((baseline) => [baseline, []]));
  let delivery = NO_DELIVERY;
  let mismatches = 0;
  for (let round = 0; round < plan.pacedTurns; round++) {
    for (const baseline of ctx.baselines) {
      const turn = spec('paced', 'paced', ['/demo long'], plan.pacedTokens);
      const live = await runLiveTurn(target, baseline, turn, { timeoutMs: 120_000 });
      lags.get(baseline)?.push(...lagsOf(live.subscriber.frames, live.stamps));
      delivery = addDelivery(delivery, live.delivery);
      if (!live.delivery.textMatches) mismatches++;
    }
  }
  const p = (baseline: Baseline, q: number) => percentile(lags.get(baseline) ?? [], q);
  const direct = { p50: p('a', 50), p99: p('a', 99) };
  ctx.directPacedLag = direct;
  const added = (baseline: Baseline, q: 50 | 99) => p(baseline, q) - (q === 50 ? direct.p50 : direct.p99);
  ctx.log(
    `paced lag p50: a ${direct.p50.toFixed(2)}, b ${p('b', 50).toFixed(2)}, c ${p('c', 50).toFixed(2)} ms`,
  );
  const metrics: Metric[] = [
    reported(`paced lag p50 ${BASELINE_LABEL.a}`, direct.p50, 'ms'),
    reported(`paced lag p99 ${BASELINE_LABEL.a}`, direct.p99, 'ms'),
    atMost(
      `paced added lag p50 ${BASELINE_LABEL.b}`,
      added('b', 50),
      'ms',
      DEFAULT_LINGER_MS + 5,
      `<= linger + 5 = ${DEFAULT_LINGER_MS + 5}`,
    ),
    reported(`paced added lag p99 ${BASELINE_LABEL.b}`, added('b', 99), 'ms'),
  ];
  if (ctx.baselines.includes('c')) {
    metrics.push(
      reported(`paced added lag p50 ${BASELINE_LABEL.c}`, added('c', 50), 'ms'),
      reported(`paced added lag p99 ${BASELINE_LABEL.c}`, added('c', 99), 'ms'),
      // Lag is lower-is-better, so "(b) at least as good as (c)" is (c)'s lag over (b)'s.
      ratioAtLeast('paced lag p50, (c) / (b)', p('c', 50), p('b', 50), 1),
    );
  }
  return [...metrics, ...integrityMetrics('paced, all baselines', delivery, mismatches)];
}
