// Benchmark of local S2 alone over both SDK transports: append throughput, ack latency, tail notification.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { AppendInput, AppendRecord, S2, type S2Stream } from '@s2-dev/streamstore';
import { localS2ClientConfig, randomBasinName } from '../local/s2/http/test-support';
import { cpuMillisOf } from './harness/processes';

export interface Metric {
  name: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
}

type Transport = 's2s' | 'fetch';

const RECORD_BYTES = 1024;
const TRANSPORTS: readonly Transport[] = ['s2s', 'fetch'];
const CLI = fileURLToPath(new URL('../local/s2/cli.ts', import.meta.url));

interface Plan {
  /** Records appended per throughput run (per batch size and transport). */
  throughputRecords: number;
  /** Samples per latency measurement. */
  latencySamples: number;
}

const PLANS = {
  quick: { throughputRecords: 5_000, latencySamples: 150 },
  full: { throughputRecords: 30_000, latencySamples: 1_000 },
} as const satisfies Record<string, Plan>;

/** Local S2 runs in its own process, as in development, so client and server do not share an event loop. */
async function spawnServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/listening on (\S+)\n/);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`local S2 exited with ${code}: ${output}`)));
  });
  return { url, child };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

function payload(): string {
  return 'x'.repeat(RECORD_BYTES);
}

function makeBatch(size: number, body: string): AppendInput {
  return AppendInput.create(Array.from({ length: size }, () => AppendRecord.string({ body })));
}

interface AppendRun {
  recordsPerSecond: number;
  /** CPU per append (one batch) in this process: the SDK's client side. */
  clientMsPerAppend: number;
  /** CPU per append in the local S2 process. */
  serverMsPerAppend: number;
}

/**
 * `total` records in batches of `batchSize`, pipelined through an append session (the fetch transport
 * sends one append at a time): records per second, and the CPU each side spent per append.
 */
async function appendThroughput(
  stream: S2Stream,
  serverPid: number,
  batchSize: number,
  total: number,
): Promise<AppendRun> {
  const session = await stream.appendSession({ maxInflightBatches: 64 });
  const body = payload();
  const batches = Math.ceil(total / batchSize);
  const serverBefore = await cpuMillisOf(serverPid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < batches; i++) acks.push((await session.submit(makeBatch(batchSize, body))).ack());
  await Promise.all(acks);
  const elapsed = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const serverMs = (await cpuMillisOf(serverPid)) - serverBefore;
  await session.close();
  return {
    recordsPerSecond: (batches * batchSize) / (elapsed / 1000),
    clientMsPerAppend: (client.user + client.system) / 1000 / batches,
    serverMsPerAppend: serverMs / batches,
  };
}

/** One-record appends, one at a time: submit-to-ack latency in ms, sorted. */
async function ackLatencies(stream: S2Stream, samples: number): Promise<number[]> {
  const session = await stream.appendSession();
  const input = makeBatch(1, payload());
  const latencies: number[] = [];
  for (let i = 0; i < samples + 10; i++) {
    const started = performance.now();
    await (await session.submit(input)).ack();
    if (i >= 10) latencies.push(performance.now() - started);
  }
  await session.close();
  return latencies.sort((a, b) => a - b);
}

/**
 * Submit on an append session → delivery on a tailing read session of the same transport, in ms, sorted
 * (one record in flight at a time).
 */
async function tailLatencies(writer: S2Stream, reader: S2Stream, samples: number): Promise<number[]> {
  const start = (await writer.checkTail()).tail.seqNum;
  const session = await reader.readSession({ start: { from: { seqNum: start } } });
  const iterator = session[Symbol.asyncIterator]();
  const appends = await writer.appendSession();
  const input = makeBatch(1, payload());
  const latencies: number[] = [];
  try {
    for (let i = 0; i < samples + 10; i++) {
      const next = iterator.next();
      const started = performance.now();
      const ticket = await appends.submit(input);
      const step = await next;
      if (step.done) throw new Error('read session ended early');
      if (i >= 10) latencies.push(performance.now() - started);
      await ticket.ack();
    }
  } finally {
    await iterator.return?.();
    await appends.close();
  }
  return latencies.sort((a, b) => a - b);
}

