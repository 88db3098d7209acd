// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [skip-ms]`: self time by function and by file,
// leaving out the first `skip-ms` (start-up: module loading and compilation).
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  const marker = url.lastIndexOf('/node_modules/');
  if (marker !== -1) return url.slice(marker + '/node_modules/'.length);
  return url.replace(/^file:\/\/\/work\/main\//, '') || '(native)';
}

function top(totals: Map<string, number>, all: number, count: number): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, micros]) =>
        `${((100 * micros) / all).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
}

async function main(): Promise<void> {
  const [file, countArg, skipArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top] [skip-ms]');
  const count = Number(countArg ?? 25);
  const skipMicros = Number(skipArg ?? 0) * 1000;
  let elapsed = 0;
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  /** Inclusive time per project function (lib/, local/, bench/): everything sampled while it was on the stack. */
  const inclusive = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const micros = profile.timeDeltas[index] ?? 0;
    elapsed += micros;
    if (!node || elapsed < skipMicros) return;
    all += micros;
    const where = shortUrl(node.callFrame.url);
    const name = `${node.callFrame.functionName || '(anonymous)'}  ${where}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    byFile.set(where, (byFile.get(where) ?? 0) + micros);
    const onStack = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !/\/work\/main\/(lib|local|bench)\//.test(frame.url)) continue;
      onStack.add(`${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}`);
    }
    for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
  });
  console.log(`${file}: ${(all / 1000).toFixed(0)} ms sampled\n\nby function (self time):`);
  console.log(top(byFunction, all, count).join('\n'));
  console.log('\nby file (self time):');
  console.log(top(byFile, all, count).join('\n'));
  console.log('\nproject functions (inclusive time, synchronous stacks only):');
  console.log(top(inclusive, all, count).join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
