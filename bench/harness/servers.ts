// Starts every process of a benchmark run on loopback (local S2, two local models, Redis, the target) and stops them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TargetConfig } from '../target/server';
import { findRedisServer, type Spawned, spawnNode, spawnTsx, startRedis } from './processes';
import { buildTarget } from './target-build';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const S2_CLI = here('../../local/s2/cli.ts');
const ANTHROPIC_CLI = here('../../local/anthropic/cli.ts');

export const BENCH_BASIN = 'bench-resumable';
/** The paced upstream's rate (tokens/s, one delta per token) for every lag figure. */
export const PACED_TOKENS_PER_SEC = 50;

export interface BenchServers {
  targetUrl: string;
  target: Spawned;
  s2: Spawned;
  redis?: Spawned;
  /** Why baseline (c) is skipped, when it is. */
  redisMissing?: string;
  stop(): Promise<void>;
}

/** With `cpuProfileDir`, the target and local S2 write V8 CPU profiles there when they exit. */
export async function startBenchServers(options: { cpuProfileDir?: string } = {}): Promise<BenchServers> {
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const dir = await mkdtemp(join(tmpdir(), 'resumable-bench-'));
  const started: Spawned[] = [];
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((child) => child.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const track = async (spawning: Promise<Spawned>) => {
      const child = await spawning;
      started.push(child);
      return child;
    };
    const redisBinary = findRedisServer();
    const [s2, fast, paced, redis] = await Promise.all([
      // Durable, as in development: an acknowledged append is committed to SQLite.
      track(
        spawnTsx(
          'local-s2',
          S2_CLI,
          ['--port', '0', '--data', join(dir, 's2'), '--basin', BENCH_BASIN],
          {},
          profile,
        ),
      ),
      track(spawnTsx('model-fast', ANTHROPIC_CLI, ['--port', '0'], { LOCAL_ANTHROPIC_TOKENS_PER_SEC: '0' })),
      track(
        spawnTsx('model-paced', ANTHROPIC_CLI, ['--port', '0'], {
          LOCAL_ANTHROPIC_TOKENS_PER_SEC: String(PACED_TOKENS_PER_SEC),
          // `/demo stall` then stays silent until a scenario aborts it: idle subscribers on a live turn.
          LOCAL_ANTHROPIC_STALL_MS: '600000',
        }),
      ),
      'path' in redisBinary ? track(startRedis(redisBinary.path, dir)) : Promise.resolve(undefined),
    ]);
    const config = {
      s2Url: s2.url,
      basin: BENCH_BASIN,
      fastUrl: fast.url,
      pacedUrl: paced.url,
      redisUrl: redis?.url,
    } satisfies TargetConfig;
    const target = await track(
      spawnNode('target', await buildTarget(), [], { BENCH_TARGET: JSON.stringify(config) }, [
        '--expose-gc',
        ...profile,
      ]),
    );
    return {
      targetUrl: target.url,
      target,
      s2,
      redis,
      redisMissing: 'missing' in redisBinary ? redisBinary.missing : undefined,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
