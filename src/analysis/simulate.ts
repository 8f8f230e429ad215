/**
 * Simulation: routes a sequence of leads statefully, as production would (rotation, caps and
 * load evolve; each lead's timestamp is its `now`), entirely in memory. Used by `leadrouter
 * simulate` and, later, by policy replay and pilots.
 */
import {
  acceptsOwner,
  applyStateChanges,
  createRoutingState,
  deriveLeadFields,
  normalizeEmail,
  planReassignment,
  releaseOpenLead,
  routeLead,
  type AccountIndex,
  type CompiledPolicy,
  type Decision,
  type Directory,
  type EpochMs,
  type Lead,
  type MutableRoutingState,
} from '../engine/index.ts';
import { availableTimeOf } from './available-time.ts';
import { closeTimeOf, describeCloseModel, NEVER_CLOSE, type CloseModel } from './close-model.ts';
import {
  summarizeDistribution,
  summarizeEntitlement,
  type DistributionSummary,
  type EntitlementSummary,
} from './distribution.ts';

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
  /**
   * When assigned leads close, releasing their owner's open load at that simulated time (default:
   * never, as before). See close-model.ts.
   */
  closeModel?: CloseModel;
  /** Reads a lead's `closed_at` for a close model that reads the input (the formats layer's parser). */
  parseTime?: (value: unknown) => EpochMs | undefined;
}

/** A pool's balance: raw counts, and shares against weight and available time. */
export interface PoolDistribution extends DistributionSummary {
  entitlement: EntitlementSummary;
}

/** How leads closed during the simulation. */
export interface ClosingSummary {
  /** The close model in words. */
  model: string;
  /** Leads whose close fell within the simulated span, releasing their owner's load. */
  closed: number;
  /** Assigned leads still open after the last lead. */
  openAtEnd: number;
}

export interface SimulationResult {
  count: number;
  byOutcome: Record<Decision['outcome'], number>;
  byRule: Map<string, number>;
  byOwner: Map<string, number>;
  byPool: Map<string, Map<string, number>>;
  byQueue: Map<string, number>;
  distribution: DistributionSummary;
  pools: Record<string, PoolDistribution>;
  closing: ClosingSummary;
  /** First and last lead times: the span available time is measured over. */
  span: { from: EpochMs; to: EpochMs };
  /**
   * With `reassign_on` in the policy, a later row with the id of an earlier lead is a change of
   * that lead, not a new one: how many such changes, and what the triggers did with them.
   */
  reassignment?: ReassignmentSummary;
  elapsedMs?: number;
}

export interface ReassignmentSummary {
  /** Later rows of a lead already seen. */
  changes: number;
  /** Changes that moved the lead to another owner (or a queue, by re-routing). */
  reassigned: number;
  /** Re-routed, but the owner was kept (`keep_owner_if_eligible`). */
  kept: number;
  /** Sent to the overflow queue by the loop guard. */
  overflowed: number;
}

interface SeenLead {
  fields: Record<string, unknown>;
  ownerId: string | null;
  status: string;
  /** Times of its automatic reassignments. */
  reassignedAt: EpochMs[];
}

