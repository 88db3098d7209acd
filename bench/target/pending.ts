// Background work (persisting generations, producers) tracked so a scenario can wait for it, within a bound.

export class PendingWork {
  private readonly running = new Set<Promise<unknown>>();
  /** Work that outlived a bounded wait; never waited for again (see `settle`). */
  private stuck = 0;

  track(work: Promise<unknown>): void {
    this.running.add(work);
    void work.then(
      () => this.running.delete(work),
      () => this.running.delete(work),
    );
  }

  /**
   * Waits for everything tracked so far, at most `timeoutMs`. Whatever is still running then is counted as
   * stuck and dropped, so one promise that never settles cannot stall every later wait.
   */
  async settle(timeoutMs: number): Promise<{ stuck: number }> {
    const waiting = [...this.running];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([
      Promise.allSettled(waiting).then(() => 'settled' as const),
      timedOut,
    ]);
    clearTimeout(timer);
    if (outcome === 'settled') return { stuck: 0 };
    const left = waiting.filter((work) => this.running.has(work));
    for (const work of left) this.running.delete(work);
    this.stuck += left.length;
    return { stuck: left.length };
  }

  get stuckTotal(): number {
    return this.stuck;
  }
}
