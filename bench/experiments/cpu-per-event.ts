// `npx tsx bench/experiments/cpu-per-event.ts [turns]`: CPU time per delivered event in every process of a
// run (target, local S2, the models, Redis, this client), per baseline, on unthrottled turns.
import { readdir, readFile } from 'node:fs/promises';
import { cpuMillisOf } from '../harness/processes';
import { startBenchServers } from '../harness/servers';
import { type Baseline, TargetClient } from '../harness/target-client';
import { runLiveTurn, spec } from '../harness/turns';

const TURNS = Number(process.argv[2] ?? 10);
const TOKENS = 4096;

async function childPids(): Promise<number[]> {
  const tasks = await readdir('/proc/self/task');
  const lists = await Promise.all(
    tasks.map((task) => readFile(`/proc/self/task/${task}/children`, 'utf8').catch(() => '')),
  );
  return lists.flatMap((list) => list.split(' ').filter(Boolean).map(Number));
}

/** Name and CPU milliseconds (user + system) of each process. */
async function cpuByProcess(pids: number[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const pid of pids) {
    const [ms, cmdline] = await Promise.all([cpuMillisOf(pid), readFile(`/proc/${pid}/cmdline`, 'utf8')]);
    const args = cmdline.split('\0');
    const name = args.includes('--port') && args.includes('--data') ? 'local-s2' : processName(args);
    out.set(`${name}#${pid}`, ms);
  }
  const self = process.cpuUsage();
  out.set('client', (self.user + self.system) / 1000);
  return out;
}

function processName(args: string[]): string {
  const entry = args.find((arg) => arg.endsWith('.ts')) ?? args[0] ?? '?';
  if (entry.includes('redis')) return 'redis';
  return entry.split('/').slice(-2).join('/');
}

async function main(): Promise<void> {
  const servers = await startBenchServers();
  const target = new TargetClient(servers.targetUrl);
  const baselines: Baseline[] = servers.redis ? ['a', 'b', 'c'] : ['a', 'b'];
  try {
    const pids = await childPids();
    for (const baseline of baselines) {
      for (let i = 0; i < 3; i++)
        await runLiveTurn(target, baseline, spec('warm', 'fast', ['/demo long'], TOKENS), {
          timeoutMs: 60_000,
        });
      const before = await cpuByProcess(pids);
      const started = performance.now();
      let events = 0;
      for (let i = 0; i < TURNS; i++) {
        const live = await runLiveTurn(target, baseline, spec('cpu', 'fast', ['/demo long'], TOKENS), {
          timeoutMs: 60_000,
        });
        events += live.subscriber.frames.length;
      }
      const wallMs = performance.now() - started;
      const after = await cpuByProcess(pids);
      const parts = [...after]
        .map(([name, ms]) => [name.split('#')[0], ms - (before.get(name) ?? 0)] as const)
        .filter(([, ms]) => ms > 0)
        .map(([name, ms]) => `${name} ${((ms * 1000) / events).toFixed(1)}`);
      const total = [...after].reduce((sum, [name, ms]) => sum + ms - (before.get(name) ?? 0), 0);
      console.log(
        `(${baseline}) ${events} events in ${wallMs.toFixed(0)} ms, CPU ${((total / wallMs) * 100).toFixed(0)}% ` +
          `of one core; µs per event: ${parts.join(', ')}`,
      );
    }
  } finally {
    target.close();
    await servers.stop();
  }
}

await main();
