/**
 * Request and response schemas of the HTTP API (zod; the OpenAPI document is generated from
 * them). Keys are snake_case, like the policy and data files. A decision's `explanation` is the
 * engine's own document, passed through whole.
 */
import { z } from 'zod';
import {
  CAP_KEYS,
  DECISION_TRIGGERS,
  DELIVERY_STATUSES,
  LEAD_STATUSES,
  SETTABLE_LEAD_STATUSES,
  SKILL_KEYS,
  WEBHOOK_EVENT_TYPES,
  WORKING_HOURS_KEYS,
  type OWNER_KEYS,
} from '../service/index.ts';
import type { RouteAccess } from './auth.ts';
import { ERROR_CODES } from './errors.ts';

// ---------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: 'Error' });

/** Error responses every route may give, for the OpenAPI document. */
export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  413: errorSchema,
  415: errorSchema,
  429: errorSchema,
  503: errorSchema,
} as const;

/** How a route may be called: a bearer token or the session cookie. */
export const SECURITY: Array<Record<string, string[]>> = [
  { bearerAuth: [] },
  { sessionCookie: [] },
];

/** A route's description with the permission it needs, so the document says who may call it. */
export function withPermission(description: string | undefined, permission: RouteAccess): string {
  const needs =
    permission === 'public'
      ? 'Public: no credential needed.'
      : permission === 'authenticated'
        ? 'Needs any valid credential.'
        : `Needs the permission \`${permission}\`.`;
  return description ? `${description}\n\n${needs}` : needs;
}

/** What a route validates, besides its response. */
export interface RouteParts {
  description?: string;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  headers?: z.ZodType;
}

/**
 * The route options of one tag's routes: `doc(summary, parts, response, status)` documents and
 * validates a route, its success response next to the error responses every route may give.
 */
export function routeDocs(tag: string) {
  return <P extends RouteParts, R extends z.ZodType, const S extends number = 200>(
    permission: RouteAccess,
    summary: string,
    parts: P,
    response: R,
    status?: S,
  ) => ({
    config: { permission },
    schema: {
      tags: [tag],
      summary,
      ...parts,
      description: withPermission(parts.description, permission),
      ...(permission !== 'public' && { security: SECURITY }),
      response: { [status ?? 200]: response, ...errorResponses } as Record<S, R> &
        typeof errorResponses,
    },
  });
}

const isoTime = z.iso.datetime({ offset: true });
const timeQuery = isoTime.describe('ISO-8601 date-time with offset, e.g. 2026-11-24T09:00:00Z');
export const limitQuery = z.coerce
  .number()
  .int()
  .min(1)
  .max(500)
  .default(50)
  .describe('items per page (1–500)');
export const cursorQuery = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe('`next_cursor` of the previous page');

export const idParams = z.object({ id: z.string().min(1).max(200) });

/** The same schema for each of `keys`: objects whose keys are listed elsewhere (the owners file). */
function fieldsOf<const K extends string, S extends z.ZodType>(
  keys: readonly K[],
  schema: S,
): Record<K, S> {
  return Object.fromEntries(keys.map((key) => [key, schema])) as Record<K, S>;
}

// ---------------------------------------------------------------------------------------------
// Leads and decisions
// ---------------------------------------------------------------------------------------------

/**
 * The limits of a lead's fields, in one table: the lead schemas and the fast check below read
 * them here, and messages quote them.
 */
export const LEAD_LIMITS = {
  /** Longest text of each well-known field. */
  fields: {
    external_id: 200,
    email: 320,
    first_name: 200,
    last_name: 200,
    company: 500,
    website: 500,
    country: 100,
    state: 100,
    postal_code: 20,
    language: 20,
    source: 200,
  },
  /** Longest text of any other attribute. */
  text: 10_000,
  /** Most strings in a list attribute, and the longest of them. */
  listItems: 200,
  listItemText: 1000,
  /** Most attributes of one lead, and the longest attribute name. */
  attributes: 200,
  attributeName: 100,
  /** Most leads in one batch. */
  batch: 1000,
} as const;

const L = LEAD_LIMITS;
const thousands = (n: number) => n.toLocaleString('en-US');

