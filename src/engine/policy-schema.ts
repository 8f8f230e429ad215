/**
 * The policy document: the versioned routing configuration an ops admin writes in YAML or JSON.
 * Structure is validated here with zod; rule conditions (`when`) have their own grammar, parsed by
 * `parseCondition` in conditions/ so its errors can name the operator and what is allowed.
 */
import { z } from 'zod';
import { reassignOnSchema } from './reassignment/index.ts';
import { slaPolicyKeys, slaRef } from './sla/sla-schema.ts';

const id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/, {
    error: 'must start with a letter or digit and use only letters, digits, _ . : @ -',
  });

const caps = z.strictObject({
  max_open: z.number().int().min(0).optional(),
  max_per_day: z.number().int().min(0).optional(),
  max_per_week: z.number().int().min(0).optional(),
});

const skillList = z.array(z.string().min(1)).optional();
const skills = z.strictObject({ languages: skillList, products: skillList, segments: skillList });

const poolMember = z.union([
  id.describe('owner id, weight 1'),
  z.strictObject({
    owner: id,
    weight: z.number().positive().max(1000).default(1),
    skills: skills.optional(),
  }),
]);

export const STRATEGIES = ['round_robin', 'weighted', 'least_loaded', 'fair_share'] as const;
export type Strategy = (typeof STRATEGIES)[number];

const pool = z.strictObject({
  name: z.string().optional(),
  strategy: z.enum(STRATEGIES, {
    error: (iss) =>
      `unknown strategy ${JSON.stringify(iss.input)}; expected one of ${STRATEGIES.join(', ')}`,
  }),
  members: z.array(poolMember),
  /** Caps applied to every member on top of the owner's own (the smaller wins). */
  caps: caps.optional(),
  /** fair_share: the period over which shares are counted. */
  period: z.enum(['day', 'week', 'month']).default('week'),
  /** The SLA of leads this pool assigns (unless their rule names one). */
  sla: slaRef,
});

const postalRange = z
  .tuple([z.string().min(1), z.string().min(1)])
  .describe('inclusive range of postal codes of equal length, e.g. ["90000", "96199"]');

const territory = z.strictObject({
  name: z.string().optional(),
  /** Country names, ISO-2 or ISO-3 codes or common variants; normalised at compile time. */
  countries: z.array(z.string().min(1)).optional(),
  /** Region names (built-in NA, LATAM, EMEA, APAC, or the policy's own). */
  regions: z.array(z.string().min(1)).optional(),
  /** States or provinces, as `US-CA`, `CA-ON`, or a name/code when `countries` has exactly one country. */
  states: z.array(z.string().min(1)).optional(),
  postal_codes: z
    .strictObject({
      prefixes: z.array(z.string().min(1)).optional(),
      ranges: z.array(postalRange).optional(),
    })
    .optional(),
});

export const TARGET_KINDS = ['owner', 'pool', 'account_owner', 'sticky', 'queue'] as const;

/** Where a rule sends a lead. `"account_owner"` and `"sticky"` may be written as bare strings. */
const target = z.union([
  z.literal('account_owner'),
  z.literal('sticky'),
  z.strictObject({ owner: id }),
  z.strictObject({ pool: id }),
  z.strictObject({ queue: id }),
  z.strictObject({ account_owner: z.literal(true) }),
  z.strictObject({ sticky: z.literal(true) }),
]);
export type TargetDoc = z.infer<typeof target>;

export const AVAILABILITY_MODES = ['working_now', 'any_active', 'park'] as const;
export type AvailabilityMode = (typeof AVAILABILITY_MODES)[number];

/** `true` = take the value from the lead field of the singular name (`language`, `product`, `segment`). */
const skillRequirement = z.union([
  z.literal(true),
  z.string().min(1),
  z.strictObject({ field: z.string().min(1) }),
]);

const rule = z.strictObject({
  id,
  description: z.string().optional(),
  /** Condition over the lead; absent = matches every lead (a catch-all). */
  when: z.unknown().optional(),
  assign: target,
  fallback: z.array(target).default([]),
  /**
   * working_now (default): only owners active, not paused, not out of office and inside their
   * working hours. any_active: ignore working hours. park: like working_now, but when nobody is
   * available the lead waits in the queue for the first candidate to come online.
   */
  availability: z.enum(AVAILABILITY_MODES).default('working_now'),
  /** Queue a parked lead waits in; defaults to the policy's default queue. */
  park_queue: id.optional(),
  require: z
    .strictObject({
      languages: skillRequirement,
      products: skillRequirement,
      segments: skillRequirement,
    })
    .partial()
    .optional(),
  /** The SLA of leads this rule places (wins over the pool's, `sla_rules` and `default_sla`). */
  sla: slaRef,
});

const queue = z.strictObject({ name: z.string().optional(), description: z.string().optional() });

export const policySchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  /** Queue for leads no rule placed; analysis warns when it is missing. */
  default_queue: id.optional(),
  queues: z.record(id, queue).default({}),
  /** Override or add regions: region name → list of countries. */
  regions: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
  territories: z.record(id, territory).default({}),
  pools: z.record(id, pool).default({}),
  rules: z.array(rule).min(1, { error: 'a policy needs at least one rule' }),
  /** Lead fields whose change re-routes an owned lead (src/engine/reassignment). */
  reassign_on: reassignOnSchema.optional(),
  ...slaPolicyKeys,
});

export type PolicyDoc = z.infer<typeof policySchema>;
export type RuleDoc = PolicyDoc['rules'][number];
export type PoolDoc = PolicyDoc['pools'][string];
export type TerritoryDoc = PolicyDoc['territories'][string];
