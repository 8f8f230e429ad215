/**
 * leadrouter's routing engine: pure functions from (policy, lead, directory, state, now) to a
 * decision that says who, by which rule, and why.
 *
 * Glossary
 * - lead: a person who showed interest; a bag of attributes (email, company, country, source…).
 * - owner: a person (or a queue's worker) who can be given leads; has availability, caps, skills.
 * - directory: the owners known at routing time, with their live availability.
 * - account: a company leads can be matched to (by email or website domain, or company name);
 *   strategic accounts keep their owner.
 * - pool: a named group of owners with a balancing strategy (round_robin, weighted, least_loaded,
 *   fair_share) and caps.
 * - territory: a named set of countries, regions, states or provinces and postal codes.
 * - policy: the versioned routing document: territories, pools, queues, ordered rules, fallbacks.
 * - rule: a condition over the lead and its matched account, a target (owner, pool, account owner,
 *   sticky owner, queue) and a fallback chain.
 * - decision: the outcome of routing one lead once (assigned, queued, unroutable) with its
 *   explanation: rules tried, candidates passed over and why, strategy figures, fallbacks.
 * - routing state: what balancing remembers (rotation cursors, weights, shares, per-owner load and
 *   counts). The engine reads it and returns the entries a decision changes.
 *
 * The engine never reads the clock, draws random numbers or does I/O: everything arrives as
 * arguments, so the same inputs always give the same decision.
 */
export * from './types.ts';
export { ValidationError, formatIssue, type PolicyIssue } from './issues.ts';
export { policySchema, STRATEGIES, type PolicyDoc, type Strategy } from './policy-schema.ts';
export {
  compilePolicy,
  compilePolicyOrThrow,
  type CompiledPolicy,
  type CompiledPool,
  type CompiledRule,
  type CompileResult,
} from './compile.ts';
export {
  routeLead,
  deriveLead,
  deriveLeadFields,
  describe as describeCandidate,
  type DerivedLead,
  type RouteInput,
} from './route.ts';
export { normalizeEmail } from './lead-fields.ts';
export {
  applyStateChanges,
  CLOSED_LEAD_STATUSES,
  countAssignment,
  createRoutingState,
  emptyOwnerState,
  holdOpenLead,
  isOpenLeadStatus,
  LEAD_STATUSES,
  leadStatusOf,
  ownerStateAfterStatusChange,
  OPEN_LEAD_STATUSES,
  OwnerStateMap,
  recordAssignment,
  releaseOpenLead,
  SETTABLE_LEAD_STATUSES,
  type LeadStatus,
  type MutableRoutingState,
} from './routing-state/index.ts';
export { analyzePolicy } from './analyze.ts';
export { policyJsonSchema } from './json-schema.ts';
export * from './sla/index.ts';
export {
  buildAccountIndex,
  normalizeDomain,
  normalizeCompanyName,
  isFreeMailDomain,
  type AccountIndex,
} from './accounts/index.ts';
export {
  normalizeCountry,
  normalizeState,
  normalizePostalCode,
  BUILTIN_REGIONS,
} from './geo/index.ts';
export {
  checkAvailability,
  nextAvailableAt,
  type AvailabilityCheck,
  type AvailabilityStatus,
} from './availability/index.ts';
export {
  addBusinessTime,
  businessTimeBetween,
  isValidTimeZone,
  parseClockTime,
  WEEKDAYS,
  type BusinessCalendar,
} from './calendar/index.ts';
export {
  acceptsOwner,
  changedWatchedFields,
  planReassignment,
  REASSIGNABLE_STATUSES,
  type ReassignmentPlan,
  type ReassignOn,
} from './reassignment/index.ts';
