// What one idle live subscriber keeps on the heap, by constructor, from heap snapshots around opening them.
// Local S2 runs in its own process. Run this bundled, as the bench's target runs: tsx compiles with esbuild's
// `keepNames`, which gives every closure our code creates a property store (about 200 B each):
//   npx esbuild bench/experiments/idle-heap.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=node_modules/.cache/idle-heap.mjs
//   node --expose-gc node_modules/.cache/idle-heap.mjs [subscribers] [streams]
import { setMaxListeners } from 'node:events';
import { getHeapSnapshot } from 'node:v8';
import { spawnLocalS2 } from '../harness/local-s2-process';

const SUBSCRIBERS = Number(process.argv[2] ?? 500);
const STREAMS = Number(process.argv[3] ?? 100);
const BASIN = 'idle-heap';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

async function heapByConstructor(): Promise<Map<string, { count: number; bytes: number }>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  let text = '';
  for await (const chunk of getHeapSnapshot()) text += chunk;
  const parsed = JSON.parse(text) as Snapshot;
  const fields = parsed.snapshot.meta.node_fields;
  const types = parsed.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < parsed.nodes.length; i += width) {
    const type = types[parsed.nodes[i + typeAt] as number];
    const name = parsed.strings[parsed.nodes[i + nameAt] as number] ?? '';
    const key = type === 'object' || type === 'closure' ? `${type} ${name}` : `(${type})`;
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += parsed.nodes[i + sizeAt] as number;
    out.set(key, entry);
  }
  return out;
}

async function main(): Promise<void> {
  const s2 = await spawnLocalS2('idle-heap', BASIN);
  const chat = s2.chat(BASIN);
  const open = async (name: string, signal: AbortSignal) => {
    const response = await chat.replay(name, { live: true, signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    return reader;
  };
  // Warm-up subscribers compile the code and shapes once, so the diff holds only per-subscriber state.
  const warm = new AbortController();
  // Every subscriber listens on its signal, by design.
  setMaxListeners(0, warm.signal);
  for (let i = 0; i < 200; i++) await open(`warm-${i % 40}`, warm.signal);
  const before = await heapByConstructor();
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) readers.push(await open(`idle-${i % STREAMS}`, stop.signal));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = await heapByConstructor();
  const rows = [...after.entries()]
    .map(([key, a]) => {
      const b = before.get(key) ?? { count: 0, bytes: 0 };
      return { key, count: a.count - b.count, bytes: a.bytes - b.bytes };
    })
    .filter((row) => row.bytes > 0)
    .sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(
    `${SUBSCRIBERS} idle subscribers on ${STREAMS} streams: ${(total / SUBSCRIBERS / 1024).toFixed(2)} KiB each`,
  );
  for (const row of rows.slice(0, 40)) {
    console.log(
      `${(row.bytes / SUBSCRIBERS).toFixed(0).padStart(7)} B  ${(row.count / SUBSCRIBERS).toFixed(2).padStart(6)}×  ${row.key}`,
    );
  }
  stop.abort();
  warm.abort();
  await chat.close();
  await s2.stop();
}

await main();
