// Estimates S2's clock from append acks, so a lease compares S2 timestamps with S2 time, not ours (R7).

const SAMPLES = 16;

export class S2Clock {
  private readonly samples: number[] = [];

  /**
   * Records the offset shown by a timestamp S2 assigned just before we received its ack. Each sample
   * underestimates S2's lead by the ack's latency, so the largest recent sample is the best estimate.
   */
  observe(assigned: Date, receivedAt = Date.now()): void {
    this.samples.push(assigned.getTime() - receivedAt);
    if (this.samples.length > SAMPLES) this.samples.shift();
  }

  /** S2's current time as best known; the local clock until the first ack. */
  now(): number {
    return Date.now() + (this.samples.length === 0 ? 0 : Math.max(...this.samples));
  }
}
