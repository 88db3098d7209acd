// Helpers shared by the engine's tests: a temp-dir engine, a settable clock and byte/text conversions.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { S2Engine } from './engine';
import { type AppendRecord, S2ApiError, type SequencedRecord } from './types';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (data: Uint8Array): string => decoder.decode(data);

/** A record with a text body and optional text headers. */
export function rec(body: string, headers: Array<[string, string]> = [], timestamp?: number): AppendRecord {
  return { body: bytes(body), headers: headers.map(([n, v]) => [bytes(n), bytes(v)] as const), timestamp };
}

export const fence = (token: string): AppendRecord => ({
  headers: [[bytes(''), bytes('fence')]],
  body: bytes(token),
});

export function trim(seqNum: number): AppendRecord {
  const body = new Uint8Array(8);
  new DataView(body.buffer).setBigUint64(0, BigInt(seqNum));
  return { headers: [[bytes(''), bytes('trim')]], body };
}

export const bodies = (records: readonly SequencedRecord[]): string[] => records.map((r) => text(r.body));
export const seqNums = (records: readonly SequencedRecord[]): number[] => records.map((r) => r.seq_num);

/** A manually advanced clock in epoch ms. */
export class Clock {
  constructor(public ms = 1_700_000_000_000) {}
  readonly now = (): number => this.ms;
}

export interface TestEngine {
  engine: S2Engine;
  dataDir: string;
  clock: Clock;
  reopen(): S2Engine;
  dispose(): void;
}

/** An engine on a fresh temp data dir; `reopen` closes it and opens a new one on the same dir. */
export function openTestEngine(): TestEngine {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 's2-engine-'));
  const clock = new Clock();
  const kit: TestEngine = {
    engine: new S2Engine({ dataDir, now: clock.now }),
    dataDir,
    clock,
    reopen() {
      kit.engine.close();
      kit.engine = new S2Engine({ dataDir, now: clock.now });
      return kit.engine;
    },
    dispose() {
      kit.engine.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return kit;
}

/** The S2ApiError thrown by `fn` (sync or async); fails if nothing or something else is thrown. */
export async function s2Error(fn: () => unknown): Promise<S2ApiError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof S2ApiError) return error;
    throw error;
  }
  throw new Error('expected an S2ApiError, nothing was thrown');
}
