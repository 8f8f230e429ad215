/**
 * Routing one lead: a pure function of (compiled policy, lead, directory, state, now). Rules are
 * tried in order; the first whose condition holds walks its target chain (primary target, then
 * fallbacks) until an owner is assigned or the lead is queued. Nothing is ever dropped silently:
 * a lead no rule places goes to the default queue, and only a policy without one yields
 * `unroutable`, with the reason.
 */
import type { AccountIndex } from './accounts/index.ts';
import {
  nextAvailableAt,
  ownerClock,
  type AvailabilityCheck,
  type CapStatus,
  type OwnerClock,
} from './availability/index.ts';
import { emptyPoolState, periodKey, pickMember } from './balancing.ts';
import { MemberStates, poolClocks, type CapCheck } from './pool-members.ts';
import { ChangeMap, countAssignment } from './routing-state/index.ts';
import type {
  CompiledPolicy,
  CompiledPool,
  CompiledRule,
  CompiledTarget,
  SkillRequirement,
} from './compile.ts';
import type { Fields } from './conditions/index.ts';
import { describeDerived, leadBasics, matchAccount, type LeadBasics } from './lead-fields.ts';
import type {
  AccountMatch,
  CandidateReport,
  CandidateStatus,
  Decision,
  Directory,
  EpochMs,
  Explanation,
  Lead,
  OwnerState,
  PoolState,
  RouteResult,
  RoutingState,
  RuleTrace,
  Skills,
  TargetAttempt,
} from './types.ts';

export interface RouteInput {
  directory: Directory;
  accounts?: AccountIndex;
  state: RoutingState;
  now: EpochMs;
  /** Build the full explanation (rules tried, candidates and their status, strategy figures). */
  explain?: boolean;
  /**
   * The lead as `deriveLead` gives it for this policy and accounts, when the caller has it already
   * (routing the same lead twice, or storing its fields too): not derived again.
   */
  derived?: DerivedLead;
}

/** A lead as the policy's conditions see it. */
export interface DerivedLead {
  basics: LeadBasics;
  /** Field values in the slots of the policy's field layout. */
  fields: Fields;
  account: AccountMatch | null;
}

/** Normalises the lead, matches its account when the policy needs one, and reads its fields. */
export function deriveLead(
  lead: Lead,
  policy: CompiledPolicy,
  accounts?: AccountIndex,
): DerivedLead {
  const basics = leadBasics(lead);
  const account = matchAccount(lead, policy.usesAccounts, accounts);
  return { basics, account, fields: policy.fields.read(lead, basics, account) };
}

/**
 * The lead's fields by name, as a record: every field the policy reads plus the derived ones.
 * For storing beside a lead and for tools; routing itself reads the slots.
 */
export function deriveLeadFields(
  lead: Lead,
  policy: CompiledPolicy,
  accounts?: AccountIndex,
  derived: DerivedLead = deriveLead(lead, policy, accounts),
): Record<string, unknown> {
  const { basics, account, fields } = derived;
  const record: Record<string, unknown> = describeDerived(lead, basics, policy.territories);
  policy.fields.names.forEach((name, i) => (record[name] = fields[i]));
  record.account_id = account?.account.id;
  record.account_match = account ? { method: account.method, score: account.score } : undefined;
  return record;
}

/** Routes one lead. Same inputs, same output: no clock, randomness or I/O. */
export function routeLead(policy: CompiledPolicy, lead: Lead, input: RouteInput): RouteResult {
  const derived = input.derived ?? deriveLead(lead, policy, input.accounts);
  const explain = input.explain === true;
  // Without an explanation nothing is traced.
  const traces: RuleTrace[] = explain ? [] : NOTHING;
  const ctx: ChainContext = {
    policy,
    lead,
    derived,
    input,
    explain,
    attempts: explain ? [] : NOTHING,
    changes: { pools: new ChangeMap(), owners: new ChangeMap() },
  };
  let decision: Decision | undefined;
  if (explain) {
    for (const rule of policy.rules) {
      // explainFailure is undefined exactly when the condition holds: one evaluation, not two.
      const failedClause = rule.condition.explainFailure(derived.fields);
      if (failedClause !== undefined) {
        traces.push({ ruleId: rule.id, matched: false, failedClause });
        continue;
      }
      traces.push({ ruleId: rule.id, matched: true });
      decision = runChain(rule, ctx);
      break;
    }
  } else {
    const rule = firstMatchingRule(policy, derived.fields);
    if (rule) decision = runChain(rule, ctx);
  }
  decision ??= toDefaultQueue(policy, 'no rule matched');
  decision.accountId = derived.account?.account.id;
  if (policy.slas) decision.slaId = policy.slas.choose(decision, derived.fields);
  if (explain)
    decision.explanation = buildExplanation(policy, lead, decision, derived, traces, ctx.attempts);
  return { decision, changes: ctx.changes };
}

