/**
 * Routing one lead: a pure function of (compiled policy, lead, directory, state, now). Rules are
 * tried in order; the first whose condition holds walks its target chain (primary target, then
 * fallbacks) until an owner is assigned or the lead is queued. Nothing is ever dropped silently:
 * a lead no rule places goes to the default queue, and only a policy without one yields
 * `unroutable`, with the reason.
 */
import type { AccountIndex } from './accounts.ts';
import { normalizeDomain } from './accounts.ts';
import { checkAvailability, checkCaps, nextAvailableAt, recordAssignment } from './availability.ts';
import { emptyPoolState, periodKey, pickMember } from './balancing.ts';
import type { CompiledPolicy, CompiledPool, CompiledRule, CompiledTarget, SkillRequirement } from './compile.ts';
import type { Fields } from './conditions.ts';
import { normalizeCountry, normalizePostalCode, normalizeState } from './geo.ts';
import type {
  AccountMatch,
  CandidateReport,
  CandidateStatus,
  Caps,
  Decision,
  Directory,
  EpochMs,
  Explanation,
  Lead,
  Owner,
  OwnerState,
  PoolState,
  RouteResult,
  RoutingState,
  RuleTrace,
  Skills,
  StateChanges,
  TargetAttempt,
} from './types.ts';

export interface RouteInput {
  directory: Directory;
  accounts?: AccountIndex;
  state: RoutingState;
  now: EpochMs;
  /** Build the full explanation (rules tried, candidates and their status, strategy figures). */
  explain?: boolean;
}

/** The lead's attributes plus the fields the engine derives, as conditions see them. */
export interface DerivedLead {
  fields: Fields;
  account: AccountMatch | null;
}

/** Lower-cased, trimmed email: the key of the `sticky` target. */
export function normalizeEmail(email: unknown): string | undefined {
  if (typeof email !== 'string') return undefined;
  const e = email.trim().toLowerCase();
  return e.includes('@') ? e : undefined;
}

/**
 * Computes the derived fields conditions may read: normalised `country` (ISO-2), `state`
 * (`US-CA`), `postal_code`, `region` and `territory` (lists), `email_domain`, `website_domain`,
 * and `account.*` from lead-to-account matching. Raw values stay available as `raw.country` etc.
 */
export function deriveLead(lead: Lead, policy: CompiledPolicy, accounts?: AccountIndex): DerivedLead {
  const country = normalizeCountry(lead.country);
  const state = normalizeState(country, lead.state);
  const postalCode = normalizePostalCode(country, lead.postal_code);
  const email = normalizeEmail(lead.email);
  const fields: Record<string, unknown> = {
    ...lead,
    'raw.country': lead.country,
    'raw.state': lead.state,
    country,
    state,
    postal_code: postalCode,
    region: policy.territories.regionsOf(country),
    territory: policy.territories.territoriesOf({ country, state, postalCode }),
    email,
    email_domain: email ? email.slice(email.lastIndexOf('@') + 1) : undefined,
    website_domain: normalizeDomain(lead.website),
  };
  const account = policy.usesAccounts && accounts ? accounts.match(lead) : null;
  if (account) {
    const a = account.account;
    fields['account.id'] = a.id;
    fields['account.name'] = a.name;
    fields['account.tier'] = a.tier;
    fields['account.strategic'] = a.strategic ?? false;
    fields['account.owner'] = a.ownerId;
    fields['account.match_method'] = account.method;
    fields['account.match_score'] = account.score;
    if (a.attributes) for (const [k, v] of Object.entries(a.attributes)) fields[`account.${k}`] = v;
  }
  return { fields, account };
}

/** Routes one lead. Same inputs, same output: no clock, randomness or I/O. */
export function routeLead(policy: CompiledPolicy, lead: Lead, input: RouteInput): RouteResult {
  const derived = deriveLead(lead, policy, input.accounts);
  const explain = input.explain === true;
  const traces: RuleTrace[] = [];
  const ctx: ChainContext = {
    policy,
    lead,
    derived,
    input,
    explain,
    attempts: [],
    changes: { pools: new Map(), owners: new Map() },
  };
  let decision: Decision | undefined;
  for (const rule of policy.rules) {
    if (!rule.condition.test(derived.fields)) {
      if (explain) traces.push({ ruleId: rule.id, matched: false, failedClause: rule.condition.explainFailure(derived.fields) });
      continue;
    }
    if (explain) traces.push({ ruleId: rule.id, matched: true });
    decision = runChain(rule, ctx);
    break;
  }
  decision ??= toDefaultQueue(policy, 'no rule matched');
  decision.accountId = derived.account?.account.id;
  if (explain) decision.explanation = buildExplanation(policy, decision, derived, traces, ctx.attempts);
  return { decision, changes: ctx.changes };
}