const DAY_MS = 86_400_000;

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
  const model = options.closeModel ?? NEVER_CLOSE;
  const parseTime = options.parseTime ?? ((v: unknown) => (typeof v === 'number' ? v : undefined));
  const closes = new CloseQueue();
  let closed = 0;
  let openAtEnd = 0;
  let first: EpochMs | undefined;
  const triggers = policy.reassignOn;
  const seen = triggers ? new Map<string, SeenLead>() : undefined;
  const reassignment: ReassignmentSummary = { changes: 0, reassigned: 0, kept: 0, overflowed: 0 };
  for (const lead of leads) {
    const now = options.timestampOf(lead) ?? lastNow;
    lastNow = now;
    first ??= now;
    // Leads that closed by now give their owners' load back before this one is routed.
    for (let c = closes.popUntil(now); c !== undefined; c = closes.popUntil(now)) {
      const owner = state.owners.get(c);
      if (owner) state.owners.set(c, releaseOpenLead(owner));
      closed++;
    }
    const leadId = typeof lead.id === 'string' && lead.id !== '' ? lead.id : undefined;
    const previous = leadId === undefined ? undefined : seen?.get(leadId);
    if (seen && leadId !== undefined && previous) {
      reassignment.changes++;
      reassignChanged(previous, lead, now);
      continue;
    }
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
      const closesAt = closeTimeOf(model, lead, count, now, parseTime);
      if (closesAt === undefined) openAtEnd++;
      else closes.push(closesAt, decision.ownerId);
    } else if (decision.queueId) {
      increment(byQueue, decision.queueId);
    }
    options.onDecision?.(lead, decision, count);
    count++;
    if (seen && leadId !== undefined)
      seen.set(leadId, {
        fields: fieldsOf(lead),
        ownerId: decision.outcome === 'assigned' ? (decision.ownerId ?? null) : null,
        status: decision.outcome,
        reassignedAt: [],
      });
  }

  function fieldsOf(lead: Lead): Record<string, unknown> {
    return { ...lead, ...deriveLeadFields(lead, policy, options.accounts) };
  }

  /** A later row of a lead: re-route it when a watched field changed, as the service would. */
  function reassignChanged(prev: SeenLead, lead: Lead, now: EpochMs): void {
    const fields = fieldsOf(lead);
    prev.reassignedAt = prev.reassignedAt.filter((t) => t > now - DAY_MS);
    const plan = planReassignment({
      triggers,
      status: prev.status,
      ownerId: prev.ownerId,
      before: prev.fields,
      after: fields,
      recentReassignments: prev.reassignedAt.length,
    });
    prev.fields = fields;
    if (plan.action === 'none' || !prev.ownerId) return;
    const owner = prev.ownerId;
    const released = (): void => {
      const current = state.owners.get(owner);
      if (current) state.owners.set(owner, releaseOpenLead(current));
    };
    if (plan.action === 'overflow') {
      released();
      reassignment.overflowed++;
      prev.ownerId = null;
      prev.status = 'queued';
      return;
    }
    // Routed with the owner's open load given back, as the service does; kept, nothing applies.
    const before = state.owners.get(owner);
    released();
    const { decision, changes } = routeLead(policy, lead, {
      directory: options.directory,
      accounts: options.accounts,
      state,
      now,
      explain: true,
    });
    if (triggers!.keepOwnerIfEligible && acceptsOwner(decision, owner)) {
      if (before) state.owners.set(owner, before);
      reassignment.kept++;
      return;
    }
    applyStateChanges(state, changes);
    reassignment.reassigned++;
    prev.reassignedAt.push(now);
    prev.ownerId = decision.outcome === 'assigned' ? (decision.ownerId ?? null) : null;
    prev.status = decision.outcome;
  }
  // Balance is judged over everyone who could receive leads, not only those who did.
  const everyone = new Map<string, number>();
  for (const id of policy.ownerIds())
    if (options.directory.owners.get(id)?.active) everyone.set(id, 0);
  for (const [id, n] of byOwner) everyone.set(id, n);
  const span = { from: first ?? options.defaultNow, to: lastNow };
  // Available time is measured once per owner: owners sit in several pools.
  const available = new Map<string, number>();
  const availableMs = (id: string) => {
    let t = available.get(id);
    if (t === undefined)
      available.set(
        id,
        (t = availableTimeOf(options.directory.owners.get(id), span.from, span.to)),
      );
    return t;
  };
  const pools: Record<string, PoolDistribution> = {};
  for (const [poolId, pool] of policy.pools) {
    const counts = pool.members.map((m) => byPool.get(poolId)?.get(m.ownerId) ?? 0);
    if (!counts.some((c) => c > 0)) continue;
    pools[poolId] = {
      ...summarizeDistribution(counts),
      entitlement: summarizeEntitlement(
        pool.members.map((m, i) => ({
          ownerId: m.ownerId,
          weight: m.weight,
          count: counts[i]!,
          availableMs: availableMs(m.ownerId),
        })),
      ),
    };
  }
  // Closes due after the last lead are outside the span: those leads were open at its end.
  openAtEnd += closes.size;
  return {
    count,
    byOutcome,
    byRule,
    byOwner,
    byPool,
    byQueue,
    distribution: summarizeDistribution([...everyone.values()]),
    pools,
    closing: { model: describeCloseModel(model), closed, openAtEnd },
    span,
    ...(seen && { reassignment }),
  };
}

/** Pending closes, earliest first (a binary min-heap on time; ties in insertion order). */
class CloseQueue {
  private readonly at: number[] = [];
  private readonly seq: number[] = [];
  private readonly owner: string[] = [];
  private next = 0;

  get size(): number {
    return this.at.length;
  }

  push(at: number, ownerId: string): void {
    this.at.push(at);
    this.seq.push(this.next++);
    this.owner.push(ownerId);
    let i = this.at.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** The owner of the earliest close at or before `now`, removed; undefined if none is due. */
  popUntil(now: number): string | undefined {
    if (this.at.length === 0 || this.at[0]! > now) return undefined;
    const ownerId = this.owner[0]!;
    const last = this.at.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.seq.pop();
    this.owner.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.at.length && this.less(l, m)) m = l;
      if (r < this.at.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return ownerId;
  }

  private less(a: number, b: number): boolean {
    return this.at[a]! < this.at[b]! || (this.at[a] === this.at[b] && this.seq[a]! < this.seq[b]!);
  }

  private swap(a: number, b: number): void {
    [this.at[a], this.at[b]] = [this.at[b]!, this.at[a]!];
    [this.seq[a], this.seq[b]] = [this.seq[b]!, this.seq[a]!];
    [this.owner[a], this.owner[b]] = [this.owner[b]!, this.owner[a]!];
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
