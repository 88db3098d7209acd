// Public entry of the local S2 storage engine: the S2Engine class, its types and the error class.

export type { QueuedAppend } from './commit-queue';
export { S2Engine } from './engine';
export { meteredBytes } from './metering';
export { basinNameProblem, streamNameProblem } from './names';
export { DataDirLockedError } from './store';
export * from './types';
