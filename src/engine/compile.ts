/**
 * Compiles a policy document once per version into closures and indexes, so routing a lead does
 * no parsing, no lookups by name and little allocation.
 */
import type { z } from 'zod';
import {
  compileCondition,
  FieldLayout,
  parseCondition,
  type CompiledCondition,
  type ConditionNode,
} from './conditions/index.ts';
import {
  compileTerritories,
  findTerritoryOverlaps,
  normalizeCountry,
  normalizeState,
  type CompiledTerritories,
} from './geo/index.ts';
import type { Member } from './balancing.ts';
import { joinPath, ValidationError, type PolicyIssue } from './issues.ts';
import { compileLeadFieldReader, type LeadFieldReader } from './lead-fields.ts';
import {
  policySchema,
  type AvailabilityMode,
  type PolicyDoc,
  type RuleDoc,
  type Strategy,
  type TargetDoc,
} from './policy-schema.ts';
import type { Caps, Skills } from './types.ts';
import { buildRuleIndex, type RuleIndex } from './rule-index.ts';
import { compileReassignOn, type ReassignOn } from './reassignment/index.ts';
import { compileSlas, type CompiledSlas } from './sla/index.ts';

export type CompiledTarget =
  | { kind: 'owner'; ownerId: string; label: string }
  | { kind: 'pool'; pool: CompiledPool; label: string }
  | { kind: 'account_owner'; label: string }
  | { kind: 'sticky'; label: string }
  | { kind: 'queue'; queueId: string; label: string };

export interface CompiledPool {
  id: string;
  strategy: Strategy;
  members: readonly Member[];
  /** The members' owner ids, in order (one array for the pool's lifetime: see `PickInput`). */
  memberIds: readonly string[];
  /** Skills the pool grants each member on top of the owner's own, by member index. */
  memberSkills: ReadonlyArray<Skills | undefined>;
  caps?: Caps;
  period: 'day' | 'week' | 'month';
}

/** One skill a rule requires: the owner's `skill` list must contain the value. */
export interface SkillRequirement {
  skill: 'languages' | 'products' | 'segments';
  /** Lead field to read the value from, or undefined when `value` is a literal. */
  field?: string;
  /** The field's slot in the policy's field layout. */
  slot?: number;
  value?: string;
}

export interface CompiledRule {
  id: string;
  index: number;
  condition: CompiledCondition;
  /** Primary target then each fallback, in order. */
  chain: readonly CompiledTarget[];
  availability: AvailabilityMode;
  parkQueue?: string;
  requirements: readonly SkillRequirement[];
}

export interface CompiledPolicy {
  version: string;
  doc: PolicyDoc;
  rules: readonly CompiledRule[];
  /** Present when enough rules require values of some fields; explanations still walk every rule. */
  ruleIndex?: RuleIndex;
  pools: ReadonlyMap<string, CompiledPool>;
  queues: ReadonlySet<string>;
  defaultQueue?: string;
  territories: CompiledTerritories;
  /** Reads the fields the policy's conditions and skill requirements use, by slot. */
  fields: LeadFieldReader;
  /** Whether any rule reads `account.*` or targets the account owner: account matching is skipped otherwise. */
  usesAccounts: boolean;
  /** Whether any rule targets `sticky`: only then are earlier owners by email looked up. */
  usesSticky: boolean;
  /** `reassign_on`: the fields whose change re-routes an owned lead. */
  reassignOn?: ReassignOn;
  /** The policy's service levels; undefined when it has none (no timer is ever scheduled). */
  slas?: CompiledSlas;
  poolIds(): string[];
  /** Every owner id the policy names (pool members and owner targets). */
  ownerIds(): string[];
}

export interface CompileResult {
  policy?: CompiledPolicy;
  issues: PolicyIssue[];
}

/** Converts zod's issues into path-named issues. */
function zodIssues(error: z.ZodError, base = ''): PolicyIssue[] {
  return error.issues.map((issue) => ({
    severity: 'error' as const,
    path: issue.path.reduce<string>(
      (p, k) => joinPath(p, typeof k === 'number' ? k : String(k)),
      base,
    ),
    message: issue.message,
  }));
}

/**
 * Validates and compiles a policy document. Returns every error and warning found; `policy` is set
 * only when there is no error. `version` labels every decision made with it.
 */