/** The normalised fields worth storing beside a lead's raw attributes. */
export function deriveLeadFields(lead: Lead, policy: CompiledPolicy, accounts?: AccountIndex): Record<string, unknown> {
  const { fields, account } = deriveLead(lead, policy, accounts);
  return {
    country: fields.country,
    state: fields.state,
    postal_code: fields.postal_code,
    region: fields.region,
    territory: fields.territory,
    email_domain: fields.email_domain,
    website_domain: fields.website_domain,
    account_id: account?.account.id,
    account_match: account ? { method: account.method, score: account.score } : undefined,
  };
}

interface ChainContext {
  policy: CompiledPolicy;
  lead: Lead;
  derived: DerivedLead;
  input: RouteInput;
  explain: boolean;
  attempts: TargetAttempt[];
  changes: StateChanges;
}

function runChain(rule: CompiledRule, ctx: ChainContext): Decision {
  const base = { policyVersion: ctx.policy.version, ruleId: rule.id };
  for (let step = 0; step < rule.chain.length; step++) {
    const target = rule.chain[step]!;
    const outcome = tryTarget(target, step, rule, ctx);
    if (outcome.kind === 'assigned') {
      return { ...base, outcome: 'assigned', ownerId: outcome.ownerId, poolId: outcome.poolId, fallbackStep: step };
    }
    if (outcome.kind === 'queued') {
      return { ...base, outcome: 'queued', queueId: outcome.queueId, fallbackStep: step, reason: outcome.reason, retryAt: outcome.retryAt };
    }
  }
  const last = ctx.attempts.at(-1);
  const why = `rule "${rule.id}": no available owner in ${rule.chain.map((t) => t.label).join(' → ') || 'an empty chain'}`;
  return { ...toDefaultQueue(ctx.policy, why), ruleId: rule.id, fallbackStep: last?.step };
}

function toDefaultQueue(policy: CompiledPolicy, why: string): Decision {
  if (policy.defaultQueue) {
    return { outcome: 'queued', queueId: policy.defaultQueue, policyVersion: policy.version, reason: `${why}; sent to the default queue` };
  }
  return { outcome: 'unroutable', policyVersion: policy.version, reason: `${why}, and the policy has no default queue` };
}

type TargetOutcome =
  | { kind: 'assigned'; ownerId: string; poolId?: string }
  | { kind: 'queued'; queueId: string; reason?: string; retryAt?: EpochMs }
  | { kind: 'none' };

const NONE: TargetOutcome = { kind: 'none' };

function tryTarget(target: CompiledTarget, step: number, rule: CompiledRule, ctx: ChainContext): TargetOutcome {
  const record = (attempt: Omit<TargetAttempt, 'step' | 'target'>) => {
    if (ctx.explain) ctx.attempts.push({ step, target: target.label, ...attempt });
  };
  switch (target.kind) {
    case 'queue':
      record({ result: 'queued' });
      return { kind: 'queued', queueId: target.queueId };
    case 'pool':
      return tryPool(target.pool, step, target.label, rule, ctx);
    case 'owner':
      return tryOwner(target.ownerId, step, target.label, rule, ctx);
    case 'account_owner': {
      const ownerId = ctx.derived.account?.account.ownerId;
      if (!ownerId) {
        record({ result: 'not_applicable', reason: ctx.derived.account ? 'the matched account has no owner' : 'no account matched' });
        return NONE;
      }
      return tryOwner(ownerId, step, target.label, rule, ctx);
    }
    case 'sticky': {
      const email = normalizeEmail(ctx.lead.email);
      const ownerId = email ? ctx.input.state.ownerByEmail?.get(email) : undefined;
      if (!ownerId) {
        record({ result: 'not_applicable', reason: email ? 'no earlier lead with this email has an owner' : 'the lead has no email' });
        return NONE;
      }
      return tryOwner(ownerId, step, target.label, rule, ctx);
    }
  }
}

/** Status of one candidate owner for this lead now; `until` when the obstacle is temporary. */
function assessCandidate(
  ownerId: string,
  owner: Owner | undefined,
  extraSkills: Skills | undefined,
  poolCaps: Caps | undefined,
  rule: CompiledRule,
  ctx: ChainContext,
): CandidateReport {
  if (!owner) return { ownerId, status: 'unknown_owner' };
  const { now, state } = ctx.input;
  const availability = checkAvailability(owner, now, rule.availability !== 'any_active');
  if (availability.status !== 'eligible') return { ownerId, status: availability.status, until: availability.until };
  const cap = checkCaps(owner, poolCaps, state.owners.get(ownerId), now);
  if (cap) return { ownerId, status: cap };
  const missing = missingSkill(owner.skills, extraSkills, rule.requirements, ctx.derived.fields);
  if (missing) return { ownerId, status: 'missing_skill', detail: missing };
  return { ownerId, status: 'eligible' };
}

