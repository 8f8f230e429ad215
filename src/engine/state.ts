/**
 * In-memory routing state, as the simulator keeps it; the service keeps the same entries in
 * database rows and applies the same changes under row locks.
 */
import type { OwnerState, PoolState, RoutingState, StateChanges } from './types.ts';

/** A routing state whose maps the caller may update with `applyStateChanges`. */
export interface MutableRoutingState extends RoutingState {
  pools: Map<string, PoolState>;
  owners: Map<string, OwnerState>;
  ownerByEmail: Map<string, string>;
}

export function createRoutingState(): MutableRoutingState {
  return { pools: new Map(), owners: new Map(), ownerByEmail: new Map() };
}

/** Writes a decision's changes into the state (each entry is a whole new value). */
export function applyStateChanges(
  state: { pools: Map<string, PoolState>; owners: Map<string, OwnerState> },
  changes: StateChanges,
): void {
  for (const [id, pool] of changes.pools) state.pools.set(id, pool);
  for (const [id, owner] of changes.owners) state.owners.set(id, owner);
}

/** A lead closed, disqualified or reassigned away no longer counts as its owner's open load. */
export function releaseOpenLead(state: OwnerState): OwnerState {
  return { ...state, open: Math.max(0, state.open - 1) };
}
