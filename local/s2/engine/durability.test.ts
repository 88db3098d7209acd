// Durability: everything acknowledged survives closing and re-opening the same data dir.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S2Engine } from './engine';
import { DataDirLockedError } from './store';
import {
  bodies,
  bytes,
  fence,
  openTestEngine,
  rec,
  s2Error,
  seqNums,
  type TestEngine,
  text,
  trim,
} from './test-support';

const B = 'durable-basin';
let kit: TestEngine;

beforeEach(() => {
  kit = openTestEngine();
});
afterEach(() => kit.dispose());

describe('re-opening the data dir', () => {
  it('keeps basins, streams, records, tail, fencing token and trim point', async () => {
    kit.engine.createBasin(B, { create_stream_on_append: true });
    kit.engine.createStream(B, 's', { timestamping: { mode: 'arrival' } });
    kit.engine.append(B, 's', {
      records: [
        rec('zero'),
        rec('one', [
          ['k', 'v'],
          ['k2', ''],
        ]),
      ],
    });
    kit.engine.append(B, 's', { records: [rec('bin'), fence('writer-7'), trim(1)] });
    kit.engine.append(B, 's', {
      records: [{ body: new Uint8Array([0, 255, 1]) }],
      fencing_token: 'writer-7',
    });
    const before = await kit.engine.read(B, 's', { seq_num: 0 });

    const engine = kit.reopen();
    expect(fs.existsSync(path.join(kit.dataDir, 's2.sqlite'))).toBe(true);
    expect(engine.getBasinConfig(B).create_stream_on_append).toBe(true);
    expect(engine.getStreamConfig(B, 's').timestamping.mode).toBe('arrival');
    expect(engine.checkTail(B, 's')).toEqual({ seq_num: 6, timestamp: kit.clock.ms });
    const after = await engine.read(B, 's', { seq_num: 0 });
    expect(after).toEqual(before);
    expect(seqNums(after.records)).toEqual([1, 2, 3, 4, 5]);
    const one = after.records[0];
    expect(one?.headers.map(([n, v]) => [text(n), text(v)])).toEqual([
      ['k', 'v'],
      ['k2', ''],
    ]);
    expect([...(after.records[4]?.body ?? [])]).toEqual([0, 255, 1]);
    const mismatch = await s2Error(() => engine.append(B, 's', { records: [rec('x')], fencing_token: '' }));
    expect(mismatch.body).toEqual({ fencing_token_mismatch: 'writer-7' });
    expect(engine.append(B, 's', { records: [rec('next')] }).start.seq_num).toBe(6);
  });

  it('keeps deletions', async () => {
    kit.engine.createBasin(B);
    kit.engine.createStream(B, 'gone');
    kit.engine.append(B, 'gone', { records: [rec('x')] });
    kit.engine.deleteStream(B, 'gone');
    const engine = kit.reopen();
    expect((await s2Error(() => engine.getStreamConfig(B, 'gone'))).status).toBe(404);
    engine.createStream(B, 'gone');
    expect(engine.checkTail(B, 'gone').seq_num).toBe(0);
  });

  it('refuses a second engine on a data dir that is already open', () => {
    kit.engine.createBasin(B);
    expect(() => new S2Engine({ dataDir: kit.dataDir })).toThrow(DataDirLockedError);
    expect(kit.engine.listBasins().basins.map((b) => b.name)).toEqual([B]);
  });
});

describe('in-memory engines', () => {
  it('work without a data dir and share nothing', async () => {
    const a = new S2Engine({ memory: true });
    const b = new S2Engine();
    try {
      a.createBasin(B);
      a.createStream(B, 's');
      a.append(B, 's', { records: [{ body: bytes('only in a') }] });
      expect(bodies((await a.read(B, 's', { seq_num: 0 })).records)).toEqual(['only in a']);
      expect(b.listBasins().basins).toEqual([]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('rejects calls after close', async () => {
    const engine = new S2Engine({ memory: true });
    engine.close();
    engine.close();
    expect((await s2Error(() => engine.listBasins())).status).toBe(503);
  });
});