const attributeValue = z.union(
  [
    z.string().max(L.text),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.string().max(L.listItemText)).max(L.listItems),
  ],
  {
    error: `expected a string (up to ${thousands(L.text)} characters), a finite number, true, false, null or a list of up to ${L.listItems} strings`,
  },
);
const ATTRIBUTE_KEY = new RegExp(`^[A-Za-z_][A-Za-z0-9_.:-]{0,${L.attributeName - 1}}$`);

/** An optional text of at most its limit, for each well-known field. */
function knownFields<const T extends Record<string, number>>(limits: T) {
  return Object.fromEntries(
    Object.entries(limits).map(([key, max]) => [key, z.string().max(max).optional()]),
  ) as { [K in keyof T]: z.ZodOptional<z.ZodString> };
}

/** A lead as submitted: its attributes, flat; well-known ones are listed, any other is allowed. */
export const leadInputSchema = z
  .looseObject({
    ...knownFields(L.fields),
    external_id: z
      .string()
      .min(1)
      .max(L.fields.external_id)
      .optional()
      .describe('the id in the source system (CRM, form backend); also an idempotency key'),
  })
  .catchall(attributeValue)
  .superRefine(
    (lead, ctx) => {
      const keys = Object.keys(lead);
      if (keys.length > L.attributes)
        ctx.addIssue({
          code: 'custom',
          message: `too many attributes (${keys.length}); at most ${L.attributes}`,
          path: [],
        });
      for (const key of keys) {
        if (key === 'id') {
          ctx.addIssue({
            code: 'custom',
            path: ['id'],
            message:
              "lead ids are assigned by leadrouter; send the source system's id as external_id",
          });
        } else if (!ATTRIBUTE_KEY.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `attribute names start with a letter or _ and use letters, digits, _ . : - (at most ${L.attributeName})`,
          });
        }
      }
    },
    // Key names are checked even when a value is wrong too, so one response lists every problem.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .meta({
    id: 'LeadSubmission',
    description: 'A lead: attribute name → value (text, number, boolean, null or a list of text).',
  });

export const decisionSchema = z
  .object({
    id: z.string(),
    lead_id: z.string(),
    trigger: z.enum(DECISION_TRIGGERS),
    outcome: z.enum(['assigned', 'queued', 'unroutable']),
    owner_id: z.string().nullable(),
    queue_id: z.string().nullable(),
    rule_id: z.string().nullable(),
    pool_id: z.string().nullable(),
    policy_version: z.string().nullable(),
    previous_owner_id: z.string().nullable(),
    reason: z.string().nullable(),
    actor: z.string().nullable(),
    retry_at: z.string().nullable(),
    fallback_step: z.number().nullable(),
    account_id: z.string().nullable(),
    latency_ms: z
      .number()
      .nullable()
      .describe('from the request arriving to the decision being made'),
    created_at: z.string(),
    explanation: z
      .unknown()
      .describe('rules tried, candidates passed over and why, strategy figures, summary'),
  })
  .meta({ id: 'Decision' });

const leadFields = {
  id: z.string(),
  external_id: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  derived: z
    .record(z.string(), z.unknown())
    .describe('normalised fields: country, state, region, territory, email_domain, account_id…'),
  status: z.enum(LEAD_STATUSES),
  owner_id: z.string().nullable(),
  queue_id: z.string().nullable(),
  account_id: z.string().nullable(),
  retry_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  assigned_at: z.string().nullable(),
};

export const leadSchema = z.object(leadFields).meta({ id: 'Lead' });
export const leadWithDecisionSchema = z
  .object({ ...leadFields, decision: decisionSchema })
  .meta({ id: 'LeadWithDecision' });
/** One entry of a lead's timeline (decisions, touches, SLA deadlines, warnings, breaches, escalations). */
export const timelineEntrySchema = z
  .object({
    at: z.string(),
    type: z.enum(['decision', 'touch', 'sla_deadline', 'sla_warning', 'sla_breach', 'escalation']),
    summary: z.string(),
    sla: z.string().optional(),
    clock: z.string().optional(),
    step: z.number().int().optional(),
    owner_id: z.string().nullable().optional(),
    decision_id: z.string().optional(),
    touch_id: z.string().optional(),
    kind: z.string().optional(),
    action: z.string().optional(),
    to_owner_id: z.string().nullable().optional(),
    to_queue_id: z.string().nullable().optional(),
  })
  .meta({ id: 'TimelineEntry' });

export const leadWithHistorySchema = z
  .object({
    ...leadFields,
    decisions: z.array(decisionSchema),
    timeline: z.array(timelineEntrySchema),
  })
  .meta({ id: 'LeadWithHistory' });

