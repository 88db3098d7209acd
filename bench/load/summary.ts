// Adds up the turns of a load run and prints the summary the run is judged by.
import { percentile } from '../harness/stats';
import type { TurnOutcome } from './turn-runner';

export interface LoadSummary {
  chats: number;
  turns: number;
  failedTurns: number;
  reconnects: number;
  reloads: number;
  events: number;
  lost: number;
  duplicated: number;
  streamMismatches: number;
  historyMismatches: number;
  firstEventP50Ms: number;
  firstEventP99Ms: number;
  wallSeconds: number;
}

export function summarize(outcomes: readonly TurnOutcome[], chats: number, wallSeconds: number): LoadSummary {
  const firstEvents = outcomes.flatMap((o) => (o.firstEventMs === undefined ? [] : [o.firstEventMs]));
  const total = (pick: (o: TurnOutcome) => number) => outcomes.reduce((sum, o) => sum + pick(o), 0);
  return {
    chats,
    turns: outcomes.length,
    failedTurns: outcomes.filter((o) => o.failure !== undefined).length,
    reconnects: total((o) => o.reconnects),
    reloads: total((o) => o.reloads),
    events: total((o) => o.delivered),
    lost: total((o) => o.lost),
    duplicated: total((o) => o.duplicated),
    streamMismatches: outcomes.filter((o) => o.streamMismatch).length,
    historyMismatches: outcomes.filter((o) => o.historyMismatch).length,
    firstEventP50Ms: percentile(firstEvents, 50),
    firstEventP99Ms: percentile(firstEvents, 99),
    wallSeconds,
  };
}

export function passed(summary: LoadSummary): boolean {
  return (
    summary.failedTurns === 0 &&
    summary.lost === 0 &&
    summary.duplicated === 0 &&
    summary.streamMismatches === 0 &&
    summary.historyMismatches === 0
  );
}

export function printSummary(summary: LoadSummary): void {
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
  const rows: [string, string][] = [
    ['chats', String(summary.chats)],
    ['turns', `${summary.turns} (${summary.failedTurns} failed)`],
    ['reconnects (resume from last SSE id)', String(summary.reconnects)],
    ['reloads (history, then replay from its cursor)', String(summary.reloads)],
    ['events delivered', String(summary.events)],
    ['events lost', String(summary.lost)],
    ['events duplicated', String(summary.duplicated)],
    ['turns whose streamed text differs from the model', String(summary.streamMismatches)],
    ['turns whose stored reply differs from the model', String(summary.historyMismatches)],
    ['time to first event p50', ms(summary.firstEventP50Ms)],
    ['time to first event p99', ms(summary.firstEventP99Ms)],
    ['wall time', `${summary.wallSeconds.toFixed(1)} s`],
  ];
  console.log(['', '| load | |', '|---|---:|', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''].join('\n'));
}
