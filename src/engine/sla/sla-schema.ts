/**
 * The SLA keys of the policy document (zod): `slas`, `calendars`, `sla_rules`, `default_sla`, and
 * the `sla` of a rule or a pool. policy-schema.ts splices them in; compile-slas.ts checks what zod
 * cannot (seconds only on the wall clock, names that must exist, one action per ladder step).
 */
import { z } from 'zod';
import { SETTABLE_LEAD_STATUSES } from '../routing-state/lead-status.ts';
import { DURATION_MESSAGE, isSlaDuration, parsePercent } from './durations.ts';

const slaId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/, {
    error: 'must start with a letter or digit and use only letters, digits, _ . : @ -',
  });

/** `30m`, `2h`, `1h30m`; `45s` on the wall clock. */
export const slaDuration = z
  .string({ error: DURATION_MESSAGE })
  .refine(isSlaDuration, { error: DURATION_MESSAGE })
  .describe('a duration: 30m, 2h, 1h30m (45s on the wall clock only)');

export const LADDER_ACTIONS = ['reassign', 'queue', 'notify', 'set_status', 'pause_owner'] as const;
export type LadderActionName = (typeof LADDER_ACTIONS)[number];

/** One step of `on_breach`: a bare action name, or an object with one action and `then_within`. */
const ladderStep = z.union(
  [
    z.enum(['reassign', 'notify', 'pause_owner'], {
      error: (iss) =>
        `unknown step ${JSON.stringify(iss.input)}; expected reassign, notify, pause_owner, {queue: ID} or {set_status: S}`,
    }),
    z.strictObject({
      reassign: z.literal(true).optional(),
      queue: slaId.optional(),
      notify: z.literal(true).optional(),
      set_status: z
        .enum(SETTABLE_LEAD_STATUSES, {
          error: (iss) =>
            `unknown status ${JSON.stringify(iss.input)}; expected one of ${SETTABLE_LEAD_STATUSES.join(', ')}`,
        })
        .optional(),
      pause_owner: z.literal(true).optional(),
      /** The next deadline, counted from this step on the SLA's clock; absent = the ladder ends. */
      then_within: slaDuration.optional(),
    }),
  ],
  {
    error: (iss) =>
      `unknown step ${JSON.stringify(iss.input)}; expected reassign, notify, pause_owner, {queue: ID}, {set_status: S}, each optionally with then_within`,
  },
);
export type LadderStepDoc = z.infer<typeof ladderStep>;

const slaClock = z.union([
  z.enum(['business', 'wall'], {
    error: (iss) =>
      `unknown clock ${JSON.stringify(iss.input)}; expected business, wall or {calendar: NAME}`,
  }),
  z.strictObject({ calendar: slaId }),
]);

export const slaSchema = z.strictObject({
  name: z.string().optional(),
  /** Created → assigned, for queued and parked leads. */
  assign_within: slaDuration.optional(),
  /** Assigned → first touch. */
  first_response_within: slaDuration.optional(),
  /** When to warn, as a share of the deadline: `75%`. */
  warn_at: z
    .string()
    .refine((s) => parsePercent(s) !== undefined, { error: 'expected a share such as 75%' })
    .optional(),
  /** business (the owner's hours; default), wall, or a named calendar. */
  clock: slaClock.default('business'),
  on_breach: z.array(ladderStep).default([]),
});
export type SlaDoc = z.infer<typeof slaSchema>;

const dayIntervals = z.array(z.string());
export const calendarSchema = z.strictObject({
  time_zone: z.string().min(1),
  /** Owners-file syntax: `mon-fri 09:00-17:30; sat 10:00-14:00`, or a map of days to intervals. */
  hours: z.union([
    z.string().min(1),
    z.strictObject({
      mon: dayIntervals.optional(),
      tue: dayIntervals.optional(),
      wed: dayIntervals.optional(),
      thu: dayIntervals.optional(),
      fri: dayIntervals.optional(),
      sat: dayIntervals.optional(),
      sun: dayIntervals.optional(),
    }),
  ]),
  holidays: z.array(z.string()).default([]),
});

/** The document-level SLA keys, spread into the policy's strict object. */
export const slaPolicyKeys = {
  /** Named service levels. */
  slas: z.record(slaId, slaSchema).default({}),
  /** Named calendars for `clock: {calendar: NAME}`. */
  calendars: z.record(slaId, calendarSchema).default({}),
  /** SLA by condition over the lead: the first whose `when` holds. */
  sla_rules: z.array(z.strictObject({ when: z.unknown(), sla: slaId })).default([]),
  /** The SLA of a lead nothing else chose one for. */
  default_sla: slaId.optional(),
};

/** The `sla` key of a rule or a pool. */
export const slaRef = slaId.optional();