export const touchInputSchema = z
  .strictObject({
    kind: z.enum(['call', 'email', 'meeting', 'note'], {
      error: 'expected one of call, email, meeting, note',
    }),
    at: z.iso
      .datetime({ offset: true, error: 'expected an ISO 8601 time such as 2026-03-06T16:30:00Z' })
      .optional(),
    note: z.string().max(2000).optional(),
    actor: z.string().min(1).max(200).optional(),
  })
  .meta({ id: 'NewTouch' });

export const touchSchema = z
  .object({
    id: z.string(),
    lead_id: z.string(),
    kind: z.string(),
    at: z.string(),
    actor: z.string().nullable(),
    note: z.string().nullable(),
    first: z.boolean(),
    first_response: z
      .object({
        owner_id: z.string().nullable(),
        sla: z.string().nullable(),
        assigned_at: z.string().nullable(),
        wall_ms: z.number().nullable(),
        business_ms: z.number().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'Touch' });

// Fast acceptance of well-formed leads: the common case skips zod (a measurable share of the intake
// path); anything this check does not accept goes through zod, which names every problem. It must
// accept exactly what `leadInputSchema` accepts, no more (test/api-leads.test.ts compares them).
const KNOWN_MAX: Readonly<Record<string, number>> = L.fields;

/** True when `value` is a lead `leadInputSchema` accepts unchanged. */
export function isWellFormedLead(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let count = 0;
  for (const key in value) {
    // `__proto__` as an own key (JSON.parse makes one) is dropped by zod: not "unchanged".
    if (++count > L.attributes || key === 'id' || key === '__proto__' || !ATTRIBUTE_KEY.test(key))
      return false;
    const v = (value as Record<string, unknown>)[key];
    // Own keys only: `valueOf` or `constructor` must not find Object.prototype's functions.
    const max = Object.hasOwn(KNOWN_MAX, key) ? KNOWN_MAX[key] : undefined;
    if (max !== undefined) {
      if (typeof v !== 'string' || v.length > max || (key === 'external_id' && v.length === 0))
        return false;
    } else if (typeof v === 'string') {
      if (v.length > L.text) return false;
    } else if (Array.isArray(v)) {
      if (v.length > L.listItems) return false;
      for (const x of v) if (typeof x !== 'string' || x.length > L.listItemText) return false;
    } else if (typeof v === 'number') {
      // JSON's 1e400 parses to Infinity, which the schema refuses.
      if (!Number.isFinite(v)) return false;
    } else if (v !== null && typeof v !== 'boolean') {
      return false;
    }
  }
  return Object.getPrototypeOf(value) === Object.prototype;
}

/** True when `value` is a batch `batchInputSchema` accepts unchanged. */
export function isWellFormedBatch(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const leads = (value as { leads?: unknown }).leads;
  return (
    keys.length === 1 &&
    Array.isArray(leads) &&
    leads.length >= 1 &&
    leads.length <= L.batch &&
    leads.every(isWellFormedLead)
  );
}

/** Schemas with a fast acceptance check (see app.ts's validator compiler). */
export const FAST_CHECKS = new WeakMap<object, (value: unknown) => boolean>();

export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('makes retries safe: the same key returns the same lead and decision'),
});

export const batchInputSchema = z.strictObject({
  leads: z.array(leadInputSchema).min(1).max(L.batch),
});

FAST_CHECKS.set(leadInputSchema, isWellFormedLead);
FAST_CHECKS.set(batchInputSchema, isWellFormedBatch);

export const batchResultSchema = z.object({
  created: z.number(),
  replayed: z.number(),
  failed: z.number(),
  results: z.array(
    z.object({
      index: z.number(),
      status: z.number().describe('201 routed now, 200 replayed, 409 idempotency conflict'),
      lead: leadWithDecisionSchema.optional(),
      error: errorSchema.shape.error.optional(),
    }),
  ),
});

const statusList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(LEAD_STATUSES)))
  .describe(`comma-separated statuses: ${LEAD_STATUSES.join(', ')}`);

