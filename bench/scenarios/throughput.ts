// Unthrottled events/s delivered to an SSE client, per baseline, with the upstream sending as fast as it can.
import type { BenchContext } from '../harness/context';
import { CpuLedger } from '../harness/cpu-ledger';
import { atLeast, type Metric, ratioAtLeast, reported } from '../harness/metrics';
import { median } from '../harness/stats';
import { BASELINE_LABEL, type Baseline } from '../harness/target-client';
import { deliveredRate, runLiveTurn, spec } from '../harness/turns';
import { addDelivery, NO_DELIVERY } from '../harness/verify';
import { integrityMetrics } from './integrity';

export async function throughputScenario(ctx: BenchContext): Promise<Metric[]> {
  const { plan, target } = ctx;
  const samples = new Map<Baseline, number[]>(ctx.baselines.map((baseline) => [baseline, []]));
  const cpu = new CpuLedger(target);
  let delivery = NO_DELIVERY;
  let mismatches = 0;
  const turn = () => spec('tput', 'fast', ['/demo long'], plan.throughputTokens);
  // One warm-up turn each (JIT, connections), then rounds that interleave the baselines so drift hits all alike.
  for (const baseline of ctx.baselines) await runLiveTurn(target, baseline, turn(), { timeoutMs: 60_000 });
  for (let round = 0; round < plan.throughputTurns; round++) {
    for (const baseline of ctx.baselines) {
      const live = await cpu.charge(
        baseline,
        () => runLiveTurn(target, baseline, turn(), { timeoutMs: 60_000 }),
        (done) => done.subscriber.frames.length,
      );
      samples.get(baseline)?.push(deliveredRate(live));
      delivery = addDelivery(delivery, live.delivery);
      if (!live.delivery.textMatches) mismatches++;
    }
  }
  const rate = (baseline: Baseline) => median(samples.get(baseline) ?? []);
  const direct = rate('a');
  const ours = rate('b');
  ctx.log(`throughput: a ${direct.toFixed(0)}, b ${ours.toFixed(0)}, c ${rate('c').toFixed(0)} events/s`);
  const metrics: Metric[] = [
    // The app process is one thread: its CPU per event, not the cores left over, bounds each baseline's rate.
    ...ctx.baselines.map((baseline) =>
      reported(`app CPU per delivered event ${BASELINE_LABEL[baseline]}`, cpu.perUnit(baseline), 'µs'),
    ),
    reported(`unthrottled throughput ${BASELINE_LABEL.a}`, direct, 'events/s'),
    atLeast(
      `unthrottled throughput ${BASELINE_LABEL.b}`,
      ours,
      'events/s',
      0.9 * direct,
      `>= 0.9x (a) = ${Math.round(0.9 * direct)}`,
    ),
    ratioAtLeast('unthrottled throughput (b) / (a)', ours, direct, 0.9),
  ];
  if (ctx.baselines.includes('c')) {
    metrics.push(
      reported(`unthrottled throughput ${BASELINE_LABEL.c}`, rate('c'), 'events/s'),
      ratioAtLeast('unthrottled throughput (b) / (c)', ours, rate('c'), 1),
    );
  }
  return [...metrics, ...integrityMetrics('unthrottled, all baselines', delivery, mismatches)];
}