/** Shared empty lists for what is not kept; frozen, so a stray push throws. */
const NOTHING = Object.freeze([]) as never[];

/** The first rule whose condition holds, asking the rule index for candidates when there is one. */
function firstMatchingRule(policy: CompiledPolicy, fields: Fields): CompiledRule | undefined {
  if (policy.ruleIndex) return policy.ruleIndex.firstMatch(policy.rules, fields);
  for (const rule of policy.rules) if (rule.condition.test(fields)) return rule;
  return undefined;
}

interface ChainContext {
  policy: CompiledPolicy;
  lead: Lead;
  derived: DerivedLead;
  input: RouteInput;
  explain: boolean;
  attempts: TargetAttempt[];
  changes: { pools: ChangeMap<PoolState>; owners: ChangeMap<OwnerState> };
}

function runChain(rule: CompiledRule, ctx: ChainContext): Decision {
  for (let step = 0; step < rule.chain.length; step++) {
    const outcome = tryTarget(rule.chain[step]!, step, rule, ctx);
    if (outcome.kind === 'assigned') {
      return decisionOf('assigned', ctx.policy, rule.id, step, {
        ownerId: outcome.ownerId,
        poolId: outcome.poolId,
      });
    }
    if (outcome.kind === 'queued') {
      return decisionOf('queued', ctx.policy, rule.id, step, {
        queueId: outcome.queueId,
        reason: outcome.reason,
        retryAt: outcome.retryAt,
      });
    }
  }
  const why = `rule "${rule.id}": no available owner in ${rule.chain.map((t) => t.label).join(' → ') || 'an empty chain'}`;
  return toDefaultQueue(ctx.policy, why, rule.id, rule.chain.length - 1);
}

function toDefaultQueue(
  policy: CompiledPolicy,
  why: string,
  ruleId?: string,
  step?: number,
): Decision {
  if (policy.defaultQueue) {
    return decisionOf('queued', policy, ruleId, step, {
      queueId: policy.defaultQueue,
      reason: `${why}; sent to the default queue`,
    });
  }
  return decisionOf('unroutable', policy, ruleId, step, {
    reason: `${why}, and the policy has no default queue`,
  });
}

/**
 * Every decision has the same fields in the same order (absent ones undefined): one object shape
 * keeps the code that reads decisions fast, and spreading partial objects is slow in V8.
 */
function decisionOf(
  outcome: Decision['outcome'],
  policy: CompiledPolicy,
  ruleId: string | undefined,
  fallbackStep: number | undefined,
  d: { ownerId?: string; poolId?: string; queueId?: string; reason?: string; retryAt?: EpochMs },
): Decision {
  return {
    outcome,
    ownerId: d.ownerId,
    queueId: d.queueId,
    ruleId,
    poolId: d.poolId,
    policyVersion: policy.version,
    reason: d.reason,
    retryAt: d.retryAt,
    fallbackStep,
    accountId: undefined,
    slaId: undefined,
    explanation: undefined,
  };
}

type TargetOutcome =
  | { kind: 'assigned'; ownerId: string; poolId?: string }
  | { kind: 'queued'; queueId: string; reason?: string; retryAt?: EpochMs }
  | { kind: 'none' };

const NONE: TargetOutcome = { kind: 'none' };

function tryTarget(
  target: CompiledTarget,
  step: number,
  rule: CompiledRule,
  ctx: ChainContext,
): TargetOutcome {
  switch (target.kind) {
    case 'queue':
      if (ctx.explain) ctx.attempts.push({ step, target: target.label, result: 'queued' });
      return { kind: 'queued', queueId: target.queueId };
    case 'pool':
      return tryPool(target.pool, step, target.label, rule, ctx);
    case 'owner':
      return tryOwner(target.ownerId, step, target.label, rule, ctx);
    case 'account_owner': {
      const ownerId = ctx.derived.account?.account.ownerId;
      if (!ownerId) {
        if (ctx.explain) {
          const reason = ctx.derived.account
            ? 'the matched account has no owner'
            : 'no account matched';
          ctx.attempts.push({ step, target: target.label, result: 'not_applicable', reason });
        }
        return NONE;
      }
      return tryOwner(ownerId, step, target.label, rule, ctx);
    }
    case 'sticky': {
      const email = ctx.derived.basics.email;
      const ownerId = email ? ctx.input.state.ownerByEmail?.get(email) : undefined;
      if (!ownerId) {
        if (ctx.explain) {
          const reason = email
            ? 'no earlier lead with this email has an owner'
            : 'the lead has no email';
          ctx.attempts.push({ step, target: target.label, result: 'not_applicable', reason });
        }
        return NONE;
      }
      return tryOwner(ownerId, step, target.label, rule, ctx);
    }
  }
}