function tryOwner(ownerId: string, step: number, label: string, rule: CompiledRule, ctx: ChainContext): TargetOutcome {
  const owner = ctx.input.directory.owners.get(ownerId);
  const report = assessCandidate(ownerId, owner, undefined, undefined, rule, ctx);
  if (report.status === 'eligible' && owner) {
    assignTo(owner, ctx);
    if (ctx.explain) ctx.attempts.push({ step, target: label, result: 'assigned', candidates: [{ ...report, status: 'chosen' }] });
    return { kind: 'assigned', ownerId };
  }
  const parked = park([report], [owner], rule, ctx);
  if (ctx.explain) {
    ctx.attempts.push({
      step,
      target: label,
      result: parked ? 'queued' : 'no_candidate',
      reason: parked?.reason ?? describe(report),
      candidates: [report],
    });
  }
  return parked ?? NONE;
}

function tryPool(pool: CompiledPool, step: number, label: string, rule: CompiledRule, ctx: ChainContext): TargetOutcome {
  const { directory, state, now } = ctx.input;
  const n = pool.members.length;
  const eligible = new Array<boolean>(n);
  const reports: CandidateReport[] = [];
  const owners: Array<Owner | undefined> = [];
  for (let i = 0; i < n; i++) {
    const ownerId = pool.members[i]!.ownerId;
    const owner = directory.owners.get(ownerId);
    const report = assessCandidate(ownerId, owner, pool.memberSkills[i], pool.caps, rule, ctx);
    eligible[i] = report.status === 'eligible';
    reports.push(report);
    owners.push(owner);
  }
  const poolState: PoolState = ctx.changes.pools.get(pool.id) ?? state.pools.get(pool.id) ?? emptyPoolState();
  const pick = pickMember({
    strategy: pool.strategy,
    members: pool.members,
    eligible,
    state: poolState,
    ownerState: (id) => state.owners.get(id),
    period: periodKey(pool.period, now),
  });
  if (pick) {
    const owner = owners[pick.index]!;
    ctx.changes.pools.set(pool.id, pick.state);
    assignTo(owner, ctx);
    if (ctx.explain) {
      reports[pick.index] = { ...reports[pick.index]!, status: 'chosen' };
      ctx.attempts.push({ step, target: label, result: 'assigned', poolId: pool.id, strategy: pool.strategy, candidates: reports, figures: pick.figures });
    }
    return { kind: 'assigned', ownerId: owner.id, poolId: pool.id };
  }
  const parked = park(reports, owners, rule, ctx);
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

const TEMPORARY: ReadonlySet<CandidateStatus> = new Set(['out_of_office', 'outside_working_hours', 'holiday', 'paused']);

/**
 * A parking rule keeps the lead for the first candidate to come online instead of falling back,
 * as long as somebody will: candidates blocked only by time (hours, absence, pause) count.
 */
function park(reports: readonly CandidateReport[], owners: ReadonlyArray<Owner | undefined>, rule: CompiledRule, ctx: ChainContext) {
  if (rule.availability !== 'park' || !rule.parkQueue) return undefined;
  let retryAt: EpochMs | undefined;
  reports.forEach((report, i) => {
    const owner = owners[i];
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

function assignTo(owner: Owner, ctx: ChainContext): void {
  const { state, now } = ctx.input;
  const current: OwnerState | undefined = ctx.changes.owners.get(owner.id) ?? state.owners.get(owner.id);
  ctx.changes.owners.set(owner.id, recordAssignment(owner, current, now));
}

function missingSkill(
  own: Skills | undefined,
  extra: Skills | undefined,
  requirements: readonly SkillRequirement[],
  fields: Fields,
): string | undefined {
  for (const req of requirements) {
    const raw = req.value ?? fields[req.field!];
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
  decision: Decision,
  derived: DerivedLead,
  rules: RuleTrace[],
  attempts: TargetAttempt[],
): Explanation {
  const f = derived.fields;
  const account = derived.account;
  return {
    policyVersion: policy.version,
    rules,
    account: account
      ? { accountId: account.account.id, name: account.account.name, method: account.method, score: account.score }
      : null,
    derived: {
      country: f.country,
      state: f.state,
      postal_code: f.postal_code,
      region: f.region,
      territory: f.territory,
      email_domain: f.email_domain,
      website_domain: f.website_domain,
    },
    attempts,
    summary: summarize(decision, attempts, account),
  };
}

function summarize(decision: Decision, attempts: TargetAttempt[], account: AccountMatch | null): string {
  const rule = decision.ruleId ? `rule "${decision.ruleId}"` : 'no rule';
  const via = decision.fallbackStep ? ` (fallback ${decision.fallbackStep} after ${attempts.slice(0, -1).map((a) => a.target).join(', ')})` : '';
  switch (decision.outcome) {
    case 'assigned': {
      const how = decision.poolId ? `pool ${decision.poolId}` : attempts.at(-1)?.target ?? 'owner';
      const acct = account ? `; account ${account.account.name} matched by ${account.method.replace(/_/g, ' ')}` : '';
      return `Assigned to ${decision.ownerId} by ${rule} via ${how}${via}${acct}.`;
    }
    case 'queued':
      return `Queued in ${decision.queueId} by ${rule}${via}${decision.reason ? `: ${decision.reason}` : ''}.`;
    case 'unroutable':
      return `Unroutable: ${decision.reason}.`;
  }
}
