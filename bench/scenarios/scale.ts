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

/** CPU per event a subscriber received: the runs differ in subscribers per turn ((a) has one). */
function cpuPerDelivered(run: ScaleRun, micros: (cpu: ScaleRun['cpu']) => number): number {
  return run.delivery.delivered > 0 ? micros(run.cpu) / run.delivery.delivered : Number.NaN;
}

function cpuFigures(label: string, run: ScaleRun, store?: string): Metric[] {
  const app = reported(
    `scale: app CPU per delivered event ${label}`,
    cpuPerDelivered(run, (cpu) => cpu.appMicros),
    'µs',
  );
  if (!store) return [app];
  return [
    app,
    reported(
      `scale: ${store} CPU per delivered event ${label}`,
      cpuPerDelivered(run, (cpu) => cpu.storeMicros),
      'µs',
    ),
  ];
}

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
    vercel = { run: await scaleVercel(ctx, redis.pid), idle };
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
    ...cpuFigures(BASELINE_LABEL.a, direct),
    ...cpuFigures(BASELINE_LABEL.b, ours.run, 'local S2'),
    reported(
      `scale: app CPU per connecting subscriber ${BASELINE_LABEL.b}, a chat's first`,
      ours.connect.first.appMicros / 1000,
      'ms',
    ),
    reported(
      `scale: app CPU per connecting subscriber ${BASELINE_LABEL.b}, one more on the chat`,
      ours.connect.other.appMicros / 1000,
      'ms',
    ),
    reported(
      `scale: local S2 CPU per connecting subscriber ${BASELINE_LABEL.b}, one more on the chat`,
      ours.connect.other.storeMicros / 1000,
      'ms',
    ),
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
      ...cpuFigures(BASELINE_LABEL.c, vercel.run, 'Redis'),
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
