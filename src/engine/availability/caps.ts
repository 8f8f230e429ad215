/** Capacity: the open, per-day and per-week caps of an owner and a pool, against their counters. */
import type { Caps, OwnerState } from '../types.ts';

/** Which cap an owner has reached (a subset of `CandidateStatus`). */
export type CapStatus = 'at_cap_open' | 'at_cap_day' | 'at_cap_week';

/** Caps as limits, Infinity where there is none. */
export interface CapLimits {
  open: number;
  day: number;
  week: number;
}

/** The smaller of the owner's and the pool's limit, each. */
export function combinedCaps(owner: Caps | undefined, pool: Caps | undefined): CapLimits {
  return {
    open: Math.min(owner?.maxOpen ?? Infinity, pool?.maxOpen ?? Infinity),
    day: Math.min(owner?.maxPerDay ?? Infinity, pool?.maxPerDay ?? Infinity),
    week: Math.min(owner?.maxPerWeek ?? Infinity, pool?.maxPerWeek ?? Infinity),
  };
}

/**
 * Which limit, if any, stops an owner with `state` from taking one more lead, `dayKey` and
 * `weekKey` being the owner's local day and week now: counters recorded for another day or week
 * count as 0.
 */
export function capReached(
  limits: CapLimits,
  state: OwnerState | undefined,
  dayKey: string,
  weekKey: string,
): CapStatus | undefined {
  if ((state?.open ?? 0) >= limits.open) return 'at_cap_open';
  const day = state !== undefined && state.dayKey === dayKey ? state.dayCount : 0;
  if (day >= limits.day) return 'at_cap_day';
  const week = state !== undefined && state.weekKey === weekKey ? state.weekCount : 0;
  if (week >= limits.week) return 'at_cap_week';
  return undefined;
}