/** Each member's "eligible" report, made once per pool: explanations list every member. */
const eligibleReportsMemo = new WeakMap<CompiledPool, readonly CandidateReport[]>();

function eligibleReports(pool: CompiledPool): readonly CandidateReport[] {
  let reports = eligibleReportsMemo.get(pool);
  if (!reports) {
    reports = pool.memberIds.map((ownerId) => Object.freeze({ ownerId, status: 'eligible' }));
    eligibleReportsMemo.set(pool, reports);
  }
  return reports;
}

/**
 * Why a candidate owner cannot take this lead now, or undefined when they can. `until` says when
 * a temporary obstacle ends. Eligible candidates allocate nothing: this runs for every member of
 * every pool a lead reaches. `availability` is the clock's answer for the rule at this instant;
 * caps are asked of `caps` for the candidate's `index` only when the owner is available.
 */
function obstacle(
  ownerId: string,
  clock: OwnerClock | undefined,
  availability: AvailabilityCheck | undefined,
  caps: CapCheck,
  index: number,
  extraSkills: Skills | undefined,
  rule: CompiledRule,
  ctx: ChainContext,
): CandidateReport | undefined {
  // Without an explanation or parking, nobody reads why: one shared answer, nothing allocated.
  const why = readsReports(rule, ctx);
  if (clock === undefined || availability === undefined)
    return why ? { ownerId, status: 'unknown_owner' } : BLOCKED;
  if (availability.status !== 'eligible')
    return why ? { ownerId, status: availability.status, until: availability.until } : BLOCKED;
  const cap = caps.capAt(index, ctx.input.now);
  if (cap !== undefined) return why ? { ownerId, status: cap } : BLOCKED;
  if (rule.requirements.length > 0) {
    const missing = missingSkill(
      clock.owner.skills,
      extraSkills,
      rule.requirements,
      ctx.derived.fields,
    );
    if (missing) return why ? { ownerId, status: 'missing_skill', detail: missing } : BLOCKED;
  }
  return undefined;
}

/** Whether candidates' reports are read: for an explanation, or to park the lead. */
function readsReports(rule: CompiledRule, ctx: ChainContext): boolean {
  return ctx.explain || rule.availability === 'park';
}

/** What `obstacle` answers for a candidate who cannot take the lead when no report is read. */
const BLOCKED: CandidateReport = Object.freeze({ ownerId: '', status: 'inactive' });

/** The caps of one owner assigned directly (not through a pool). */
class OwnerCaps implements CapCheck {
  constructor(
    private readonly clock: OwnerClock,
    private readonly state: OwnerState | undefined,
  ) {}
  capAt(_index: number, now: EpochMs): CapStatus | undefined {
    return this.clock.caps(undefined, this.state, now);
  }
}

function tryOwner(
  ownerId: string,
  step: number,
  label: string,
  rule: CompiledRule,
  ctx: ChainContext,
): TargetOutcome {
  const { directory, state, now } = ctx.input;
  const owner = directory.owners.get(ownerId);
  const clock = owner && ownerClock(owner);
  const current = state.owners.get(ownerId);
  const report: CandidateReport | undefined = clock
    ? obstacle(
        ownerId,
        clock,
        clock.availability(now, rule.availability !== 'any_active'),
        new OwnerCaps(clock, current),
        0,
        undefined,
        rule,
        ctx,
      )
    : { ownerId, status: 'unknown_owner' };
  if (!report && clock) {
    assignTo(ownerId, clock, current, ctx);
    if (ctx.explain)
      ctx.attempts.push({
        step,
        target: label,
        result: 'assigned',
        candidates: [{ ownerId, status: 'chosen' }],
      });
    return { kind: 'assigned', ownerId };
  }
  const parked = park([report!], rule, ctx);
  if (ctx.explain) {
    ctx.attempts.push({
      step,
      target: label,
      result: parked ? 'queued' : 'no_candidate',
      reason: parked?.reason ?? describe(report!),
      candidates: [report!],
    });
  }
  return parked ?? NONE;
}