export function compilePolicy(raw: unknown, options: { version: string }): CompileResult {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) return { issues: zodIssues(parsed.error) };
  const doc = parsed.data;
  const issues: PolicyIssue[] = [];

  const territories = compileTerritories(doc, issues);
  findTerritoryOverlaps(doc, issues);

  const queues = new Set(Object.keys(doc.queues));
  if (doc.default_queue) queues.add(doc.default_queue);
  else
    issues.push({
      severity: 'warning',
      path: 'default_queue',
      message:
        'no default queue: a lead that no rule places will be unroutable; add e.g. `default_queue: triage`',
    });

  const pools = new Map<string, CompiledPool>();
  for (const [poolId, pool] of Object.entries(doc.pools)) {
    const path = joinPath('pools', poolId);
    const members: Member[] = [];
    const memberSkills: Array<Skills | undefined> = [];
    const seen = new Set<string>();
    pool.members.forEach((m, i) => {
      const member = typeof m === 'string' ? { owner: m, weight: 1, skills: undefined } : m;
      if (seen.has(member.owner)) {
        issues.push({
          severity: 'error',
          path: joinPath(joinPath(path, 'members'), i),
          message: `owner "${member.owner}" is listed twice`,
        });
      }
      seen.add(member.owner);
      members.push({ ownerId: member.owner, weight: member.weight });
      memberSkills.push(member.skills ? lowerSkills(member.skills) : undefined);
    });
    if (members.length === 0) {
      issues.push({
        severity: 'warning',
        path: joinPath(path, 'members'),
        message: 'empty pool: every lead sent here falls through to the next fallback',
      });
    }
    pools.set(poolId, {
      id: poolId,
      strategy: pool.strategy,
      members,
      memberIds: members.map((m) => m.ownerId),
      memberSkills,
      caps: pool.caps && toCaps(pool.caps),
      period: pool.period,
    });
  }

  const rules: CompiledRule[] = [];
  const layout = new FieldLayout();
  const ruleIds = new Map<string, number>();
  let catchAll: CompiledRule | undefined;
  let usesAccounts = false;
  const nodes: Array<ConditionNode | undefined> = [];
  doc.rules.forEach((rule, index) => {
    const path = joinPath('rules', index);
    const earlier = ruleIds.get(rule.id);
    if (earlier !== undefined) {
      issues.push({
        severity: 'error',
        path: joinPath(path, 'id'),
        message: `duplicate rule id "${rule.id}" (also rules[${earlier}])`,
      });
    }
    ruleIds.set(rule.id, index);
    const when = normalizeConditionValues(rule.when, joinPath(path, 'when'), issues);
    const node = parseCondition(when, joinPath(path, 'when'), issues);
    nodes.push(node);
    const condition = compileCondition(node, layout);
    const chain = [rule.assign, ...rule.fallback].map((t, step) =>
      compileTarget(
        t,
        step === 0 ? joinPath(path, 'assign') : joinPath(joinPath(path, 'fallback'), step - 1),
        pools,
        queues,
        issues,
      ),
    );
    if (rule.park_queue && !queues.has(rule.park_queue)) {
      issues.push({
        severity: 'error',
        path: joinPath(path, 'park_queue'),
        message: unknownQueue(rule.park_queue, queues),
      });
    }
    if (rule.availability === 'park' && !rule.park_queue && !doc.default_queue) {
      issues.push({
        severity: 'error',
        path: joinPath(path, 'park_queue'),
        message: "a parking rule needs `park_queue` or the policy's `default_queue`",
      });
    }
    const compiled: CompiledRule = {
      id: rule.id,
      index,
      condition,
      chain: chain.filter((t): t is CompiledTarget => t !== undefined),
      availability: rule.availability,
      parkQueue: rule.park_queue ?? doc.default_queue,
      requirements: compileRequirements(rule, layout),
    };
    if (catchAll) {
      issues.push({
        severity: 'warning',
        path,
        message: `rule "${rule.id}" is never reached: rules[${catchAll.index}] ("${catchAll.id}") matches every lead`,
      });
    } else if (condition.isCatchAll) {
      catchAll = compiled;
    }
    if (
      condition.fields.some((f) => f.startsWith('account.')) ||
      chain.some((t) => t?.kind === 'account_owner')
    ) {
      usesAccounts = true;
    }
    rules.push(compiled);
  });

  const reassignOn = compileReassignOn(doc.reassign_on, queues, doc.default_queue, issues);
  // SLA conditions share the rules' field layout: compile them before the field reader is built.
  const slas = compileSlas(
    doc,
    queues,
    (when, path) =>
      compileCondition(
        parseCondition(normalizeConditionValues(when, path, issues), path, issues),
        layout,
      ),
    issues,
  );
  if (issues.some((i) => i.severity === 'error')) return { issues };
  const policy: CompiledPolicy = {
    reassignOn,
    version: options.version,
    doc,
    rules,
    pools,
    queues,
    defaultQueue: doc.default_queue,
    territories,
    ruleIndex: buildRuleIndex(nodes, layout),
    fields: compileLeadFieldReader(layout.names, territories),
    usesAccounts,
    usesSticky: rules.some((rule) => rule.chain.some((target) => target.kind === 'sticky')),
    slas,
    poolIds: () => [...pools.keys()],
    ownerIds: () => {
      const ids = new Set<string>();
      for (const pool of pools.values()) for (const m of pool.members) ids.add(m.ownerId);
      for (const rule of rules)
        for (const t of rule.chain) if (t.kind === 'owner') ids.add(t.ownerId);
      return [...ids];
    },
  };
  return { policy, issues };
}

/** Compiles or throws a ValidationError with every error; warnings are returned alongside. */
export function compilePolicyOrThrow(
  raw: unknown,
  options: { version: string },
): { policy: CompiledPolicy; warnings: PolicyIssue[] } {
  const { policy, issues } = compilePolicy(raw, options);
  if (!policy) throw new ValidationError(issues, 'policy');
  return { policy, warnings: issues };
}

