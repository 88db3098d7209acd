// One writer's share of a group commit: its inputs validated in order and its stream resolved, before SQL.

import { type Command, validateAppend } from './append-validation';
import type { Catalog } from './catalog';
import type { StreamState } from './stream-state';
import { type AppendInput, type AutoCreateOptions, S2ApiError } from './types';

/** Inputs a writer hands to a group commit, applied in order; the first failure ends them. */
export interface AppendRequest {
  basin: string;
  stream: string;
  inputs: readonly AppendInput[];
  options: AutoCreateOptions;
}

export interface CheckedInput {
  input: AppendInput;
  commands: ReadonlyMap<number, Command>;
}

export interface AppendJob {
  /** `null` when none of the inputs can reach the log (no inputs, or the first one already failed). */
  state: StreamState | null;
  /** The leading inputs that passed validation, to be checked against the log in order. */
  checked: CheckedInput[];
  /**
   * Why the input right after `checked` failed before reaching the log (422 validation, 404 stream).
   * It is that input's outcome only if every checked input before it succeeds.
   */
  stopError?: S2ApiError;
}

/**
 * Same order as a single append: names → validation (422) → stream (auto-create, 404). Validation is per
 * input, so a later invalid input cannot fail the earlier ones; the stream is resolved for the first valid
 * input, as a lone append of it would.
 */
export function prepareAppendJob(catalog: Catalog, request: AppendRequest): AppendJob {
  const job: AppendJob = { state: null, checked: [] };
  if (request.inputs.length === 0) return job;
  try {
    catalog.checkNames(request.basin, request.stream);
    for (const input of request.inputs) {
      job.checked.push({ input, commands: validateAppend(input).commands });
    }
  } catch (error) {
    if (!(error instanceof S2ApiError)) throw error;
    job.stopError = error;
  }
  if (job.checked.length === 0) return job;
  try {
    job.state = catalog.streamFor(request.basin, request.stream, 'append', request.options.createConfig);
  } catch (error) {
    if (!(error instanceof S2ApiError)) throw error;
    job.checked = [];
    job.stopError = error;
  }
  return job;
}
