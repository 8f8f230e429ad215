/**
 * Quality benchmark (`npm run bench:quality`): how fair the balancing is over time, and how well
 * company names match accounts.
 *
 * Fairness: for each strategy, an eight-member pool (equal weights, everyone available) receives
 * low-volume arrivals (two leads a working day, at seeded random times) for QUALITY_WEEKS weeks
 * (default 8); the figure is the largest cumulative max − min of leads per member at any point.
 * Leads close three days after assignment (least_loaded reads open load). Then the demo
 * (examples/) is simulated with the close model its README uses, and each pool's largest
 * deviation from its availability-adjusted entitlement is printed; the headline is the largest.
 * QUALITY_DEMO_LEADS limits the demo to its first N leads for a quick check.
 *
 * Matching: `measureMatching()` from bench/quality-matching.ts (precision, recall and
 * microseconds per lookup on the labelled set). `--fairness-only` skips it.
 *
 * The last line is one JSON object.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCloseModel, simulateLeads } from '../src/analysis/index.ts';
import { emptyPoolState, periodKey, pickMember } from '../src/engine/balancing.ts';
import type { Strategy } from '../src/engine/index.ts';
import type { OwnerState, PoolState } from '../src/engine/types.ts';
import { leadTimestamp, parseLeadTime } from '../src/formats/leads.ts';
import { loadLeads, loadRoutingFiles } from '../src/cli/inputs.ts';

const WEEKS = Number(process.env.QUALITY_WEEKS ?? 8);
const DEMO_LEADS = process.env.QUALITY_DEMO_LEADS
  ? Number(process.env.QUALITY_DEMO_LEADS)
  : Infinity;
const FAIRNESS_ONLY = process.argv.includes('--fairness-only');
/** The close model of examples/README.md. */
export const DEMO_CLOSE_MODEL = 'converted:0.35@2d,disqualified:0.55@4d';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 2); // a Monday
const MEMBERS = 8;

/** A seeded generator (mulberry32): the same arrivals on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Two leads each working day at random times between 08:00 and 18:00 UTC. */
function lowVolumeArrivals(weeks: number): number[] {
  const next = random(42);
  const out: number[] = [];
  for (let d = 0; d < weeks * 7; d++) {
    if (d % 7 >= 5) continue;
    for (let k = 0; k < 2; k++) out.push(START + d * DAY + 8 * 3_600_000 + next() * 10 * 3_600_000);
  }
  return out.sort((a, b) => a - b);
}

/** The largest cumulative max − min over the run, for one strategy. */
function cumulativeSpread(strategy: Strategy, arrivals: readonly number[]): number {
  const members = Array.from({ length: MEMBERS }, (_, i) => ({ ownerId: `m${i}`, weight: 1 }));
  const counts = new Array<number>(MEMBERS).fill(0);
  const owners = new Map<string, OwnerState>();
  const closes: Array<{ at: number; id: string }> = [];
  let state: PoolState = emptyPoolState();
  let worst = 0;
  for (const at of arrivals) {
    while (closes.length && closes[0]!.at <= at) {
      const { id } = closes.shift()!;
      owners.set(id, { ...owners.get(id)!, open: owners.get(id)!.open - 1 });
    }
    const r = pickMember({
      strategy,
      members,
      eligible: members.map(() => true),
      state,
      ownerState: owners,
      period: periodKey('week', at),
    })!;
    state = r.state;
    const id = members[r.index]!.ownerId;
    counts[r.index]!++;
    const prev = owners.get(id);
    owners.set(id, {
      open: (prev?.open ?? 0) + 1,
      dayKey: '',
      dayCount: 0,
      weekKey: '',
      weekCount: 0,
      lastAssignedAt: at,
    });
    closes.push({ at: at + 3 * DAY, id });
    worst = Math.max(worst, Math.max(...counts) - Math.min(...counts));
  }
  return worst;
}

const arrivals = lowVolumeArrivals(WEEKS);
console.log(
  `Fairness over ${WEEKS} weeks: ${arrivals.length} leads to ${MEMBERS} members (2 a working day), fair_share period week`,
);
const spreads: Record<string, number> = {};
for (const strategy of ['round_robin', 'weighted', 'least_loaded', 'fair_share'] as const) {
  spreads[strategy] = cumulativeSpread(strategy, arrivals);
  console.log(`  ${strategy.padEnd(13)} largest cumulative max − min  ${spreads[strategy]}`);
}

const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const { policy, directory, accounts } = loadRoutingFiles({
  policy: `${examples}policy.yaml`,
  owners: `${examples}owners.yaml`,
  accounts: `${examples}accounts.csv`,
});
const leads = loadLeads(`${examples}leads.csv`, `${examples}leads-mapping.yaml`).slice(
  0,
  DEMO_LEADS,
);
const demo = simulateLeads(policy, leads, {
  directory,
  accounts,
  defaultNow: START,
  timestampOf: leadTimestamp,
  parseTime: parseLeadTime,
  closeModel: parseCloseModel(DEMO_CLOSE_MODEL),
});
console.log(`\nDemo: ${demo.count} leads, closing ${demo.closing.model}`);
console.log('  pool            leads  largest deviation from entitlement');
let demoMax = 0;
for (const [poolId, d] of Object.entries(demo.pools)) {
  const e = d.entitlement;
  demoMax = Math.max(demoMax, e.largestDeviation);
  console.log(
    `  ${poolId.padEnd(14)} ${String(d.total).padStart(6)}  ${(100 * e.largestDeviation).toFixed(1).padStart(5)} pts (${e.largestDeviationOwner})`,
  );
}

interface MatchingFigures {
  precision: number;
  recall: number;
  usPerLookup: number;
}
let matching: MatchingFigures | undefined;
if (!FAIRNESS_ONLY) {
  const file = new URL('./quality-matching.ts', import.meta.url);
  if (!existsSync(file))
    throw new Error('bench/quality-matching.ts is missing: run with --fairness-only');
  // Resolved at run time so that this file type-checks on its own.
  const mod = (await import(file.href)) as { measureMatching(): Promise<MatchingFigures> };
  matching = await mod.measureMatching();
  console.log(
    `\nMatching: precision ${matching.precision.toFixed(4)}, recall ${matching.recall.toFixed(4)}, ${matching.usPerLookup.toFixed(2)} µs per lookup`,
  );
}

console.log(
  JSON.stringify({
    fair_share_cumulative_spread: spreads.fair_share,
    round_robin_cumulative_spread: spreads.round_robin,
    weighted_cumulative_spread: spreads.weighted,
    least_loaded_cumulative_spread: spreads.least_loaded,
    demo_max_adjusted_deviation: Number(demoMax.toFixed(4)),
    match_precision: matching?.precision ?? null,
    match_recall: matching?.recall ?? null,
    match_us: matching ? Number(matching.usPerLookup.toFixed(3)) : null,
  }),
);
