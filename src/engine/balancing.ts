/**
 * Balancing: which eligible member of a pool gets the next lead. Pure and deterministic: the
 * pool's memory comes in as `PoolState` and a new one goes out. No strategy's memory resets, and
 * no tie always falls the same way: where the strategy's own measure ties, the member who has
 * waited longest goes first, then the next one in rotation after the last pick (`cursor`).
 *
 * - round_robin: strict rotation after the cursor; a skipped member gets no make-up turn.
 * - weighted: smooth weighted round robin (nginx), so a 2:1 pool runs A B A, never A A A B B.
 * - least_loaded: fewest open leads, then least recently assigned, then rotation.
 * - fair_share: counts relative to weight, as a fair scheduler's virtual time, carried from one
 *   period to the next (each member's position relative to the pack, at most one step behind),
 *   with newcomers and returning members calibrated to the pack so that they are not flooded.
 *
 * Pool members are assumed to have distinct owner ids (the compiler rejects duplicates) and
 * positive weights (the schema requires them).
 */
import { localDayKey, localWeekKey } from './calendar/index.ts';
import type { Strategy } from './policy-schema.ts';
import type { EpochMs, OwnerState, PoolState } from './types.ts';

/** A pool member as the compiler lists it, in pool order. */
export interface Member {
  ownerId: string;
  weight: number;
}

/** Everything a strategy needs to pick one member for one lead. */
/** Answers eligibility on demand; may compute and cache each answer. */
export interface Eligibility {
  has(index: number): boolean;
}

class ListEligibility implements Eligibility {
  constructor(private readonly list: readonly boolean[]) {}
  has(index: number): boolean {
    return this.list[index] === true;
  }
}

export interface PickInput {
  strategy: Strategy;
  /** Pool order: the order of rotation and of tie-breaks. */
  members: readonly Member[];
  /**
   * The members' owner ids, in order. Passing the same array every time (the compiled pool's)
   * lets a state written by the previous pick be read without realigning it.
   */
  memberIds?: readonly string[];
  /**
   * Whether members[i] may take this lead now (available, under caps, has the skills): a list, or
   * a probe asked only about the members a strategy considers (round robin and least loaded stop
   * at the first eligible member in their order, so most members are never checked).
   */
  eligible: readonly boolean[] | Eligibility;
  /** This pool's memory; never mutated. */
  state: PoolState;
  /** Load and counters of members[index], for least_loaded. */
  ownerState: { get(ownerId: string, index: number): OwnerState | undefined };
  /** fair_share: the current period key (see `periodKey`); a change resets the shares. */
  period: string;
  /** Compute `figures` for an explanation; without it they are left empty (the hot path). */
  explain?: boolean;
}

/** The chosen member, the pool's new memory and the figures that explain the choice. */
export interface PickResult {
  index: number;
  /** A new object; the input state is untouched (nested records are never mutated either). */
  state: PoolState;
  /** For explanations: cursor, skipped members, current weights, open counts, shares, target share. */
  figures: Record<string, unknown>;
}

/** The memory of a pool that has assigned nothing yet. */
export function emptyPoolState(): PoolState {
  return {
    cursor: -1,
    ownerIds: NO_VALUES,
    currentWeights: NO_VALUES,
    virtualShares: NO_VALUES,
    period: undefined,
    assigned: 0,
  };
}

const NO_VALUES: readonly never[] = Object.freeze([]);

/**
 * The UTC period key fair_share counts in: day `2026-11-24`, ISO week `2026-W48`, month
 * `2026-11`. UTC rather than an owner's zone because the period belongs to the pool, whose
 * members may live in different zones.
 */
export function periodKey(period: 'day' | 'week' | 'month', now: EpochMs): string {
  switch (period) {
    case 'day':
      return localDayKey('UTC', now);
    case 'week':
      return localWeekKey('UTC', now);
    case 'month':
      return localDayKey('UTC', now).slice(0, 7);
  }
}

/**
 * Picks the member who gets the lead, or null when nobody is eligible. Same input, same result.
 * Every pick counts in `state.assigned`.
 */
export function pickMember(input: PickInput): PickResult | null {
  const ok = Array.isArray(input.eligible)
    ? new ListEligibility(input.eligible as readonly boolean[])
    : (input.eligible as Eligibility);
  const result =
    input.strategy === 'round_robin'
      ? pickRoundRobin(input, ok)
      : input.strategy === 'weighted'
        ? pickWeighted(input, ok)
        : input.strategy === 'least_loaded'
          ? pickLeastLoaded(input, ok)
          : pickFairShare(input, ok);
  return result.index < 0 ? null : result;
}

