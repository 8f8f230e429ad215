/**
 * A lead's status and what it means for its owner's open load: routing gives a lead its first
 * status (assigned, queued, unroutable), people move it on (contacted … closed). Only statuses in
 * {@link OPEN_STATUSES} count towards the owner's open load, which caps read.
 */
import { releaseOpenLead } from './state.ts';
import type { Decision, OwnerState } from './types.ts';

/** Statuses a caller may set; queued, unroutable and assigned come from routing. */
export const SETTABLE_STATUSES = [
  'contacted',
  'qualified',
  'converted',
  'disqualified',
  'closed',
] as const;
export const LEAD_STATUSES = ['queued', 'unroutable', 'assigned', ...SETTABLE_STATUSES] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** Statuses in which a lead counts towards its owner's open load. */
export const OPEN_STATUSES: ReadonlySet<string> = new Set<LeadStatus>([
  'assigned',
  'contacted',
  'qualified',
]);
/** Statuses that end a lead's life: it no longer counts as open load. */
export const CLOSED_STATUSES: ReadonlySet<string> = new Set<LeadStatus>([
  'converted',
  'disqualified',
  'closed',
]);

/** Whether a lead in `status` counts towards its owner's open load. */
export function isOpenStatus(status: string): boolean {
  return OPEN_STATUSES.has(status);
}

/** The status a routing decision gives a lead. */
export function statusOf(decision: Pick<Decision, 'outcome'>): LeadStatus {
  return decision.outcome === 'assigned'
    ? 'assigned'
    : decision.outcome === 'queued'
      ? 'queued'
      : 'unroutable';
}

/**
 * The owner's state after one of its leads moves from status `from` to `to`: closing a lead gives
 * its open load back, reopening it counts it again. Not an assignment: the day and week counts
 * (what the owner was given) stay as they are.
 */
export function ownerStateAfterStatusChange(
  state: OwnerState,
  from: string,
  to: string,
): OwnerState {
  const wasOpen = isOpenStatus(from);
  const willBeOpen = isOpenStatus(to);
  if (wasOpen === willBeOpen) return state;
  return willBeOpen ? { ...state, open: state.open + 1 } : releaseOpenLead(state);
}
