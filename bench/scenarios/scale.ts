// 100 simultaneous turns with 500 live subscribers (full plan): loss, duplication, p99 lag, idle memory.
import type { BenchContext } from '../harness/context';
import { atMost, type Metric, reported, zero } from '../harness/metrics';
import { percentile } from '../harness/stats';
import { BASELINE_LABEL } from '../harness/target-client';
import {
  type IdleMemory,
  idleVercel,
  type ScaleRun,
  scaleDirect,
  scaleResumable,
  scaleVercel,
} from './scale-runs';

const KIB = 1024;

function integrity(label: string, run: ScaleRun): Metric[] {
  return [
    zero(`scale: events lost ${label}`, run.delivery.lost),
    zero(`scale: events duplicated ${label}`, run.delivery.duplicated),
    zero(`scale: replies whose text differs ${label}`, run.mismatches, 'replies'),
  ];
}

export async function scaleScenario(ctx: BenchContext): Promise<Metric[]> {
  // (b) first: its idle memory is measured before the other runs have grown the target's heap.
  const ours = await scaleResumable(ctx);
  const direct = await scaleDirect(ctx);
  let vercel: { run: ScaleRun; idle: IdleMemory } | undefined;
  const redis = ctx.servers.redis;
  if (ctx.baselines.includes('c') && redis) {
    const idle = await idleVercel(ctx, redis.pid);
    vercel = { run: await scaleVercel(ctx), idle };
  }
  const p99 = (run: ScaleRun) => percentile(run.lags, 99);
  const directP99 = p99(direct);
  const addedB = p99(ours.run) - directP99;
  const addedC = vercel ? p99(vercel.run) - directP99 : Number.NaN;
  ctx.log(
    `scale: p99 lag a ${directP99.toFixed(1)}, b ${p99(ours.run).toFixed(1)}, c ${vercel ? p99(vercel.run).toFixed(1) : '-'} ms`,
  );
  const metrics: Metric[] = [
    ...integrity(BASELINE_LABEL.a, direct),
    ...integrity(BASELINE_LABEL.b, ours.run),
    ...(vercel ? integrity(BASELINE_LABEL.c, vercel.run) : []),
    reported(`scale: lag p99 ${BASELINE_LABEL.a} (one client per turn)`, directP99, 'ms'),
    vercel
      ? atMost(`scale: added lag p99 ${BASELINE_LABEL.b}`, addedB, 'ms', addedC, '<= (c)')
      : reported(`scale: added lag p99 ${BASELINE_LABEL.b}`, addedB, 'ms'),
    reported(`scale: lag p50 ${BASELINE_LABEL.b}`, percentile(ours.run.lags, 50), 'ms'),
    // RSS moves in allocator-sized steps and can shrink after a GC; the live heap is the steady figure.
    reported(`RSS per idle subscriber ${BASELINE_LABEL.b}, app`, ours.idle.app / KIB, 'KiB'),
    vercel
      ? atMost(
          `live heap per idle subscriber ${BASELINE_LABEL.b}, app`,
          ours.idle.appHeap / KIB,
          'KiB',
          vercel.idle.appHeap / KIB,
          '<= (c)',
        )
      : reported(`live heap per idle subscriber ${BASELINE_LABEL.b}, app`, ours.idle.appHeap / KIB, 'KiB'),
    reported(`RSS per idle subscriber ${BASELINE_LABEL.b}, local S2`, ours.idle.store / KIB, 'KiB'),
    // A chat's first tab also starts its shared S2 read session; (c) has no such figure (its producer).
    reported(
      `live heap per chat's first idle subscriber ${BASELINE_LABEL.b}, app`,
      ours.firstIdle.appHeap / KIB,
      'KiB',
    ),
    reported(
      `RSS per chat's first idle subscriber ${BASELINE_LABEL.b}, local S2`,
      ours.firstIdle.store / KIB,
      'KiB',
    ),
  ];
  if (vercel) {
    metrics.push(
      reported(`scale: added lag p99 ${BASELINE_LABEL.c}`, addedC, 'ms'),
      reported(`scale: lag p50 ${BASELINE_LABEL.c}`, percentile(vercel.run.lags, 50), 'ms'),
      reported(
        `scale: late subscribers refused, turn already done ${BASELINE_LABEL.c}`,
        vercel.run.refused,
        'subscribers',
      ),
      reported(`RSS per idle subscriber ${BASELINE_LABEL.c}, app`, vercel.idle.app / KIB, 'KiB'),
      reported(`live heap per idle subscriber ${BASELINE_LABEL.c}, app`, vercel.idle.appHeap / KIB, 'KiB'),
      reported(`RSS per idle subscriber ${BASELINE_LABEL.c}, Redis`, vercel.idle.store / KIB, 'KiB'),
    );
  }
  return metrics;
}