/**
 * What LazyEligibility knows of each member: 0 not checked, 1 eligible, 2 not. One array for all:
 * a pick is over before the next begins, and a typed array per pick costs more than the pick.
 */
let knownScratch = new Int8Array(64);

/** Checks pool members only when a strategy asks, once each. */
class LazyEligibility {
  private readonly known: Int8Array;
  constructor(
    private readonly pool: CompiledPool,
    private readonly availability: readonly AvailabilityCheck[],
    private readonly members: MemberStates,
    private readonly rule: CompiledRule,
    private readonly ctx: ChainContext,
  ) {
    const n = pool.members.length;
    if (knownScratch.length < n) knownScratch = new Int8Array(2 * n);
    knownScratch.fill(0, 0, n);
    this.known = knownScratch;
  }
  has(i: number): boolean {
    const k = this.known[i];
    if (k !== 0) return k === 1;
    const ok =
      memberObstacle(this.pool, i, this.availability, this.members, this.rule, this.ctx) ===
      undefined;
    this.known[i] = ok ? 1 : 2;
    return ok;
  }
}

/** `obstacle` for member `i` of the pool, `availability` being the members' answers now. */
function memberObstacle(
  pool: CompiledPool,
  i: number,
  availability: readonly AvailabilityCheck[],
  members: MemberStates,
  rule: CompiledRule,
  ctx: ChainContext,
): CandidateReport | undefined {
  const clock = members.pooled.clocks[i];
  return obstacle(
    pool.memberIds[i]!,
    clock,
    availability[i],
    members,
    i,
    pool.memberSkills[i],
    rule,
    ctx,
  );
}

function tryPool(
  pool: CompiledPool,
  step: number,
  label: string,
  rule: CompiledRule,
  ctx: ChainContext,
): TargetOutcome {
  const { directory, state, now } = ctx.input;
  const n = pool.members.length;
  const pooled = poolClocks(directory, pool);
  const availability = pooled.availability(now, rule.availability !== 'any_active');
  // Reports of every member are built only when someone will read them; otherwise members are
  // checked on demand, as far as the strategy looks.
  const keep = readsReports(rule, ctx);
  const members = new MemberStates(state.owners, pool.memberIds, pooled);
  // Not read without an explanation or parking (see `readsReports`): the shared empty list.
  let reports: CandidateReport[] = NOTHING;
  let eligible: boolean[] | LazyEligibility;
  if (keep) {
    reports = [];
    eligible = new Array<boolean>(n);
    const eligibleReport = eligibleReports(pool);
    for (let i = 0; i < n; i++) {
      const report = memberObstacle(pool, i, availability, members, rule, ctx);
      eligible[i] = report === undefined;
      reports.push(report ?? eligibleReport[i]!);
    }
  } else {
    eligible = new LazyEligibility(pool, availability, members, rule, ctx);
  }
  const poolState: PoolState =
    ctx.changes.pools.get(pool.id) ?? state.pools.get(pool.id) ?? emptyPoolState();
  const pick = pickMember({
    strategy: pool.strategy,
    members: pool.members,
    memberIds: pool.memberIds,
    eligible,
    state: poolState,
    ownerState: members,
    period: pool.strategy === 'fair_share' ? periodKey(pool.period, now) : '',
    explain: ctx.explain,
  });
  if (pick) {
    const ownerId = pool.members[pick.index]!.ownerId;
    ctx.changes.pools.set(pool.id, pick.state);
    assignTo(ownerId, pooled.clocks[pick.index]!, members.get(ownerId, pick.index), ctx);
    if (ctx.explain) {
      reports[pick.index] = { ownerId, status: 'chosen' };
      ctx.attempts.push({
        step,
        target: label,
        result: 'assigned',
        poolId: pool.id,
        strategy: pool.strategy,
        candidates: reports,
        figures: pick.figures,
      });
    }
    return { kind: 'assigned', ownerId, poolId: pool.id };
  }
  const parked = park(reports, rule, ctx);
  if (ctx.explain) {
    ctx.attempts.push({
      step,
      target: label,
      result: parked ? 'queued' : 'no_candidate',
      reason: parked?.reason ?? (n === 0 ? 'the pool has no members' : 'no member is eligible'),
      poolId: pool.id,
      strategy: pool.strategy,
      candidates: reports,
    });
  }
  return parked ?? NONE;
}

const TEMPORARY: ReadonlySet<CandidateStatus> = new Set([
  'out_of_office',
  'outside_working_hours',
  'holiday',
  'paused',
]);

