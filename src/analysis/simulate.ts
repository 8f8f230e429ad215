/**
 * Simulation: routes a sequence of leads statefully, as production would (rotation, caps and
 * load evolve; each lead's timestamp is its `now`), entirely in memory. Used by `leadrouter
 * simulate` and, later, by policy replay and pilots.
 */
import {
  applyStateChanges,
  createRoutingState,
  normalizeEmail,
  routeLead,
  type AccountIndex,
  type CompiledPolicy,
  type Decision,
  type Directory,
  type EpochMs,
  type Lead,
  type MutableRoutingState,
} from '../engine/index.ts';
import { summarizeDistribution, type DistributionSummary } from './distribution.ts';

export interface SimulateOptions {
  directory: Directory;
  accounts?: AccountIndex;
  /** `now` for leads without a timestamp. */
  defaultNow: EpochMs;
  explain?: boolean;
  /** Reads a lead's capture time (epoch ms) if it has one. */
  timestampOf: (lead: Lead) => EpochMs | undefined;
  /** Called for every decision, in order (e.g. to write decisions.jsonl or tick a progress bar). */
  onDecision?: (lead: Lead, decision: Decision, index: number) => void;
  state?: MutableRoutingState;
}

export interface SimulationResult {
  count: number;
  byOutcome: Record<Decision['outcome'], number>;
  byRule: Map<string, number>;
  byOwner: Map<string, number>;
  byPool: Map<string, Map<string, number>>;
  byQueue: Map<string, number>;
  distribution: DistributionSummary;
  pools: Record<string, DistributionSummary>;
  elapsedMs?: number;
}

/** Routes every lead in order, carrying the routing state from one to the next. */
export function simulateLeads(
  policy: CompiledPolicy,
  leads: Iterable<Lead>,
  options: SimulateOptions,
): SimulationResult {
  const state = options.state ?? createRoutingState();
  const byOutcome = { assigned: 0, queued: 0, unroutable: 0 };
  const byRule = new Map<string, number>();
  const byOwner = new Map<string, number>();
  const byPool = new Map<string, Map<string, number>>();
  const byQueue = new Map<string, number>();
  let count = 0;
  let lastNow = options.defaultNow;
  // Earlier owners by email matter only to a policy with a sticky target.
  const sticky = policy.usesSticky;
  for (const lead of leads) {
    const now = options.timestampOf(lead) ?? lastNow;
    lastNow = now;
    const { decision, changes } = routeLead(policy, lead, {
      directory: options.directory,
      accounts: options.accounts,
      state,
      now,
      explain: options.explain,
    });
    applyStateChanges(state, changes);
    byOutcome[decision.outcome]++;
    increment(byRule, decision.ruleId ?? '(no rule)');
    if (decision.outcome === 'assigned' && decision.ownerId) {
      increment(byOwner, decision.ownerId);
      if (decision.poolId) {
        let pool = byPool.get(decision.poolId);
        if (!pool) byPool.set(decision.poolId, (pool = new Map()));
        increment(pool, decision.ownerId);
      }
      const email = sticky ? normalizeEmail(lead.email) : undefined;
      if (email) state.ownerByEmail.set(email, decision.ownerId);
    } else if (decision.queueId) {
      increment(byQueue, decision.queueId);
    }
    options.onDecision?.(lead, decision, count);
    count++;
  }
  // Balance is judged over everyone who could receive leads, not only those who did.
  const everyone = new Map<string, number>();
  for (const id of policy.ownerIds())
    if (options.directory.owners.get(id)?.active) everyone.set(id, 0);
  for (const [id, n] of byOwner) everyone.set(id, n);
  const pools: Record<string, DistributionSummary> = {};
  for (const [poolId, pool] of policy.pools) {
    const counts = pool.members.map((m) => byPool.get(poolId)?.get(m.ownerId) ?? 0);
    if (counts.some((c) => c > 0)) pools[poolId] = summarizeDistribution(counts);
  }
  return {
    count,
    byOutcome,
    byRule,
    byOwner,
    byPool,
    byQueue,
    distribution: summarizeDistribution([...everyone.values()]),
    pools,
  };
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
