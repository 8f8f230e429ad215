/**
 * The engine's data model: what comes in (lead, directory, state, now) and what goes out
 * (a decision, its explanation and the state changes to persist). Everything here is plain data:
 * serialisable to JSON, so the service can store it and the CLI can print it.
 */

/** Milliseconds since the Unix epoch (UTC). The engine never reads the clock: `now` is an argument. */
export type EpochMs = number;

/** A scalar attribute value as it arrives from a form, a CSV file or a CRM. */
export type AttributeValue = string | number | boolean | null | undefined | readonly string[];

/** A lead as submitted: a bag of attributes. Well-known keys are typed; anything else is allowed. */
export interface Lead {
  id?: string;
  email?: string;
  company?: string;
  website?: string;
  country?: string;
  state?: string;
  postal_code?: string;
  /** ISO 639-1 language of the lead, matched against owners' `languages` skill. */
  language?: string;
  /** When the lead was captured; the simulator uses it as `now`. ISO-8601 or epoch ms. */
  created_at?: string | number;
  [attribute: string]: AttributeValue;
}

/** A weekly working-hours schedule in the owner's own time zone. */
export interface WorkingHours {
  /** Keys `mon`..`sun`; each an array of `["09:00", "17:30"]` intervals. A day absent = not working. */
  days: Partial<Record<Weekday, ReadonlyArray<readonly [string, string]>>>;
  /** Local dates (`YYYY-MM-DD`) on which the owner does not work. */
  holidays?: readonly string[];
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** An out-of-office window, absolute instants (half-open: `from` ≤ t < `until`). */
export interface OutOfOffice {
  from: EpochMs;
  until: EpochMs;
  reason?: string;
}

/** Limits on how much one owner may hold. Absent = unlimited. */
export interface Caps {
  maxOpen?: number;
  maxPerDay?: number;
  maxPerWeek?: number;
}

/** Skills an owner has, matched against a rule's requirement. All values lower-case. */
export interface Skills {
  languages?: readonly string[];
  products?: readonly string[];
  segments?: readonly string[];
}

/** A person (or a queue's worker) who can be given leads. Live data, changed many times a day. */
export interface Owner {
  id: string;
  name: string;
  email?: string;
  /** IANA time zone, e.g. `Europe/Berlin`. Working hours, day and week caps are counted in it. */
  timeZone: string;
  active: boolean;
  /** Manual pause (e.g. "on a call all afternoon"); `pausedUntil` absent = until resumed. */
  paused?: boolean;
  pausedUntil?: EpochMs;
  /** Absent = always working. */
  workingHours?: WorkingHours;
  outOfOffice?: readonly OutOfOffice[];
  caps?: Caps;
  skills?: Skills;
  team?: string;
  manager?: string;
}

/** The owners known at routing time, keyed by id. */
export interface Directory {
  owners: ReadonlyMap<string, Owner>;
}

/** An account leads can be matched to. */
export interface Account {
  id: string;
  name: string;
  domains?: readonly string[];
  ownerId?: string;
  tier?: string;
  strategic?: boolean;
  attributes?: Record<string, AttributeValue>;
}

/** How a lead was matched to an account. */
export type AccountMatchMethod =
  'email_domain' | 'website_domain' | 'company_name' | 'company_name_fuzzy';

export interface AccountMatch {
  account: Account;
  method: AccountMatchMethod;
  /** 1 for exact matches; similarity in (threshold, 1) for fuzzy name matches. */
  score: number;
}

// ---------------------------------------------------------------------------------------------
// Routing state: what balancing remembers between decisions. Lives in the database in the
// service, in memory in the simulator. The engine reads it and returns the changed entries.
// ---------------------------------------------------------------------------------------------

/** Balancing memory of one pool. */
export interface PoolState {
  /** round_robin: index in the pool's member list of the last owner assigned (-1 = none yet). */
  cursor: number;
  /**
   * The owners `currentWeights` and `virtualShares` follow, position by position: the pool's
   * members when the state was written. Arrays rather than records keyed by owner id keep a pick
   * over a large pool cheap; a pool whose members changed is realigned by id.
   */
  ownerIds: readonly string[];
  /** weighted (smooth weighted round robin): current weight per owner (empty: none yet). */
  currentWeights: readonly number[];
  /**
   * fair_share: virtual share consumed per owner in `period` (assigned / weight); null or NaN
   * for an owner who has none this period (empty: nobody has). The engine writes NaN, which keeps
   * the array one of plain doubles; JSON turns it into null.
   */
  virtualShares: ReadonlyArray<number | null>;
  /** fair_share: the period the virtual shares belong to (e.g. `2026-W48`); a new period resets them. */
  period?: string;
  /** Number of leads this pool has assigned, ever. */
  assigned: number;
}

/** Load and counters of one owner, across all pools. */
export interface OwnerState {
  /** Leads currently open (assigned and not closed). */
  open: number;
  /** Assignments on `dayKey` (local date in the owner's zone, `YYYY-MM-DD`). */
  dayKey: string;
  dayCount: number;
  /** Assignments in `weekKey` (ISO week in the owner's zone, `YYYY-Www`). */
  weekKey: string;
  weekCount: number;
  lastAssignedAt: EpochMs | null;
}

export interface RoutingState {
  pools: ReadonlyMap<string, PoolState>;
  owners: ReadonlyMap<string, OwnerState>;
  /** Earlier leads' owners by normalised email, for the `sticky` target. */
  ownerByEmail?: ReadonlyMap<string, string>;
}

/** What a decision changes: the new value of every touched entry. */
export interface StateChanges {
  pools: ReadonlyMap<string, PoolState>;
  owners: ReadonlyMap<string, OwnerState>;
}

// ---------------------------------------------------------------------------------------------
// Decisions and explanations
// ---------------------------------------------------------------------------------------------

export type Outcome = 'assigned' | 'queued' | 'unroutable';

/** Why a candidate owner was passed over, or `eligible`. */
export type CandidateStatus =
  | 'eligible'
  | 'chosen'
  | 'inactive'
  | 'unknown_owner'
  | 'paused'
  | 'out_of_office'
  | 'outside_working_hours'
  | 'holiday'
  | 'at_cap_open'
  | 'at_cap_day'
  | 'at_cap_week'
  | 'missing_skill'
  | 'not_reached';

export interface CandidateReport {
  ownerId: string;
  status: CandidateStatus;
  /** When the condition that excluded the owner ends (out of office until, next working time). */
  until?: EpochMs;
  detail?: string;
}

/** One step of the target chain: the rule's primary target, then each fallback in order. */
export interface TargetAttempt {
  /** 0 = primary target, 1.. = fallback index + 1. */
  step: number;
  target: string;
  result: 'assigned' | 'queued' | 'no_candidate' | 'not_applicable';
  reason?: string;
  poolId?: string;
  strategy?: string;
  candidates?: CandidateReport[];
  /** The strategy's figures: cursor, counts, target shares, … */
  figures?: Record<string, unknown>;
}

export interface RuleTrace {
  ruleId: string;
  matched: boolean;
  /** For a rule that did not match: the first clause that failed, e.g. `country in [US, CA] (was "DE")`. */
  failedClause?: string;
}

export interface Explanation {
  policyVersion: string;
  rules: RuleTrace[];
  account?: { accountId: string; name: string; method: AccountMatchMethod; score: number } | null;
  /** Derived fields the engine computed (normalised country, region, territories, email domain). */
  derived: Record<string, unknown>;
  attempts: TargetAttempt[];
  summary: string;
}

export interface Decision {
  outcome: Outcome;
  ownerId?: string;
  queueId?: string;
  ruleId?: string;
  poolId?: string;
  policyVersion: string;
  /** For `queued`: why (e.g. parked until an owner comes online); for `unroutable`: why not. */
  reason?: string;
  /** For a parked lead: when the first candidate becomes available. */
  retryAt?: EpochMs;
  /** Index of the step that produced the outcome (0 = primary). */
  fallbackStep?: number;
  accountId?: string;
  /** The service level the lead runs on (the policy's `slas`), when one applies. */
  slaId?: string;
  explanation?: Explanation;
}

export interface RouteResult {
  decision: Decision;
  changes: StateChanges;
}
