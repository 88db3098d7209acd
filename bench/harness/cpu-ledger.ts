// The target process's CPU time, charged per baseline to the work a scenario runs there.
import type { Baseline, TargetClient } from './target-client';

export class CpuLedger {
  private readonly used = new Map<Baseline, { micros: number; units: number }>();

  constructor(private readonly target: TargetClient) {}

  /**
   * Runs `work` and charges the target's CPU until its background work has settled too (a generation's
   * close), so the next piece of work, maybe another baseline's, is not charged for it.
   */
  async charge<T>(baseline: Baseline, work: () => Promise<T>, units: (result: T) => number): Promise<T> {
    const before = await this.target.cpuMicros();
    const result = await work();
    await this.target.settled();
    const spent = (await this.target.cpuMicros()) - before;
    const entry = this.used.get(baseline) ?? { micros: 0, units: 0 };
    entry.micros += spent;
    entry.units += units(result);
    this.used.set(baseline, entry);
    return result;
  }

  /** Microseconds per unit charged to `baseline`; NaN when nothing was. */
  perUnit(baseline: Baseline): number {
    const entry = this.used.get(baseline);
    return entry && entry.units > 0 ? entry.micros / entry.units : Number.NaN;
  }
}
