// Sizes of a benchmark run: `--quick` (under 2 minutes) and the full run (under 10 minutes).

export interface Plan {
  mode: 'quick' | 'full';
  /** Measured unthrottled turns per baseline, and `max_tokens` of each (`/demo long`). */
  throughputTurns: number;
  throughputTokens: number;
  /** Paced turns per baseline and their length in tokens (one delta per token). */
  pacedTurns: number;
  pacedTokens: number;
  /** Short turns per baseline for time to first event (and as many follow-up turns for (b)). */
  firstEventTurns: number;
  /** Reload samples per baseline during one paced turn. */
  reloadSamples: number;
  /**
   * The finished turn to replay: this many upstream messages of `replayTokens` deltas, plus 5 events each
   * (message_start, content_block_start/stop, message_delta, message_stop; the SDK drops `ping`).
   */
  replayMessages: number;
  replayTokens: number;
  replayRepeats: number;
  /** Simultaneous turns and live subscribers (spread evenly over the turns). */
  scaleTurns: number;
  scaleSubscribers: number;
  sweepBatchSizes: number[];
  sweepLingers: number[];
  sweepFastTokens: number;
  sweepPacedTokens: number;
  /** The whole run is stopped past this. */
  deadlineMs: number;
}

export const PLANS = {
  quick: {
    mode: 'quick',
    throughputTurns: 2,
    throughputTokens: 1000,
    pacedTurns: 1,
    pacedTokens: 100,
    firstEventTurns: 5,
    reloadSamples: 5,
    replayMessages: 1,
    replayTokens: 495,
    replayRepeats: 3,
    scaleTurns: 20,
    scaleSubscribers: 100,
    sweepBatchSizes: [1, 10],
    sweepLingers: [0, 50],
    sweepFastTokens: 1000,
    sweepPacedTokens: 50,
    deadlineMs: 115_000,
  },
  full: {
    mode: 'full',
    throughputTurns: 5,
    throughputTokens: 4096,
    pacedTurns: 2,
    pacedTokens: 250,
    firstEventTurns: 25,
    reloadSamples: 20,
    // 2 × (1,995 deltas + 5 events) = a 4,000-event turn, streamed live at the paced rate.
    replayMessages: 2,
    replayTokens: 1995,
    replayRepeats: 5,
    scaleTurns: 100,
    scaleSubscribers: 500,
    sweepBatchSizes: [1, 10, 100],
    sweepLingers: [0, 5, 20, 50],
    sweepFastTokens: 2000,
    sweepPacedTokens: 150,
    deadlineMs: 590_000,
  },
} as const satisfies Record<string, Plan>;
