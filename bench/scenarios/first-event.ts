// Time to first event (send → first event at the client), split into where the time goes: many short turns.
import type { BenchContext } from '../harness/context';
import { CpuLedger } from '../harness/cpu-ledger';
import { type Metric, reported } from '../harness/metrics';
import { median } from '../harness/stats';
import { BASELINE_LABEL, type Baseline } from '../harness/target-client';
import { followUp, type LiveTurn, runLiveTurn, spec } from '../harness/turns';
import { addDelivery, NO_DELIVERY } from '../harness/verify';
import { integrityMetrics } from './integrity';

/** Short replies from the unpaced model: the figure is the path's start-up, not the reply. */
const REPLY_TOKENS = 16;

interface Split {
  total: number;
  /** Client send → target has claimed the stream (b only: the claim's S2 round trips). */
  claim?: number;
  /** → the upstream request starts. */
  start: number;
  /** → the SDK yields the first event (the model's time to first token, here local). */
  model: number;
  /** → the client has that event (b: writer batching, S2 append, read session, SSE). */
  delivery: number;
}

function split(turn: LiveTurn): Split | undefined {
  const first = turn.subscriber.frames[0];
  const firstStamp = turn.stamps[0];
  const { upstream, claimed } = turn.marks;
  if (!first || firstStamp === undefined || upstream === undefined) return undefined;
  return {
    total: first.at - turn.startedAt,
    claim: claimed === undefined ? undefined : claimed - turn.startedAt,
    start: upstream - (claimed ?? turn.startedAt),
    model: firstStamp - upstream,
    delivery: first.at - firstStamp,
  };
}

/** `which` names the kind of turn when it is not a chat's first, e.g. `, follow-up turn`. */
function firstEventMetrics(turns: ReadonlyMap<Baseline, readonly LiveTurn[]>, which = ''): Metric[] {
  const metrics: Metric[] = [];
  for (const [baseline, list] of turns) {
    const splits = list.flatMap((turn) => split(turn) ?? []);
    const p50 = (pick: (s: Split) => number | undefined) =>
      median(splits.flatMap((s) => (pick(s) === undefined ? [] : [pick(s) as number])));
    const label = BASELINE_LABEL[baseline];
    metrics.push(
      reported(
        `time to first event p50${which} ${label}`,
        p50((s) => s.total),
        'ms',
      ),
    );
    const parts =
      baseline === 'b'
        ? `claim ${p50((s) => s.claim).toFixed(1)} + start ${p50((s) => s.start).toFixed(1)}`
        : `request ${p50((s) => s.start).toFixed(1)}`;
    metrics.push({
      name: `time to first event${which}, split ${label}`,
      value: null,
      unit: 'ms',
      target: `${parts} + model ${p50((s) => s.model).toFixed(1)} + delivery ${p50((s) => s.delivery).toFixed(1)}`,
      ok: true,
    });
  }
  return metrics;
}

/**
 * Rounds of one new chat per baseline, interleaved so drift hits all alike, then for (b) a follow-up turn in
 * each of its chats: a claim on a stream this instance wrote last, as a user's next message is.
 */
export async function firstEventScenario(ctx: BenchContext): Promise<Metric[]> {
  const { plan, target } = ctx;
  const turns = new Map<Baseline, LiveTurn[]>(ctx.baselines.map((baseline) => [baseline, []]));
  const followUps: LiveTurn[] = [];
  let delivery = NO_DELIVERY;
  let mismatches = 0;
  const record = (live: LiveTurn) => {
    delivery = addDelivery(delivery, live.delivery);
    if (!live.delivery.textMatches) mismatches++;
    return live;
  };
  const turn = () => spec('first', 'fast', ['/demo long'], REPLY_TOKENS);
  // A warm-up turn each: the first request of a process pays for connections and compilation.
  for (const baseline of ctx.baselines) await runLiveTurn(target, baseline, turn(), { timeoutMs: 30_000 });
  const cpu = new CpuLedger(target);
  for (let round = 0; round < plan.firstEventTurns; round++) {
    for (const baseline of ctx.baselines) {
      const run = () => runLiveTurn(target, baseline, turn(), { timeoutMs: 30_000 });
      turns.get(baseline)?.push(record(await cpu.charge(baseline, run, () => 1)));
    }
  }
  for (const previous of turns.get('b') ?? []) {
    const from = previous.subscriber.frames.at(-1)?.id ?? 0;
    const next = followUp(previous.spec, 'first-next');
    followUps.push(record(await runLiveTurn(target, 'b', next, { timeoutMs: 30_000, from })));
  }
  return [
    // A turn's fixed cost in the app: requests, claim, sessions, closing; what a short reply costs.
    ...ctx.baselines.map((baseline) =>
      reported(`app CPU per short turn ${BASELINE_LABEL[baseline]}`, cpu.perUnit(baseline) / 1000, 'ms'),
    ),
    ...firstEventMetrics(turns),
    ...firstEventMetrics(new Map([['b', followUps]]), ', follow-up turn in the same chat'),
    ...integrityMetrics('first event, all baselines', delivery, mismatches),
  ];
}
