// Durability across restarts on the same data directory, prompt shutdown, and the command line entry.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppendInput, AppendRecord, S2 } from '@s2-dev/streamstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS2 } from './server';
import { localS2ClientConfig, randomBasinName, startLocalS2Fixture } from './test-support';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-s2-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('durability', () => {
  it('keeps acknowledged records, fences and configs across a restart on the same directory', async () => {
    const first = await startLocalS2Fixture({ dataDir });
    const basinName = first.basinName;
    const stream = first.stream('durable');
    await first.basin.streams.create({ stream: 'durable', config: { storageClass: 'standard' } });
    await stream.append(
      AppendInput.create([AppendRecord.fence('w1'), AppendRecord.string({ body: 'kept' })]),
    );
    const session = await stream.appendSession();
    const ticket = await session.submit(AppendInput.create([AppendRecord.string({ body: 'via s2s' })]));
    await ticket.ack();
    await session.close();
    await first.close();

    const second = await startLocalS2({ dataDir });
    const s2 = new S2(localS2ClientConfig(second.url));
    const again = s2.basin(basinName).stream('durable');
    try {
      const batch = await again.read({ start: { from: { seqNum: 0 } } });
      expect(batch.records.map((record) => record.body)).toEqual(['w1', 'kept', 'via s2s']);
      expect(await s2.basin(basinName).streams.getConfig({ stream: 'durable' })).toMatchObject({
        storageClass: 'standard',
      });
      await expect(
        again.append(AppendInput.create([AppendRecord.string({ body: 'x' })], { fencingToken: 'w2' })),
      ).rejects.toMatchObject({ status: 412 });
    } finally {
      await again.close();
      await second.close();
    }
  });

  it('closes promptly while a tailing read session is open', async () => {
    const fx = await startLocalS2Fixture({ basinConfig: { createStreamOnAppend: true } });
    const stream = fx.stream('open-session');
    await stream.append(AppendInput.create([AppendRecord.string({ body: 'x' })]));
    const session = await stream.readSession({ start: { from: { seqNum: 0 } } });
    const reader = session.getReader();
    expect((await reader.read()).value?.body).toBe('x');
    await session.caughtUp();
    // Closing the listener waits for every connection: one the session kept open would outlast the test.
    await fx.server.close();
    await reader.cancel().catch(() => undefined);
    await fx.close();
  });
});

describe('command line', () => {
  const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

  function waitForListening(child: ChildProcess): Promise<string> {
    return new Promise((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
        if (line?.[1]) resolve(line[1]);
      });
      child.once('exit', (code) => reject(new Error(`cli exited early with ${code}: ${output}`)));
    });
  }

  it('prints its url, serves the basin given with --basin, and exits 0 on SIGTERM', async () => {
    const basin = randomBasinName('cli');
    const child = spawn(tsx, [cli, '--port', '0', '--data', dataDir, '--basin', basin], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await waitForListening(child);
      const s2 = new S2(localS2ClientConfig(url));
      expect(await s2.basins.getConfig({ basin })).toMatchObject({
        createStreamOnAppend: true,
        createStreamOnRead: true,
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits when the parent that spawned it with an IPC channel disconnects', async () => {
    // `node --import tsx` rather than the tsx binary: tsx runs the script in a child of its own, with its own
    // IPC channel, so a parent's channel would end at tsx.
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    try {
      await waitForListening(child);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.disconnect();
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
