/**
 * Routing state: what balancing remembers per pool and per owner, the maps it is kept in, every
 * transition of an owner's counters, and the lead statuses that hold open load.
 */
export {
  CLOSED_LEAD_STATUSES,
  isOpenLeadStatus,
  LEAD_STATUSES,
  leadStatusOf,
  OPEN_LEAD_STATUSES,
  ownerStateAfterStatusChange,
  SETTABLE_LEAD_STATUSES,
  type LeadStatus,
} from './lead-status.ts';
export {
  countAssignment,
  emptyOwnerState,
  holdOpenLead,
  recordAssignment,
  releaseOpenLead,
} from './owner-state.ts';
export {
  applyStateChanges,
  ChangeMap,
  createRoutingState,
  OwnerStateMap,
  type MutableRoutingState,
} from './state-maps.ts';