export const leadListQuery = z.object({
  owner_id: z.string().min(1).optional(),
  status: statusList.optional(),
  queue_id: z.string().min(1).optional(),
  external_id: z.string().min(1).optional(),
  from: timeQuery.optional().describe('created at or after'),
  to: timeQuery.optional().describe('created before'),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const leadPatchSchema = z
  .strictObject({
    attributes: z
      .record(z.string().regex(ATTRIBUTE_KEY), attributeValue)
      .optional()
      .describe('attributes to set; null removes one'),
    status: z.enum(SETTABLE_LEAD_STATUSES).optional(),
    external_id: z.string().min(1).max(L.fields.external_id).nullable().optional(),
  })
  .refine(
    (p) => p.attributes !== undefined || p.status !== undefined || p.external_id !== undefined,
    {
      message: 'nothing to change: give attributes, status or external_id',
    },
  );

export const rerouteSchema = z.strictObject({
  reason: z
    .string()
    .min(1)
    .max(1000)
    .describe('why the lead is routed again (kept in the decision)'),
  actor: z.string().min(1).max(200).optional(),
});

export const assignSchema = z.strictObject({
  owner_id: z.string().min(1).max(200),
  reason: z.string().min(1).max(1000),
  actor: z.string().min(1).max(200).optional(),
});

export const leadActionResultSchema = z.object({ lead: leadSchema, decision: decisionSchema });

export const decisionListQuery = z.object({
  from: timeQuery.optional(),
  to: timeQuery.optional(),
  rule_id: z.string().min(1).optional(),
  pool_id: z.string().min(1).optional(),
  owner_id: z.string().min(1).optional(),
  outcome: z.enum(['assigned', 'queued', 'unroutable']).optional(),
  trigger: z.enum(DECISION_TRIGGERS).optional(),
  lead_id: z.string().min(1).optional(),
  policy_version: z.string().min(1).optional(),
  cursor: cursorQuery,
  limit: limitQuery,
});

/**
 * A bulk upload's body: a JSON list of `item`s (at most `max`), the same list under `key`, or a
 * file's text (the route's Content-Type names its format).
 */
export function bulkBody<const K extends string, T extends z.ZodType>(
  key: K,
  item: T,
  max: number,
  description: string,
) {
  const list = z.array(item).max(max);
  return z
    .union([list, z.strictObject({ [key]: list } as Record<K, typeof list>), z.string()])
    .describe(description);
}

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

// ---------------------------------------------------------------------------------------------
// Owners
// ---------------------------------------------------------------------------------------------

const intervals = z.array(z.union([z.string(), z.tuple([z.string(), z.string()])]));
const workingHours = z
  .looseObject({
    ...fieldsOf(WORKING_HOURS_KEYS, intervals.optional()),
    holidays: z.array(z.string()).optional(),
  })
  .describe(
    'per weekday, intervals "09:00-17:30" or ["09:00", "17:30"] in the owner\'s zone; holidays as local dates',
  );
const outOfOffice = z.object({
  from: z.string(),
  until: z.string(),
  reason: z.string().optional(),
});
const capsSchema = z.object(fieldsOf(CAP_KEYS, z.number().int().min(0).optional()));
// Inputs check only the shape: the owners-file parser checks values and reports every problem at once.
const capsInput = z.looseObject(fieldsOf(CAP_KEYS, z.number().optional()));
const skillsSchema = z.object(fieldsOf(SKILL_KEYS, z.array(z.string()).optional()));

/** The keys of the owners file (src/formats/owners.ts): every owner schema has exactly these. */
type OwnerKey = (typeof OWNER_KEYS)[number];

const ownerInputFields = {
  name: z.string().optional(),
  email: z.string().nullable().optional(),
  time_zone: z.string().describe('IANA time zone, e.g. Europe/Berlin'),
  active: z.boolean().optional(),
  paused: z.boolean().optional(),
  paused_until: z.string().nullable().optional(),
  team: z.string().nullable().optional(),
  manager: z.string().nullable().optional(),
  working_hours: workingHours.nullable().optional(),
  out_of_office: z.array(outOfOffice).optional(),
  caps: capsInput.nullable().optional(),
  skills: skillsSchema.nullable().optional(),
} satisfies Record<Exclude<OwnerKey, 'id'>, z.ZodType>;

/** Shapes are checked here; values (time zones, hours, dates) by the owners-file parser. */
export const ownerInputSchema = z
  .looseObject({ id: z.string().min(1).max(100), ...ownerInputFields })
  .meta({
    id: 'OwnerFields',
    description: 'An owner, in the shape of the owners file (examples/owners.yaml).',
  });
export const ownerPatchSchema = z
  .looseObject({ ...ownerInputFields, time_zone: ownerInputFields.time_zone.optional() })
  .meta({ id: 'OwnerPatch', description: 'Fields to change; null clears one.' });

const ownerFields = {
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  time_zone: z.string(),
  active: z.boolean(),
  paused: z.boolean(),
  paused_until: z.string().nullable(),
  team: z.string().nullable(),
  manager: z.string().nullable(),
  working_hours: z.record(z.string(), z.unknown()).nullable(),
  out_of_office: z.array(outOfOffice),
  caps: capsSchema.nullable(),
  skills: skillsSchema.nullable(),
} satisfies Record<OwnerKey, z.ZodType>;

export const ownerSchema = z
  .object({
    ...ownerFields,
    created_at: z.string(),
    updated_at: z.string(),
    load: z
      .object({
        open: z.number(),
        day: z.string(),
        day_count: z.number(),
        week: z.string(),
        week_count: z.number(),
        last_assigned_at: z.string().nullable(),
      })
      .optional(),
  })
  .meta({ id: 'Owner' });

export const ownerListQuery = z.object({
  team: z.string().min(1).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const bulkResultSchema = z.object({
  created: z.number(),
  updated: z.number(),
  count: z.number(),
});

export const pauseSchema = z.strictObject({
  until: isoTime.optional().describe('resume automatically at this time'),
  reason: z.string().max(500).optional(),
});
export const outOfOfficeSchema = z.strictObject({
  from: z.string().min(1).describe("ISO time; without an offset, in the owner's zone"),
  until: z.string().min(1),
  reason: z.string().max(500).optional(),
});
export const availabilityQuery = z.object({ at: timeQuery.optional() });
export const availabilitySchema = z.object({
  owner_id: z.string(),
  at: z.string(),
  status: z.enum([
    'available',
    'inactive',
    'paused',
    'out_of_office',
    'outside_working_hours',
    'holiday',
  ]),
  until: z.string().nullable(),
  next_available_at: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

const accountInputFields = {
  name: z.string().optional(),
  domains: z.union([z.array(z.string()), z.string()]).optional(),
  owner: z.string().nullable().optional().describe('owner id'),
  tier: z.string().nullable().optional(),
  strategic: z.boolean().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
};
export const accountInputSchema = z
  .looseObject({ id: z.string().min(1).max(200).optional(), ...accountInputFields })
  .meta({
    id: 'AccountFields',
    description: 'An account, in the shape of the accounts file; other keys become attributes.',
  });
export const accountPatchSchema = z.looseObject(accountInputFields).meta({ id: 'AccountPatch' });

export const accountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domains: z.array(z.string()),
    owner: z.string().nullable(),
    tier: z.string().nullable(),
    strategic: z.boolean(),
    attributes: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Account' });

export const accountListQuery = z.object({
  owner: z.string().min(1).optional(),
  strategic: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  q: z.string().min(1).max(200).optional().describe('part of the name'),
  cursor: cursorQuery,
  limit: limitQuery,
});

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

export const policyInputSchema = z
  .strictObject({
    source: z.string().min(1).max(2_000_000).optional().describe('the policy as YAML or JSON text'),
    format: z.enum(['yaml', 'json']).optional(),
    document: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('the policy as a JSON object (instead of source)'),
    name: z.string().max(200).nullable().optional(),
    author: z.string().max(200).nullable().optional(),
    note: z.string().max(2000).nullable().optional(),
    based_on: z.string().regex(/^\d+$/).nullable().optional(),
  })
  .meta({ id: 'PolicyDraft' });

export const policyIssueSchema = z.object({
  severity: z.enum(['error', 'warning']),
  path: z.string(),
  message: z.string(),
});
export const validationSchema = z
  .object({
    valid: z.boolean(),
    errors: z.number(),
    warnings: z.number(),
    issues: z.array(policyIssueSchema),
  })
  .meta({ id: 'PolicyValidation' });

const policyFields = {
  id: z.string(),
  status: z.enum(['draft', 'published']),
  name: z.string().nullable(),
  format: z.enum(['yaml', 'json']),
  source: z.string(),
  document: z.unknown(),
  content_hash: z.string(),
  effective_from: z.string().nullable(),
  author: z.string().nullable(),
  note: z.string().nullable(),
  based_on: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  published_at: z.string().nullable(),
};
export const policySchema = z.object(policyFields).meta({ id: 'PolicyVersion' });
export const policyWithValidationSchema = z
  .object({ ...policyFields, validation: validationSchema })
  .meta({ id: 'PolicyVersionWithValidation' });
export const policySummarySchema = z.object({
  ...policyFields,
  source: z.string().optional(),
  document: z.unknown().optional(),
});

export const policyListQuery = z.object({
  status: z.enum(['draft', 'published']).optional(),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const publishSchema = z.strictObject({
  effective_from: isoTime
    .optional()
    .describe('when the version takes effect (default now; may be in the future)'),
  author: z.string().max(200).optional(),
  note: z.string().max(2000).optional(),
});

export const atQuery = z.object({ at: timeQuery.optional() });
export const diffQuery = z.object({
  from: z.string().regex(/^\d+$/),
  to: z.string().regex(/^\d+$/),
});
export const diffSchema = z.object({
  from: z.string(),
  to: z.string(),
  changes: z.array(
    z.object({
      path: z.string(),
      change: z.enum(['added', 'removed', 'changed', 'moved']),
      before: z.unknown().optional(),
      after: z.unknown().optional(),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Webhooks (docs/lifecycle.md). URLs and event types are checked by the service, whose errors
// name `url` and `event_types[i]` with what is allowed.
// ---------------------------------------------------------------------------------------------

const webhookUrl = z.string().max(2048).describe('absolute http or https URL receiving the events');
const webhookEventTypes = z
  .array(z.string().max(100))
  .max(20)
  .describe(`event types delivered: ${WEBHOOK_EVENT_TYPES.join(', ')}, or * for all`);

export const webhookInputSchema = z
  .strictObject({
    url: webhookUrl,
    event_types: webhookEventTypes,
    description: z.string().max(1000).nullable().optional(),
    active: z.boolean().optional(),
    secret: z
      .string()
      .max(200)
      .optional()
      .describe('your own signing secret (whsec_…); omit it to have one generated'),
  })
  .meta({ id: 'NewWebhook' });

export const webhookPatchSchema = z
  .strictObject({
    url: webhookUrl.optional(),
    event_types: webhookEventTypes.optional(),
    description: z.string().max(1000).nullable().optional(),
    active: z
      .boolean()
      .optional()
      .describe('true enables the subscription again (also after it was disabled for failing)'),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'nothing to change: give url, event_types, description or active',
  })
  .meta({ id: 'WebhookChanges' });

const webhookFields = {
  id: z.string(),
  url: z.string(),
  event_types: z.array(z.string()),
  description: z.string().nullable(),
  active: z.boolean(),
  disabled_reason: z
    .string()
    .nullable()
    .describe('why it was disabled after failing persistently (null when active or paused)'),
  disabled_at: z.string().nullable(),
  failing_since: z.string().nullable().describe('no delivery succeeded since (null when healthy)'),
  created_at: z.string(),
  updated_at: z.string(),
};
export const webhookSchema = z.object(webhookFields).meta({ id: 'Webhook' });
export const webhookWithSecretSchema = z
  .object({
    ...webhookFields,
    secret: z.string().describe('the signing secret: shown only in this response'),
  })
  .meta({ id: 'WebhookWithSecret' });

export const webhookDeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string().describe('the webhook-id header of every attempt'),
    event_type: z.string(),
    lead_id: z.string().nullable(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    first_attempt_at: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    last_latency_ms: z.number().int().nullable(),
    delivered_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const webhookDeliveryListQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  cursor: cursorQuery,
  limit: limitQuery,
});

export const webhookDeliveryParams = z.object({
  id: z.string().min(1).max(200),
  delivery_id: z.string().min(1).max(200),
});

// ---------------------------------------------------------------------------------------------
// Policy governance
// ---------------------------------------------------------------------------------------------

export const rollbackSchema = z
  .strictObject({
    effective_from: isoTime.optional().describe('default now'),
    note: z.string().max(2000).optional(),
  })
  .meta({ id: 'PolicyRollback' });

export const reviewSchema = z.strictObject({ comment: z.string().max(2000).optional() });

export const reviewResultSchema = z
  .object({
    version: z.string(),
    verdict: z.string(),
    approvals: z.number().int(),
    rejections: z.number().int(),
    required: z.number().int(),
  })
  .meta({ id: 'PolicyReview' });
