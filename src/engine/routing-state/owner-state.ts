/**
 * The owner's routing state (open load, day and week counts, last assignment) and every way it
 * changes: routing assigns a lead, an operator assigns one by hand, a lead stops or starts again
 * counting as open load. The engine, the simulator and the service all change it through these,
 * so a counter means the same wherever it is read.
 */
import { ownerClock } from '../availability/index.ts';
import type { EpochMs, Owner, OwnerState } from '../types.ts';

/** The state of an owner who has never been assigned a lead. A new object each call. */
export function emptyOwnerState(): OwnerState {
  return { open: 0, dayKey: '', dayCount: 0, weekKey: '', weekCount: 0, lastAssignedAt: null };
}

/**
 * The counters after routing one more lead to the owner at `now`, `dayKey` and `weekKey` being
 * the owner's local day and week then (counts for another day or week start again at 1). A new
 * object; `state` is untouched.
 */
export function countAssignment(
  state: OwnerState | undefined,
  dayKey: string,
  weekKey: string,
  now: EpochMs,
): OwnerState {
  return {
    open: (state?.open ?? 0) + 1,
    dayKey,
    dayCount: state !== undefined && state.dayKey === dayKey ? state.dayCount + 1 : 1,
    weekKey,
    weekCount: state !== undefined && state.weekKey === weekKey ? state.weekCount + 1 : 1,
    lastAssignedAt: now,
  };
}

/** The owner's new counters after assigning one lead at `now` (a new object; `state` untouched). */
export function recordAssignment(
  owner: Owner,
  state: OwnerState | undefined,
  now: EpochMs,
): OwnerState {
  const clock = ownerClock(owner);
  return countAssignment(state, clock.dayKey(now), clock.weekKey(now), now);
}

/** A lead closed, disqualified or reassigned away no longer counts as its owner's open load. */
export function releaseOpenLead(state: OwnerState): OwnerState {
  return { ...state, open: Math.max(0, state.open - 1) };
}

/** A lead of the owner's that becomes open again (reopened) counts as open load once more. */
export function holdOpenLead(state: OwnerState): OwnerState {
  return { ...state, open: state.open + 1 };
}
