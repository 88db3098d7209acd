// Many simultaneous turns with many live subscribers, per baseline: deliveries, lags and idle memory.
import { sleep } from '../harness/clock';
import type { BenchContext } from '../harness/context';
import { cpuMillisOf, rssOf } from '../harness/processes';
import type { SseConnection } from '../harness/sse-client';
import { spec } from '../harness/turns';
import {
  addDelivery,
  checkDelivery,
  type Delivery,
  expectedText,
  lagsOf,
  NO_DELIVERY,
} from '../harness/verify';
import type { TurnSpec } from '../target/upstream';

const OPEN_BATCH = 50;
const TURN_TIMEOUT_MS = 120_000;

interface Watcher {
  turn: TurnSpec;
  connection: SseConnection;
  /** Joined after the turn began: only events produced after its catch-up count towards lag. */
  late: boolean;
}

export interface ScaleRun {
  delivery: Delivery;
  mismatches: number;
  lags: number[];
  /** (c) resumers that arrived after their turn had ended: refused (410), they must read a database. */
  refused: number;
  /** CPU the run cost: its subscribers' connections, its turns, and their background work. */
  cpu: RunCpu;
}

export interface RunCpu {
  /** The target process: upstream, route handlers, library, SSE writes. */
  appMicros: number;
  /** The store's process (local S2 or Redis); 0 for the direct proxy, which has none. */
  storeMicros: number;
}

