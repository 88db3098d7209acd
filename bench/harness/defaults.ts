// Writer batching, and the library defaults the main baseline (b) runs with, as the app does.

/** `S2_BATCH_SIZE` and `S2_LINGER_DURATION_MS` of one chat instance. */
export interface Batching {
  batchSize: number;
  lingerDuration: number;
}

export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_LINGER_MS = 50;
