/**
 * Lead statuses and which of them hold an owner's open load. Routing sets the first three; a
 * caller moves a lead through the rest.
 */
import type { Decision, OwnerState } from '../types.ts';
import { holdOpenLead, releaseOpenLead } from './owner-state.ts';

/** Statuses a caller may set; queued, unroutable and assigned come from routing. */
export const SETTABLE_LEAD_STATUSES = [
  'contacted',
  'qualified',
  'converted',
  'disqualified',
  'closed',
] as const;
/** Every lead status. */
export const LEAD_STATUSES = [
  'queued',
  'unroutable',
  'assigned',
  ...SETTABLE_LEAD_STATUSES,
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
/** Statuses in which a lead counts towards its owner's open load. */
export const OPEN_LEAD_STATUSES: ReadonlySet<string> = new Set([
  'assigned',
  'contacted',
  'qualified',
]);
/** Statuses that end a lead's life: it no longer counts as open load. */
export const CLOSED_LEAD_STATUSES: ReadonlySet<string> = new Set([
  'converted',
  'disqualified',
  'closed',
]);

/** Whether a lead in `status` counts towards its owner's open load. */
export function isOpenLeadStatus(status: string): boolean {
  return OPEN_LEAD_STATUSES.has(status);
}

/** The status a lead takes from a routing decision. */
export function leadStatusOf(decision: Pick<Decision, 'outcome'>): LeadStatus {
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
  const wasOpen = isOpenLeadStatus(from);
  const willBeOpen = isOpenLeadStatus(to);
  if (wasOpen === willBeOpen) return state;
  return willBeOpen ? holdOpenLead(state) : releaseOpenLead(state);
}