export interface IdleMemory {
  /** Bytes of RSS per idle subscriber in the app (target) process. */
  app: number;
  /** Bytes of live heap (JS heap + external, after GC) per idle subscriber in the app process: steadier. */
  appHeap: number;
  /** Bytes of RSS per idle subscriber in the store's process (local S2 or Redis). */
  store: number;
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

function scaleTurns(ctx: BenchContext, label: string, message: (i: number) => string): TurnSpec[] {
  return Array.from({ length: ctx.plan.scaleTurns }, (_, i) => spec(label, 'paced', [message(i)], 1024));
}

function perTurn(ctx: BenchContext): number {
  return Math.max(1, Math.round(ctx.plan.scaleSubscribers / ctx.plan.scaleTurns));
}

interface Memory {
  app: number;
  appHeap: number;
  store: number;
}

/** Both processes' RSS, and the target's live heap, after the target collected its garbage. */
async function settledMemory(ctx: BenchContext, storePid: number): Promise<Memory> {
  await ctx.target.collectGarbage();
  await sleep(300);
  const appHeap = await ctx.target.collectGarbage();
  return { app: await rssOf(ctx.servers.target.pid), appHeap, store: await rssOf(storePid) };
}

function perSubscriber(before: Memory, after: Memory, subscribers: number): IdleMemory {
  const n = Math.max(1, subscribers);
  return {
    app: (after.app - before.app) / n,
    appHeap: (after.appHeap - before.appHeap) / n,
    store: (after.store - before.store) / n,
  };
}

async function cpuReading(ctx: BenchContext, storePid: number | undefined): Promise<RunCpu> {
  return {
    appMicros: await ctx.target.cpuMicros(),
    // From /proc in clock ticks: fine over the seconds a run takes.
    storeMicros: storePid === undefined ? 0 : (await cpuMillisOf(storePid)) * 1000,
  };
}

/** The CPU both processes spent on `work`; with `settle`, until the target's background work settled too. */
async function spentOn<T>(
  ctx: BenchContext,
  storePid: number | undefined,
  work: () => Promise<T>,
  settle = false,
): Promise<{ result: T; cpu: RunCpu }> {
  const before = await cpuReading(ctx, storePid);
  const result = await work();
  if (settle) await ctx.target.settled();
  const after = await cpuReading(ctx, storePid);
  return {
    result,
    cpu: {
      appMicros: after.appMicros - before.appMicros,
      storeMicros: after.storeMicros - before.storeMicros,
    },
  };
}

function addCpu(...spans: RunCpu[]): RunCpu {
  return spans.reduce((sum, span) => ({
    appMicros: sum.appMicros + span.appMicros,
    storeMicros: sum.storeMicros + span.storeMicros,
  }));
}

function perConnection(cpu: RunCpu, connections: number): RunCpu {
  const n = Math.max(1, connections);
  return { appMicros: cpu.appMicros / n, storeMicros: cpu.storeMicros / n };
}

/** A scale run charged with the CPU it cost, until its background work (a generation's close) settled. */
async function chargedRun(
  ctx: BenchContext,
  storePid: number | undefined,
  run: () => Promise<Omit<ScaleRun, 'cpu'>>,
): Promise<ScaleRun> {
  const { result, cpu } = await spentOn(ctx, storePid, run, true);
  return { ...result, cpu };
}

/** Waits for every watcher's turn to end, then checks each delivery and collects lags. */
async function finish(
  ctx: BenchContext,
  turns: readonly TurnSpec[],
  watchers: readonly Watcher[],
): Promise<Omit<ScaleRun, 'cpu'>> {
  let refused = 0;
  const counted: Watcher[] = [];
  await Promise.all(
    watchers.map(async (w) => {
      const status = await w.connection.opened.catch(() => 0);
      if (w.late && status === 410) {
        refused++;
        return;
      }
      counted.push(w);
      await w.connection.waitForType('message_stop', 1, TURN_TIMEOUT_MS).catch((error: unknown) => {
        const { status, frames, text } = w.connection;
        throw new Error(
          `${w.turn.id} (${w.late ? 'late' : 'early'} subscriber, HTTP ${status}, ${frames.length} frames` +
            `${text ? `, body ${text.slice(0, 200)}` : ''}): ${error instanceof Error ? error.message : error}`,
        );
      });
    }),
  );
  for (const watcher of watchers) watcher.connection.close();
  const stamps = new Map<string, number[]>();
  for (const turn of turns) stamps.set(turn.id, await ctx.target.stamps(turn.id));
  let delivery = NO_DELIVERY;
  let mismatches = 0;
  const lags: number[] = [];
  for (const { turn, connection, late } of counted) {
    const turnStamps = stamps.get(turn.id) ?? [];
    const one = checkDelivery(connection.frames, turnStamps.length, expectedText(turn));
    delivery = addDelivery(delivery, one);
    if (!one.textMatches) mismatches++;
    const since = late ? (connection.frames[0]?.at ?? 0) : 0;
    lags.push(...lagsOf(connection.frames, turnStamps, since));
  }
  return { delivery, mismatches, lags, refused };
}

/** (a): one client per turn, the only kind a direct proxy has. */
export async function scaleDirect(ctx: BenchContext): Promise<ScaleRun> {
  const turns = scaleTurns(ctx, 'scale-a', (i) => `scale question ${i}`);
  return chargedRun(ctx, undefined, () => {
    const watchers = turns.map((turn) => ({
      turn,
      connection: ctx.target.postStreaming('a', turn),
      late: false,
    }));
    return finish(ctx, turns, watchers);
  });
}

/**
 * (b): every subscriber tails its chat before the turns start, as open tabs do; idle memory is measured then.
 * As for (c), whose figure leaves out each turn's first connection (its producer), the per-subscriber figure
 * is that of the others: one more idle tab on a chat that already has one. The first tabs, which also start
 * each chat's shared read session, are measured on their own.
 */
export async function scaleResumable(ctx: BenchContext): Promise<{
  run: ScaleRun;
  idle: IdleMemory;
  firstIdle: IdleMemory;
  /** CPU per connecting subscriber: a chat's first tab (which starts its read session), and one more. */
  connect: { first: RunCpu; other: RunCpu };
}> {
  const turns = scaleTurns(ctx, 'scale-b', (i) => `scale question ${i}`);
  const watchers: Watcher[] = [];
  const subscribe = async (turn: TurnSpec) => {
    const connection = ctx.target.subscribeB(turn.id, 0, true);
    watchers.push({ turn, connection, late: false });
    await connection.opened;
  };
  const pid = ctx.servers.s2.pid;
  const start = await settledMemory(ctx, pid);
  const firstTabs = await spentOn(ctx, pid, () => inBatches(turns, OPEN_BATCH, subscribe));
  await sleep(1000);
  const before = await settledMemory(ctx, pid);
  const others = turns.flatMap((turn) => Array.from({ length: perTurn(ctx) - 1 }, () => turn));
  const otherTabs = await spentOn(ctx, pid, () => inBatches(others, OPEN_BATCH, subscribe));
  await sleep(1000);
  const idle = perSubscriber(before, await settledMemory(ctx, pid), others.length);
  const run = await chargedRun(ctx, pid, async () => {
    await Promise.all(turns.map((turn) => ctx.target.postResumable(turn)));
    return finish(ctx, turns, watchers);
  });
  return {
    // (c)'s resumers connect during its run, so (b)'s subscribers count too, though they connected before.
    run: { ...run, cpu: addCpu(run.cpu, firstTabs.cpu, otherTabs.cpu) },
    idle,
    firstIdle: perSubscriber(start, before, turns.length),
    connect: {
      first: perConnection(firstTabs.cpu, turns.length),
      other: perConnection(otherTabs.cpu, others.length),
    },
  };
}

/**
 * (c) has no subscriber without a running producer, so its idle subscribers are resumers attached to turns
 * whose model is silent (`/demo stall`).
 */
export async function idleVercel(ctx: BenchContext, redisPid: number): Promise<IdleMemory> {
  const turns = scaleTurns(ctx, 'idle-c', () => '/demo stall');
  const producers = turns.map((turn) => ctx.target.postStreaming('c', turn));
  await Promise.all(producers.map((p) => p.waitFor((c) => c.frames.length >= 3, 30_000)));
  await sleep(1500);
  const before = await settledMemory(ctx, redisPid);
  const resumers: SseConnection[] = [];
  const slots = turns.flatMap((turn) => Array.from({ length: perTurn(ctx) - 1 }, () => turn));
  await inBatches(slots, OPEN_BATCH, async (turn) => {
    const connection = ctx.target.resumeC(turn.id, 0);
    resumers.push(connection);
    await connection.waitFor((c) => c.frames.length > 0, 30_000);
  });
  await sleep(1000);
  const after = await settledMemory(ctx, redisPid);
  await ctx.target.abortUpstreams();
  for (const connection of [...producers, ...resumers]) connection.close();
  await ctx.target.settled();
  for (const turn of turns) await ctx.target.stamps(turn.id);
  return perSubscriber(before, after, slots.length);
}

/** (c): each POST's own stream is one subscriber; the rest resume it as soon as it exists. */
export async function scaleVercel(ctx: BenchContext, redisPid: number): Promise<ScaleRun> {
  const turns = scaleTurns(ctx, 'scale-c', (i) => `scale question ${i}`);
  return chargedRun(ctx, redisPid, async () => {
    const watchers: Watcher[] = [];
    await Promise.all(
      turns.map(async (turn) => {
        const producer = ctx.target.postStreaming('c', turn);
        watchers.push({ turn, connection: producer, late: false });
        await producer.opened;
        for (let k = 1; k < perTurn(ctx); k++) {
          watchers.push({ turn, connection: ctx.target.resumeC(turn.id, 0), late: true });
        }
      }),
    );
    return finish(ctx, turns, watchers);
  });
}