function compileTarget(
  target: TargetDoc,
  path: string,
  pools: Map<string, CompiledPool>,
  queues: Set<string>,
  issues: PolicyIssue[],
): CompiledTarget | undefined {
  if (target === 'account_owner' || (typeof target === 'object' && 'account_owner' in target)) {
    return { kind: 'account_owner', label: 'account owner' };
  }
  if (target === 'sticky' || (typeof target === 'object' && 'sticky' in target)) {
    return { kind: 'sticky', label: 'owner of an earlier lead with the same email' };
  }
  if ('owner' in target)
    return { kind: 'owner', ownerId: target.owner, label: `owner ${target.owner}` };
  if ('queue' in target) {
    if (!queues.has(target.queue)) {
      issues.push({
        severity: 'error',
        path: joinPath(path, 'queue'),
        message: unknownQueue(target.queue, queues),
      });
      return undefined;
    }
    return { kind: 'queue', queueId: target.queue, label: `queue ${target.queue}` };
  }
  const pool = pools.get(target.pool);
  if (!pool) {
    const known = [...pools.keys()];
    issues.push({
      severity: 'error',
      path: joinPath(path, 'pool'),
      message: `unknown pool "${target.pool}"; ${known.length ? `defined pools: ${known.join(', ')}` : 'the policy defines no pools'}`,
    });
    return undefined;
  }
  return { kind: 'pool', pool, label: `pool ${pool.id}` };
}

function unknownQueue(queue: string, queues: Set<string>): string {
  return `unknown queue "${queue}"; declare it under \`queues\`${queues.size ? ` (declared: ${[...queues].join(', ')})` : ''}`;
}

const SINGULAR = { languages: 'language', products: 'product', segments: 'segment' } as const;

function compileRequirements(rule: RuleDoc, layout: FieldLayout): SkillRequirement[] {
  const out: SkillRequirement[] = [];
  for (const skill of ['languages', 'products', 'segments'] as const) {
    const req = rule.require?.[skill];
    if (req === undefined) continue;
    if (typeof req === 'string') {
      out.push({ skill, value: req.trim().toLowerCase() });
    } else {
      const field = req === true ? SINGULAR[skill] : req.field;
      out.push({ skill, field, slot: layout.slotOf(field) });
    }
  }
  return out;
}

function lowerSkills(s: Skills): Skills {
  const lower = (l?: readonly string[]) => l?.map((v) => v.trim().toLowerCase());
  return {
    languages: lower(s.languages),
    products: lower(s.products),
    segments: lower(s.segments),
  };
}

function toCaps(c: { max_open?: number; max_per_day?: number; max_per_week?: number }): Caps {
  return { maxOpen: c.max_open, maxPerDay: c.max_per_day, maxPerWeek: c.max_per_week };
}

const VALUE_OPERATORS = new Set(['eq', 'ne', 'in', 'not_in']);

/**
 * Lets a policy say `country: [Germany, USA]` or `state: California` although the lead's derived
 * fields hold ISO codes: literal values of `country` and `state` clauses are normalised here, once,
 * and an unknown country is an error rather than a rule that silently never matches.
 */
function normalizeConditionValues(when: unknown, path: string, issues: PolicyIssue[]): unknown {
  if (Array.isArray(when))
    return when.map((w, i) => normalizeConditionValues(w, joinPath(path, i), issues));
  if (!when || typeof when !== 'object') return when;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(when)) {
    const p = joinPath(path, key);
    if (key === 'all' || key === 'any' || key === 'not')
      out[key] = normalizeConditionValues(value, p, issues);
    else if (key === 'country' || key === 'state')
      out[key] = normalizeClause(key, value, p, issues);
    else out[key] = value;
  }
  return out;
}

function normalizeClause(
  field: 'country' | 'state',
  value: unknown,
  path: string,
  issues: PolicyIssue[],
): unknown {
  const one = (v: unknown, p: string): unknown => {
    if (typeof v !== 'string') return v;
    if (field === 'country') {
      const iso = normalizeCountry(v);
      if (!iso)
        issues.push({
          severity: 'error',
          path: p,
          message: `unknown country "${v}"; use a name, ISO-2 or ISO-3 code`,
        });
      return iso ?? v;
    }
    // A bare state code is ambiguous without a country; `US-CA` style is taken as is, and US or
    // Canadian names and codes are recognised.
    if (/^[A-Za-z]{2}-/.test(v)) return v.toUpperCase();
    return normalizeState('US', v) ?? normalizeState('CA', v) ?? v;
  };
  if (Array.isArray(value)) return value.map((v, i) => one(v, joinPath(path, i)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [op, v] of Object.entries(value)) {
      const p = joinPath(path, op);
      out[op] = VALUE_OPERATORS.has(op)
        ? Array.isArray(v)
          ? v.map((x, i) => one(x, joinPath(p, i)))
          : one(v, p)
        : v;
    }
    return out;
  }
  return one(value, path);
}
