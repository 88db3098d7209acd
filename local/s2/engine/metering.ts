// Metered size of a record per S2: 8 + 2·headers + Σ(name+value) + body, in decoded bytes.

import type { AppendRecord, SequencedRecord } from './types';

export function meteredBytes(record: AppendRecord | SequencedRecord): number {
  let size = 8 + (record.body?.length ?? 0);
  for (const [name, value] of record.headers ?? []) size += 2 + name.length + value.length;
  return size;
}
