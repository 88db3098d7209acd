// What every scenario gets: the target, the processes, the baselines in play, the plan, and shared figures.
import type { Plan } from './plan';
import type { BenchServers } from './servers';
import type { Baseline, TargetClient } from './target-client';

export interface BenchContext {
  target: TargetClient;
  servers: BenchServers;
  /** (c) is absent when redis-server is missing. */
  baselines: readonly Baseline[];
  plan: Plan;
  log: (line: string) => void;
  /** The direct proxy's paced lag, measured once and reused as the zero of every "added lag". */
  directPacedLag?: { p50: number; p99: number };
}
