// Shared by scenarios: turns delivery tallies into the zero-tolerance metrics.
import { type Metric, zero } from '../harness/metrics';
import type { Delivery } from '../harness/verify';

/** Lost and duplicated events (must be 0), plus subscribers whose folded text differs from the model's. */
export function integrityMetrics(prefix: string, delivery: Delivery, textMismatches: number): Metric[] {
  return [
    zero(`${prefix}: events lost`, delivery.lost),
    zero(`${prefix}: events duplicated`, delivery.duplicated),
    zero(`${prefix}: replies whose text differs from the model's`, textMismatches, 'replies'),
  ];
}