/**
 * The pool's memory after one more assignment. Written out field by field: `{ ...state, x }`
 * takes V8 a slow path several times the cost of a literal, and this runs for every decision.
 */
function nextState(state: PoolState, change: Partial<Omit<PoolState, 'assigned'>>): PoolState {
  return {
    cursor: change.cursor ?? state.cursor,
    ownerIds: change.ownerIds ?? state.ownerIds,
    currentWeights: change.currentWeights ?? state.currentWeights,
    virtualShares: change.virtualShares ?? state.virtualShares,
    period: change.period ?? state.period,
    assigned: state.assigned + 1,
  };
}

/**
 * A fresh copy of `values` (written for `state.ownerIds`) aligned with `ids`, the pool's members
 * now: an owner the state does not know, or whose value is missing, gets `fill`; owners who left
 * the pool are dropped, so the memory does not grow with turnover.
 */
function aligned<T>(
  state: PoolState,
  values: ReadonlyArray<T | null | undefined>,
  ids: readonly string[],
  fill: T,
): T[] {
  const from = state.ownerIds;
  const same = from === ids || sameIds(from, ids);
  if (same && values.length === ids.length) {
    // A copy keeps the array's element kind (doubles stay unboxed, nothing is converted).
    const out = values.slice() as T[];
    for (let i = 0; i < out.length; i++) out[i] ??= fill;
    return out;
  }
  const out = new Array<T>(ids.length);
  if (same) {
    for (let i = 0; i < ids.length; i++) out[i] = values[i] ?? fill;
    return out;
  }
  const at = new Map<string, number>();
  from.forEach((id, i) => at.set(id, i));
  for (let i = 0; i < ids.length; i++) {
    const k = at.get(ids[i]!);
    out[i] = (k === undefined ? undefined : values[k]) ?? fill;
  }
  return out;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `{ ownerId: value }` for an explanation, without the owners that have no value. */
function byOwner(
  ids: readonly string[],
  values: ReadonlyArray<number | null>,
): Record<string, number> {
  const out: Record<string, number> = {};
  ids.forEach((id, i) => {
    const v = values[i];
    if (v !== null && v !== undefined && !Number.isNaN(v)) out[id] = tidy(v);
  });
  return out;
}

function idsOf(input: PickInput): readonly string[] {
  return input.memberIds ?? input.members.map((m) => m.ownerId);
}

/** Shared empty figures for picks made without an explanation. */
const NO_FIGURES: Record<string, unknown> = Object.freeze({});

/** Nobody eligible (pickMember returns null for it). */
const NO_PICK: PickResult = Object.freeze({
  index: -1,
  state: emptyPoolState(),
  figures: NO_FIGURES,
});

/**
 * Rounds to 1e-9. Weights are decimals, so SWRR's current weights stay on that grid and rounding
 * only removes floating-point noise (0.1 + 0.2) that would otherwise decide ties.
 */
function tidy(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function pickRoundRobin({ members, state, explain }: PickInput, ok: Eligibility): PickResult {
  const n = members.length;
  // A cursor left over from a larger pool still continues the rotation instead of restarting it.
  const from = state.cursor >= 0 ? state.cursor % n : -1;
  const skipped: string[] | undefined = explain ? [] : undefined;
  let index = -1;
  for (let k = 1; k <= n; k++) {
    const i = (from + k) % n;
    if (ok.has(i)) {
      index = i;
      break;
    }
    skipped?.push(members[i]!.ownerId);
  }
  // The cursor moves to the chosen member, past the skipped ones: they lose this turn for good,
  // so someone back from lunch does not receive a burst of "owed" leads.
  return {
    index,
    state: nextState(state, { cursor: index }),
    figures: skipped ? { cursor: state.cursor, nextCursor: index, skipped } : NO_FIGURES,
  };
}

function pickWeighted(input: PickInput, ok: Eligibility): PickResult {
  const { members, state, explain } = input;
  const ids = idsOf(input);
  const current = aligned(state, state.currentWeights, ids, 0);
  let total = 0;
  let index = -1;
  let best = -Infinity;
  for (let i = 0; i < members.length; i++) {
    // Ineligible members keep their current weight: no credit piles up while they are away.
    if (!ok.has(i)) continue;
    const weight = members[i]!.weight;
    const w = tidy(current[i]! + weight);
    current[i] = w;
    total += weight;
    if (w > best) {
      best = w;
      index = i;
    }
  }
  if (index < 0) return NO_PICK;
  const figures = explain
    ? {
        currentWeights: byOwner(ids, current),
        totalEligibleWeight: tidy(total),
        chosenWeight: members[index]!.weight,
      }
    : NO_FIGURES;
  current[index] = tidy(best - total);
  return {
    index,
    // Shares belong to fair_share: a pool that switches strategy starts them afresh.
    state: nextState(state, { ownerIds: ids, currentWeights: current, virtualShares: NO_VALUES }),
    figures,
  };
}

/** Scratch of least_loaded, grown to the largest pool: a pick allocates nothing. */
let loadScratch = new Float64Array(64);
let lastScratch = new Float64Array(64);
let triedScratch = new Uint8Array(64);

function pickLeastLoaded(
  { members, state, ownerState, explain }: PickInput,
  ok: Eligibility,
): PickResult {
  const n = members.length;
  if (loadScratch.length < n) {
    loadScratch = new Float64Array(2 * n);
    lastScratch = new Float64Array(2 * n);
    triedScratch = new Uint8Array(2 * n);
  }
  const loads = loadScratch;
  // Last assignment time; NaN for never.
  const lasts = lastScratch;
  const tried = triedScratch;
  for (let i = 0; i < n; i++) {
    const s = ownerState.get(members[i]!.ownerId, i);
    loads[i] = s?.open ?? 0;
    lasts[i] = s?.lastAssignedAt ?? NaN;
    tried[i] = 0;
  }
  // Members are tried best first (fewest open, then whoever waited longest, never-assigned
  // first, then rotation after the last pick), so eligibility is checked only until the first
  // eligible one. Rotation rather than member order: a batch routed at one instant ties on
  // load and time alike, and member order would hand every such lead to the first member.
  const from = rotationStart(state.cursor, n);
  let index = -1;
  for (;;) {
    let best = -1;
    for (let k = 0, i = from; k < n; k++, i = i + 1 === n ? 0 : i + 1) {
      if (tried[i] === 1) continue;
      if (best < 0 || before(loads[i]!, lasts[i]!, loads[best]!, lasts[best]!)) best = i;
    }
    if (best < 0) break;
    if (ok.has(best)) {
      index = best;
      break;
    }
    tried[best] = 1;
  }
  let figures = NO_FIGURES;
  if (explain && index >= 0) {
    const open: Record<string, number> = {};
    for (let i = 0; i < n; i++) if (ok.has(i)) open[members[i]!.ownerId] = loads[i]!;
    figures = { open, lastAssignedAt: Number.isNaN(lasts[index]!) ? null : lasts[index]! };
  }
  return { index, state: index < 0 ? state : nextState(state, { cursor: index }), figures };
}

/** The index rotation starts from: the member after `cursor` (a cursor from a larger pool wraps). */
function rotationStart(cursor: number, n: number): number {
  return cursor >= 0 ? (cursor + 1) % n : 0;
}

/** A member's last assignment time, NaN for never. */
function lastAssigned(input: PickInput, i: number): number {
  return input.ownerState.get(input.members[i]!.ownerId, i)?.lastAssignedAt ?? NaN;
}

/** Whether a member with (load, last) comes strictly before one with (bestLoad, bestLast); NaN = never. */
function before(load: number, last: number, bestLoad: number, bestLast: number): boolean {
  if (load !== bestLoad) return load < bestLoad;
  if (Number.isNaN(last)) return !Number.isNaN(bestLast);
  return !Number.isNaN(bestLast) && last < bestLast;
}

/**
 * Shares are sums of 1/weight (thirds, sevenths…), which floating point cannot hold exactly, so
 * they are compared with a relative tolerance rather than rounded (rounding would drift).
 */
function below(a: number, b: number): boolean {
  return a < b - 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function pickFairShare(input: PickInput, ok: Eligibility): PickResult {
  const { members, state, period, explain } = input;
  const ids = idsOf(input);
  const n = members.length;
  const started = state.period !== period;
  // NaN for "no share yet" (null in stored states): an array of doubles only, which V8 keeps
  // unboxed, where a null among numbers would make every share a heap object.
  const shares: number[] = aligned<number>(state, state.virtualShares, ids, NaN);
  const carried: Record<string, number> | undefined = started && explain ? {} : undefined;
  if (started) carryShares(shares, members);
  if (carried) ids.forEach((id, i) => Number.isNaN(shares[i]) || (carried[id] = tidy(shares[i]!)));
  // The two smallest shares among eligible members who have one, so that each member's
  // "minimum among the others" is known without a nested loop.
  let min1 = Infinity;
  let min1Index = -1;
  let min2 = Infinity;
  // The largest single step (1/weight) in the eligible set: how far a member legitimately next in
  // line can trail the others (see below).
  let slack = 0;
  for (let i = 0; i < n; i++) {
    if (!ok.has(i)) continue;
    slack = Math.max(slack, 1 / members[i]!.weight);
    const own = shares[i]!;
    if (Number.isNaN(own)) continue;
    if (own < min1) {
      min2 = min1;
      min1 = own;
      min1Index = i;
    } else if (own < min2) {
      min2 = own;
    }
  }
  const lifted: Record<string, { from: number | null; to: number }> | undefined = explain
    ? {}
    : undefined;
  let anyLifted = false;
  let index = -1;
  let best = Infinity;
  // The chosen member's last assignment time, read only when a tie needs it (NaN = never).
  let bestLast = NaN;
  let bestLastRead = false;
  let totalWeight = 0;
  const from = rotationStart(state.cursor, n);
  // Visited in rotation order after the last pick, so that an exact tie on share and waiting
  // time goes to the next in rotation, never always to the first member.
  for (let k = 0, i = from; k < n; k++, i = i + 1 === n ? 0 : i + 1) {
    // An unavailable member's share stays as it was.
    if (!ok.has(i)) continue;
    totalWeight += members[i]!.weight;
    const own = shares[i]!;
    const none = Number.isNaN(own);
    const others = i === min1Index ? min2 : min1;
    let value = none ? 0 : own;
    if (others !== Infinity) {
      if (none) {
        // A newcomer joins at the pack's level: interleaved with the others, no make-up leads.
        value = others;
      } else if (below(own, others - slack)) {
        // Back from an absence: lifted to one step behind the pack. Lifting all the way would
        // starve a member who is merely next in line: "lowest share goes next" keeps every share
        // within one step of the lowest, so a gap of one step is never make-up, only its turn.
        value = others - slack;
      }
      if (none || value !== own) {
        anyLifted = true;
        if (lifted) lifted[ids[i]!] = { from: none ? null : tidy(own), to: tidy(value) };
      }
    }
    // Members the pool has not seen yet are recorded (at 0 or the pack's level) so that a later
    // pick tells a real newcomer apart from someone who simply has not had a turn yet.
    shares[i] = value;
    if (index < 0 || below(value, best)) {
      best = value;
      index = i;
      bestLastRead = false;
    } else if (!below(best, value)) {
      // A tie on share: whoever has waited longest (never assigned first) goes.
      if (!bestLastRead) {
        bestLast = lastAssigned(input, index);
        bestLastRead = true;
      }
      // Nobody waited longer than someone never assigned: no need to read this one.
      if (!Number.isNaN(bestLast)) {
        const last = lastAssigned(input, i);
        if (Number.isNaN(last) || last < bestLast) {
          best = value;
          index = i;
          bestLast = last;
        }
      }
    }
  }
  if (index < 0) return NO_PICK;
  const chosen = members[index]!;
  const figures = explain
    ? {
        period,
        periodStarted: started,
        ...(carried ? { carried } : {}),
        virtualShares: byOwner(ids, shares),
        ...(anyLifted ? { lifted } : {}),
        targetShare: tidy(chosen.weight / totalWeight),
      }
    : NO_FIGURES;
  shares[index] = best + 1 / chosen.weight;
  return {
    index,
    // Weights belong to weighted: a pool that switches strategy starts them afresh.
    state: nextState(state, {
      cursor: index,
      ownerIds: ids,
      currentWeights: NO_VALUES,
      virtualShares: shares,
      period,
    }),
    figures,
  };
}

/**
 * A new period carries each member's share relative to the top of the pack instead of resetting
 * it: the member with the largest share starts at one step (the largest 1/weight), everyone else
 * as far below as they were, but at most that one step (down to 0). With everyone available,
 * "lowest share goes next" keeps every share within one step of the top, so nothing is lost and
 * cumulative counts stay balanced across periods; a deficit older than the period (an absence)
 * is forgiven beyond one step, as the returner rule forgives it within a period. The numbers stay
 * small however long the pool runs. Members without a share stay without one (newcomers).
 */
function carryShares(shares: number[], members: readonly Member[]): void {
  let top = -Infinity;
  let step = 0;
  for (let i = 0; i < shares.length; i++) {
    step = Math.max(step, 1 / members[i]!.weight);
    const s = shares[i]!;
    if (!Number.isNaN(s) && s > top) top = s;
  }
  if (top === -Infinity) return;
  for (let i = 0; i < shares.length; i++) {
    const s = shares[i]!;
    if (!Number.isNaN(s)) shares[i] = Math.max(s - top, -step) + step;
  }
}
