// The benchmark's result shape and the helpers that pair each figure with its target.
import { round } from './stats';

/** One figure of the report; `value` is null when a baseline cannot do what the metric measures. */
export interface Metric {
  name: string;
  value: number | null;
  unit: string;
  target: string;
  ok: boolean;
}

const finite = (value: number) => Number.isFinite(value);

/** A figure shown for information: it passes whenever it was measured. */
export function reported(name: string, value: number, unit: string): Metric {
  return { name, value: finite(value) ? round(value) : null, unit, target: 'report', ok: finite(value) };
}

/** A baseline that cannot produce this figure, with the reason as its target text. */
export function unsupported(name: string, unit: string, reason: string): Metric {
  return { name, value: null, unit, target: reason, ok: true };
}

export function atMost(name: string, value: number, unit: string, limit: number, target?: string): Metric {
  return {
    name,
    value: finite(value) ? round(value) : null,
    unit,
    target: target ?? `<= ${round(limit, 2)}`,
    ok: finite(value) && value <= limit,
  };
}

export function atLeast(name: string, value: number, unit: string, limit: number, target?: string): Metric {
  return {
    name,
    value: finite(value) ? round(value) : null,
    unit,
    target: target ?? `>= ${round(limit, 2)}`,
    ok: finite(value) && value >= limit,
  };
}

/** `numerator / denominator` as a ratio that must reach `minimum` (e.g. 0.9× the direct proxy). */
export function ratioAtLeast(name: string, numerator: number, denominator: number, minimum: number): Metric {
  return atLeast(name, numerator / denominator, 'x', minimum, `>= ${minimum}x`);
}

/** Zero-tolerance counts: events lost or duplicated. */
export function zero(name: string, count: number, unit = 'events'): Metric {
  return { name, value: count, unit, target: '= 0', ok: count === 0 };
}
