/**
 * Reassignment triggers (`reassign_on` in the policy): which lead fields, raw or derived, re-route
 * an owned lead when they change, in which statuses, whether the current owner is kept when the
 * new routing would still accept them, and the loop guard that stops a lead from bouncing between
 * owners. Pure: the service counts the lead's recent reassignments and routes; this decides.
 */
import { z } from 'zod';
import { joinPath, type PolicyIssue } from '../issues.ts';
import type { Decision } from '../types.ts';

/** Statuses in which a changed field may re-route a lead (it has an owner). */
export const REASSIGNABLE_STATUSES = ['assigned', 'contacted', 'qualified'] as const;

const queueId = z.string().min(1).max(100);

/** The `reassign_on` key of the policy document. */
export const reassignOnSchema = z.strictObject({
  /** Lead fields, raw (`country`, `product`…) or derived (`territory`, `segment`…). */
  fields: z.array(z.string().min(1).max(100)).min(1, { error: 'name at least one field' }),
  /** Statuses in which a change re-routes; default: assigned, not yet contacted. */
  statuses: z
    .array(
      z.enum(REASSIGNABLE_STATUSES, {
        error: (iss) =>
          `status ${JSON.stringify(iss.input)} cannot be re-routed; expected one of ${REASSIGNABLE_STATUSES.join(', ')}`,
      }),
    )
    .min(1)
    .default(['assigned']),
  /** Keep the current owner when the new routing would still accept them (default true). */
  keep_owner_if_eligible: z.boolean().default(true),
  /** Loop guard: automatic reassignments of one lead in 24 hours (default 3)… */
  max_per_day: z.number().int().min(1).max(100).default(3),
  /** …after which the lead goes to this queue (default: the policy's default queue). */
  overflow_queue: queueId.optional(),
});
export type ReassignOnDoc = z.infer<typeof reassignOnSchema>;

/** The compiled triggers. */
export interface ReassignOn {
  fields: readonly string[];
  statuses: ReadonlySet<string>;
  keepOwnerIfEligible: boolean;
  maxPerDay: number;
  overflowQueue: string;
}

/** Checks and compiles `reassign_on`; issues are named by path (`reassign_on.overflow_queue`). */
export function compileReassignOn(
  doc: ReassignOnDoc | undefined,
  queues: ReadonlySet<string>,
  defaultQueue: string | undefined,
  issues: PolicyIssue[],
): ReassignOn | undefined {
  if (!doc) return undefined;
  const path = 'reassign_on';
  const overflow = doc.overflow_queue ?? defaultQueue;
  if (overflow === undefined) {
    issues.push({
      severity: 'error',
      path: joinPath(path, 'overflow_queue'),
      message: "the loop guard needs a queue: set `overflow_queue` or the policy's `default_queue`",
    });
    return undefined;
  }
  if (!queues.has(overflow)) {
    issues.push({
      severity: 'error',
      path: joinPath(path, 'overflow_queue'),
      message: `unknown queue "${overflow}"; declare it under \`queues\``,
    });
    return undefined;
  }
  return {
    fields: [...new Set(doc.fields)],
    statuses: new Set(doc.statuses),
    keepOwnerIfEligible: doc.keep_owner_if_eligible,
    maxPerDay: doc.max_per_day,
    overflowQueue: overflow,
  };
}

/** The watched fields whose value differs between two views of a lead (attributes and derived). */
export function changedWatchedFields(
  triggers: ReassignOn,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  return triggers.fields.filter((f) => !sameValue(before[f], after[f]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null) return b === undefined || b === null;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What a lead's change calls for. */
export type ReassignmentPlan =
  | { action: 'none'; reason: string }
  | { action: 'reroute'; changed: string[] }
  | { action: 'overflow'; changed: string[]; queueId: string; reason: string };

/**
 * Whether a change of a lead's fields re-routes it: only with triggers, a watched field changed,
 * an owner and a qualifying status; past the loop guard it goes to the overflow queue instead.
 */
export function planReassignment(input: {
  triggers: ReassignOn | undefined;
  status: string;
  ownerId: string | null;
  before: Readonly<Record<string, unknown>>;
  after: Readonly<Record<string, unknown>>;
  /** Automatic reassignments of this lead in the last 24 hours. */
  recentReassignments: number;
}): ReassignmentPlan {
  const { triggers } = input;
  if (!triggers) return { action: 'none', reason: 'the policy has no reassign_on' };
  const changed = changedWatchedFields(triggers, input.before, input.after);
  if (changed.length === 0) return { action: 'none', reason: 'no watched field changed' };
  if (!input.ownerId || !triggers.statuses.has(input.status))
    return { action: 'none', reason: `status ${input.status} is not re-routed on change` };
  if (input.recentReassignments >= triggers.maxPerDay) {
    return {
      action: 'overflow',
      changed,
      queueId: triggers.overflowQueue,
      reason: `loop guard: ${input.recentReassignments} automatic reassignments in 24 h (max_per_day ${triggers.maxPerDay}); ${changed.join(', ')} changed again`,
    };
  }
  return { action: 'reroute', changed };
}

/**
 * Whether a routing decision (made with an explanation) would accept `ownerId`: they are the owner
 * chosen, or an eligible candidate of the target that assigned the lead.
 */
export function acceptsOwner(decision: Decision, ownerId: string): boolean {
  if (decision.outcome !== 'assigned') return false;
  if (decision.ownerId === ownerId) return true;
  const attempt = decision.explanation?.attempts.find((a) => a.result === 'assigned');
  return (
    attempt?.candidates?.some(
      (c) => c.ownerId === ownerId && (c.status === 'eligible' || c.status === 'chosen'),
    ) ?? false
  );
}
