// The library defaults the main baseline (b) runs with, as the app does (S2_BATCH_SIZE, S2_LINGER_DURATION_MS).
export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_LINGER_MS = 50;
