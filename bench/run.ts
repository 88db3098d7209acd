// `npm run bench [-- --quick]`: every baseline and metric in one bounded loopback run; JSON result and a table.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './harness/context';
import { type Metric, zero } from './harness/metrics';
import { PLANS, type Plan } from './harness/plan';
import { type BenchServers, PACED_TOKENS_PER_SEC, startBenchServers } from './harness/servers';
import { round } from './harness/stats';
import { markdownTable } from './harness/table';
import { BASELINE_LABEL, TargetClient } from './harness/target-client';
import { runLocalS2Bench } from './local-s2.bench';
import { batchingSweepScenario } from './scenarios/batching-sweep';
import { firstEventScenario } from './scenarios/first-event';
import { pacedLagScenario } from './scenarios/paced-lag';
import { reloadScenario } from './scenarios/reload';
import { replayScenario } from './scenarios/replay';
import { scaleScenario } from './scenarios/scale';
import { throughputScenario } from './scenarios/throughput';

const SCENARIOS = [
  ['throughput', throughputScenario],
  ['paced lag', pacedLagScenario],
  ['first event', firstEventScenario],
  ['reload', reloadScenario],
  ['batching sweep', batchingSweepScenario],
  ['scale', scaleScenario],
  ['replay', replayScenario],
] as const satisfies readonly (readonly [string, (ctx: BenchContext) => Promise<Metric[]>])[];

const log = (line: string) => console.log(`[bench] ${line}`);
const seconds = (since: number) => round((performance.now() - since) / 1000, 1);

function failed(scenario: string, error: unknown): Metric {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    name: `${scenario}: did not complete`,
    value: null,
    unit: '',
    target: reason.slice(0, 200),
    ok: false,
  };
}

/** `--only=reload,scale` runs a subset (for working on one figure); the default is every scenario. */
function selectedScenarios(): (typeof SCENARIOS)[number][] {
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  if (!only) return [...SCENARIOS];
  const names = only.split(',').map((name) => name.trim());
  return SCENARIOS.filter(([name]) => names.includes(name.replaceAll(' ', '-')));
}

async function runScenarios(servers: BenchServers, plan: Plan): Promise<Metric[]> {
  const target = new TargetClient(servers.targetUrl);
  // `--baselines=b` narrows a run, e.g. to profile one path.
  const only = process.argv.find((arg) => arg.startsWith('--baselines='))?.slice('--baselines='.length);
  const baselines = (servers.redis ? (['a', 'b', 'c'] as const) : (['a', 'b'] as const)).filter(
    (baseline) => !only || only.split(',').includes(baseline),
  );
  const ctx: BenchContext = { target, servers, baselines, plan, log };
  const metrics: Metric[] = [];
  try {
    for (const [name, scenario] of selectedScenarios()) {
      const started = performance.now();
      try {
        metrics.push(...(await scenario(ctx)));
      } catch (error) {
        console.error(`[bench] ${name} failed:`, error);
        metrics.push(failed(name, error));
        // A failed scenario may leave turns running; end them so the next one starts clean.
        await target.abortUpstreams().catch(() => 0);
      }
      log(`${name} took ${seconds(started)} s`);
    }
    metrics.push(...(await backgroundWorkMetrics(ctx)));
  } finally {
    target.close();
  }
  return metrics;
}

/**
 * Every turn's background work must end: a persisting generation (b) or producer (c) whose promise never
 * settles holds its resources, and `close()` would wait for it forever.
 */
async function backgroundWorkMetrics(ctx: BenchContext): Promise<Metric[]> {
  const stuck = await ctx.target.settled();
  const metrics = [zero(`background work that never finished ${BASELINE_LABEL.b}`, stuck.b, 'generations')];
  if (ctx.baselines.includes('c')) {
    metrics.push(zero(`background work that never finished ${BASELINE_LABEL.c}`, stuck.c, 'producers'));
  }
  return metrics;
}

/** Correctness failures (loss, duplication, a scenario that crashed) fail the run; missed speed targets do not. */
function integrityFailed(metrics: readonly Metric[]): boolean {
  return metrics.some((m) => !m.ok && ((m.target === '= 0' && m.unit === 'events') || m.value === null));
}

async function writeResult(startedAt: Date, result: unknown): Promise<string> {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = `${dir}${startedAt
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z')}.json`;
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  const plan: Plan = process.argv.includes('--quick') ? PLANS.quick : PLANS.full;
  const started = performance.now();
  const startedAt = new Date();
  const startLoad = loadavg().map((value) => round(value, 2));
  let servers: BenchServers | undefined;
  const deadline = setTimeout(() => {
    console.error(`[bench] the ${plan.mode} run exceeded ${plan.deadlineMs / 1000} s; stopping`);
    void (servers?.stop() ?? Promise.resolve()).finally(() => process.exit(2));
  }, plan.deadlineMs);
  const interrupted = () => void (servers?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  log(
    `${plan.mode} run, ${cpus().length} CPUs, node ${process.version}, load average ${startLoad.join(' ')}`,
  );
  const cpuProfileDir = process.argv
    .find((arg) => arg.startsWith('--cpu-prof='))
    ?.slice('--cpu-prof='.length);
  servers = await startBenchServers({ cpuProfileDir });
  const redisMissing = servers.redisMissing;
  if (redisMissing) log(`baseline (c) skipped: ${redisMissing}`);
  let metrics: Metric[];
  try {
    metrics = await runScenarios(servers, plan);
  } finally {
    const stopping = performance.now();
    await servers.stop();
    servers = undefined;
    log(`stopped the servers in ${seconds(stopping)} s`);
  }
  const partial = process.argv.some((arg) => arg.startsWith('--only=') || arg.startsWith('--baselines='));
  if (!partial) {
    const s2Started = performance.now();
    try {
      const s2 = await runLocalS2Bench({ quick: plan.mode === 'quick' });
      metrics.push(...s2.map((m) => ({ ...m, name: `local S2: ${m.name}` })));
    } catch (error) {
      metrics.push(failed('local S2 bench', error));
    }
    log(`local S2 bench took ${seconds(s2Started)} s`);
  }
  clearTimeout(deadline);

  const result = {
    startedAt: startedAt.toISOString(),
    mode: plan.mode,
    durationSeconds: seconds(started),
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      // Other work on the machine skews every figure; these say how busy it was.
      loadAverageAtStart: startLoad,
      loadAverageAtEnd: loadavg().map((value) => round(value, 2)),
    },
    plan,
    pacedTokensPerSec: PACED_TOKENS_PER_SEC,
    baselines: {
      a: 'Anthropic SDK stream piped to SSE, no persistence',
      b: 'lib/resumable makeResumable (202) + replay (SSE) on local/s2, session mode, default transports',
      c: redisMissing ? `skipped: ${redisMissing}` : 'resumable-stream 2.2.13 on a local redis-server',
    },
    metrics,
  };
  // A partial run (--only) is for working on one figure; only complete runs are kept.
  const file = partial ? undefined : await writeResult(startedAt, result);

  console.log(`\n${markdownTable(metrics)}\n`);
  const missed = metrics.filter((m) => !m.ok).length;
  log(
    `${metrics.length - missed}/${metrics.length} figures meet their targets; ${plan.mode} run took ${result.durationSeconds} s`,
  );
  if (file) log(`wrote ${file}`);
  process.exit(integrityFailed(metrics) ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error);
  process.exit(1);
});
