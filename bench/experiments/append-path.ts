// `npx tsx bench/experiments/append-path.ts`: what the writer's append path costs per event, against one local
// S2 in its own process: the SDK Producer (per-record submit, as lib/resumable did before batcher.ts) against
// handing the same 10-record batches to the append session directly.

import { performance } from 'node:perf_hooks';
import { AppendInput, AppendRecord, BatchTransform, Producer, S2, type S2Stream } from '@s2-dev/streamstore';
import { localS2ClientConfig, randomBasinName } from '../../local/s2/http/test-support';
import { spawnLocalS2 } from '../harness/local-s2-process';
import { median } from '../harness/stats';

const EVENTS = 20_000;
const BATCH = 10;
const ROUNDS = 5;
/** A typical text delta, as lib/resumable stores it. */
const BODY = JSON.stringify({
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text: ' words' },
});
const record = () => AppendRecord.string({ body: BODY, headers: [['resumable-gen', 'gen-0-abcdefgh']] });

async function viaProducer(stream: S2Stream): Promise<number> {
  const producer = new Producer(
    new BatchTransform({ lingerDurationMillis: 50, maxBatchRecords: BATCH }),
    await stream.appendSession(),
  );
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) await producer.submit(record());
  await producer.close();
  return EVENTS / ((performance.now() - started) / 1000);
}

async function viaSession(stream: S2Stream): Promise<number> {
  const session = await stream.appendSession();
  const started = performance.now();
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < EVENTS; i += BATCH) {
    const records = Array.from({ length: BATCH }, record);
    acks.push((await session.submit(AppendInput.create(records))).ack());
  }
  await Promise.all(acks);
  await session.close();
  return EVENTS / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const server = await spawnLocalS2('append-path');
  const s2 = new S2(localS2ClientConfig(server.url));
  const basinName = randomBasinName('append');
  await s2.basins.create({ basin: basinName, config: { createStreamOnAppend: true } });
  const basin = s2.basin(basinName);
  const producer: number[] = [];
  const session: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const a = basin.stream(`producer-${round}`);
      const b = basin.stream(`session-${round}`);
      producer.push(await viaProducer(a));
      session.push(await viaSession(b));
      await Promise.all([a.close(), b.close()]);
    }
  } finally {
    await server.stop();
  }
  console.log(`${EVENTS} events in batches of ${BATCH}, median of ${ROUNDS} rounds:`);
  console.log(`  Producer + BatchTransform, one submit per event: ${median(producer).toFixed(0)} events/s`);
  console.log(`  append session, one submit per batch:            ${median(session).toFixed(0)} events/s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