function metric(name: string, value: number, unit: string, target: string, ok: boolean): Metric {
  return { name, value: round(value), unit, target, ok };
}

/** Runs every measurement against a freshly spawned local S2 and returns the metrics. */
export async function runLocalS2Bench(options: { quick?: boolean } = {}): Promise<Metric[]> {
  const plan = options.quick ? PLANS.quick : PLANS.full;
  const dataDir = await mkdtemp(join(tmpdir(), 'local-s2-bench-'));
  const { url, child } = await spawnServer(dataDir);
  const { pid } = child;
  if (pid === undefined) throw new Error('local S2 started without a pid');
  const s2 = new S2(localS2ClientConfig(url));
  const basinName = randomBasinName('bench');
  await s2.basins.create({
    basin: basinName,
    config: { createStreamOnAppend: true, createStreamOnRead: true },
  });
  const basin = s2.basin(basinName);
  const opened: S2Stream[] = [];
  const open = (name: string, transport: Transport): S2Stream => {
    const stream = basin.stream(name, transport === 'fetch' ? { forceTransport: 'fetch' } : undefined);
    opened.push(stream);
    return stream;
  };
  const metrics: Metric[] = [];
  try {
    // Warm both processes' JIT and connections so the first measurement is not a cold start.
    for (const transport of TRANSPORTS)
      await appendThroughput(open(`warmup-${transport}`, transport), pid, 10, 2_000);
    for (const transport of TRANSPORTS) {
      for (const batchSize of [10, 100]) {
        const run = await appendThroughput(
          open(`throughput-${transport}-${batchSize}`, transport),
          pid,
          batchSize,
          plan.throughputRecords,
        );
        const label = `(${transport}, batch ${batchSize})`;
        const rate = run.recordsPerSecond;
        metrics.push(
          metric(`append throughput ${label}`, rate, 'records/s', '>= 20000', rate >= 20_000),
          // Where an append's time goes: the SDK client in this process, or local S2 (fsync included).
          metric(`CPU per append ${label}, SDK client`, run.clientMsPerAppend, 'ms', 'report', true),
          metric(`CPU per append ${label}, local S2`, run.serverMsPerAppend, 'ms', 'report', true),
        );
      }
      const acks = await ackLatencies(open(`ack-${transport}`, transport), plan.latencySamples);
      const ackP50 = percentile(acks, 50);
      metrics.push(metric(`append ack latency p50 (${transport})`, ackP50, 'ms', '<= 1', ackP50 <= 1));
      metrics.push(
        metric(`append ack latency p99 (${transport})`, percentile(acks, 99), 'ms', 'report', true),
      );
      const tails = await tailLatencies(
        open(`tail-${transport}`, transport),
        open(`tail-${transport}`, transport),
        plan.latencySamples,
      );
      const tailP50 = percentile(tails, 50);
      metrics.push(metric(`tail notification p50 (${transport})`, tailP50, 'ms', '<= 2', tailP50 <= 2));
      metrics.push(
        metric(`tail notification p99 (${transport})`, percentile(tails, 99), 'ms', 'report', true),
      );
    }
  } finally {
    await Promise.allSettled(opened.map((stream) => stream.close()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  }
  return metrics;
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  const quick = process.argv.includes('--quick');
  const started = performance.now();
  runLocalS2Bench({ quick }).then(
    (metrics) => {
      console.table(metrics);
      console.log(
        `local S2 bench (${quick ? 'quick' : 'full'}) took ${round((performance.now() - started) / 1000, 1)} s`,
      );
      process.exit(metrics.every((m) => m.ok) ? 0 : 1);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