/**
 * A parking rule keeps the lead for the first candidate to come online instead of falling back,
 * as long as somebody will: candidates blocked only by time (hours, absence, pause) count.
 */
function park(reports: readonly CandidateReport[], rule: CompiledRule, ctx: ChainContext) {
  if (rule.availability !== 'park' || !rule.parkQueue) return undefined;
  let retryAt: EpochMs | undefined;
  reports.forEach((report) => {
    const owner = ctx.input.directory.owners.get(report.ownerId);
    if (!owner || !TEMPORARY.has(report.status)) return;
    const at = nextAvailableAt(owner, ctx.input.now, true);
    if (at !== undefined && (retryAt === undefined || at < retryAt)) retryAt = at;
  });
  if (retryAt === undefined) return undefined;
  return {
    kind: 'queued' as const,
    queueId: rule.parkQueue,
    retryAt,
    reason: `parked until ${new Date(retryAt).toISOString()}, when the first candidate comes online`,
  };
}

/** Records the assignment in the decision's changes; `current` is the owner's state before it. */
function assignTo(
  ownerId: string,
  clock: OwnerClock,
  current: OwnerState | undefined,
  ctx: ChainContext,
): void {
  const now = ctx.input.now;
  ctx.changes.owners.set(
    ownerId,
    countAssignment(current, clock.dayKey(now), clock.weekKey(now), now),
  );
}

function missingSkill(
  own: Skills | undefined,
  extra: Skills | undefined,
  requirements: readonly SkillRequirement[],
  fields: Fields,
): string | undefined {
  for (const req of requirements) {
    const raw = req.value ?? fields[req.slot!];
    // A requirement on a field the lead does not have cannot be judged: it does not exclude anyone.
    if (raw === undefined || raw === null || raw === '') continue;
    const wanted = String(raw).trim().toLowerCase();
    if (own?.[req.skill]?.includes(wanted) || extra?.[req.skill]?.includes(wanted)) continue;
    return `${req.skill} lacks "${wanted}"`;
  }
  return undefined;
}

const STATUS_TEXT: Record<CandidateStatus, string> = {
  eligible: 'eligible',
  chosen: 'chosen',
  inactive: 'inactive',
  unknown_owner: 'not in the directory',
  paused: 'paused',
  out_of_office: 'out of office',
  outside_working_hours: 'outside working hours',
  holiday: 'on holiday',
  at_cap_open: 'at the cap of open leads',
  at_cap_day: 'at the daily cap',
  at_cap_week: 'at the weekly cap',
  missing_skill: 'missing skill',
  not_reached: 'not reached',
};

/** `alice: out of office until 2026-11-24T14:00:00.000Z` */
export function describe(report: CandidateReport): string {
  let text = `${report.ownerId}: ${STATUS_TEXT[report.status]}`;
  if (report.until !== undefined) text += ` until ${new Date(report.until).toISOString()}`;
  if (report.detail) text += ` (${report.detail})`;
  return text;
}

function buildExplanation(
  policy: CompiledPolicy,
  lead: Lead,
  decision: Decision,
  derived: DerivedLead,
  rules: RuleTrace[],
  attempts: TargetAttempt[],
): Explanation {
  const account = derived.account;
  return {
    policyVersion: policy.version,
    rules,
    account: account
      ? {
          accountId: account.account.id,
          name: account.account.name,
          method: account.method,
          score: account.score,
        }
      : null,
    derived: describeDerived(lead, derived.basics, policy.territories),
    attempts,
    summary: summarize(decision, attempts, account),
  };
}

function summarize(
  decision: Decision,
  attempts: TargetAttempt[],
  account: AccountMatch | null,
): string {
  const rule = decision.ruleId ? `rule "${decision.ruleId}"` : 'no rule';
  const via = decision.fallbackStep
    ? ` (fallback ${decision.fallbackStep} after ${attempts
        .slice(0, -1)
        .map((a) => a.target)
        .join(', ')})`
    : '';
  switch (decision.outcome) {
    case 'assigned': {
      const how = decision.poolId
        ? `pool ${decision.poolId}`
        : (attempts.at(-1)?.target ?? 'owner');
      const acct = account
        ? `; account ${account.account.name} matched by ${account.method.replace(/_/g, ' ')}`
        : '';
      return `Assigned to ${decision.ownerId} by ${rule} via ${how}${via}${acct}.`;
    }
    case 'queued':
      return `Queued in ${decision.queueId} by ${rule}${via}${decision.reason ? `: ${decision.reason}` : ''}.`;
    case 'unroutable':
      return `Unroutable: ${decision.reason}.`;
  }
}
