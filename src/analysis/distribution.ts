/** Balance figures for a set of per-owner counts. */
export interface DistributionSummary {
  owners: number;
  total: number;
  min: number;
  max: number;
  /** max / min; Infinity when someone got nothing while others got leads; 1 when all are equal. */
  maxMinRatio: number;
  /** 0 = perfectly equal, → 1 = everything to one owner. */
  gini: number;
}

/** Gini coefficient and max/min ratio of the counts. */
export function summarizeDistribution(counts: readonly number[]): DistributionSummary {
  const n = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return { owners: 0, total: 0, min: 0, max: 0, maxMinRatio: 1, gini: 0 };
  const sorted = [...counts].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  // Gini from the sorted values: G = Σ (2i − n − 1)·x_i / (n·Σx), i from 1.
  let weighted = 0;
  sorted.forEach((x, i) => (weighted += (2 * (i + 1) - n - 1) * x));
  const gini = total === 0 ? 0 : weighted / (n * total);
  const maxMinRatio = max === 0 ? 1 : min === 0 ? Infinity : max / min;
  return { owners: n, total, min, max, maxMinRatio, gini };
}

/** One pool member's leads, weight and available time over the span judged. */
export interface MemberOpportunity {
  ownerId: string;
  weight: number;
  count: number;
  /** Working time (ms) the member was available over the span: hours less out-of-office and pauses. */
  availableMs: number;
}

/** A member's share of the pool's leads against what weight and available time entitle them to. */
export interface EntitledShare {
  ownerId: string;
  count: number;
  /** count / the pool's total. */
  share: number;
  availableHours: number;
  /** weight × available time, over the pool's sum of the same. */
  entitledShare: number;
  /** share − entitledShare: positive = more than entitled, in fractions of the pool's leads. */
  deviation: number;
}

/** The availability-adjusted balance of one pool, the way a manager would measure it. */
export interface EntitlementSummary {
  members: EntitledShare[];
  /** The largest |deviation| over the members (0 for a perfectly fair pool). */
  largestDeviation: number;
  /** Who has it (the first in member order on a tie); undefined for an empty pool. */
  largestDeviationOwner?: string;
}

/**
 * Each member's share of a pool's leads against the share their weight and available time entitle
 * them to: entitled_i = w_i·t_i / Σ w_j·t_j, where t is the member's available working time over
 * the span (a rep out for half the week is entitled to half as much). The largest deviation is the
 * figure to watch: 0.05 means someone got five points more, or less, of the pool's leads than
 * their entitlement. A pool in which nobody was available has every entitlement at 0. Pure.
 */
export function summarizeEntitlement(members: readonly MemberOpportunity[]): EntitlementSummary {
  const total = members.reduce((a, m) => a + m.count, 0);
  const opportunity = members.reduce((a, m) => a + m.weight * Math.max(0, m.availableMs), 0);
  let largestDeviation = 0;
  let largestDeviationOwner: string | undefined;
  const out = members.map((m) => {
    const share = total === 0 ? 0 : m.count / total;
    const entitledShare =
      opportunity === 0 ? 0 : (m.weight * Math.max(0, m.availableMs)) / opportunity;
    const deviation = share - entitledShare;
    if (largestDeviationOwner === undefined || Math.abs(deviation) > largestDeviation) {
      largestDeviation = Math.abs(deviation);
      largestDeviationOwner = m.ownerId;
    }
    return {
      ownerId: m.ownerId,
      count: m.count,
      share,
      availableHours: m.availableMs / 3_600_000,
      entitledShare,
      deviation,
    };
  });
  return { members: out, largestDeviation, largestDeviationOwner };
}
