/**
 * SLA deadlines as durable timers: what a decision schedules (in its own transaction), and how an
 * owner's changed hours move the deadlines that count their working time.
 *
 * A timer's payload keeps the start of the count and the clock time it allows, so that a deadline
 * on the business clock can be computed again from the owner's new calendar.
 */
import {
  planClock,
  slaDeadline,
  type CompiledPolicy,
  type CompiledSla,
  type Decision,
  type Directory,
  type Owner,
  type PlannedDeadline,
  type SlaClockName,
} from '../../engine/index.ts';
import {
  moveOwnerTimers,
  scheduleTimers,
  type NewTimer,
  type StoredTimer,
} from '../../store/timers-repo.ts';
import type { LifecycleDb } from '../../store/schema-lifecycle.ts';

/** Timer kinds of the SLA path. */
export const SLA_WARNING = 'sla.warning';
export const SLA_BREACH = 'sla.breach';
export const SLA_TIMER_KINDS = [SLA_WARNING, SLA_BREACH] as const;

/** What an SLA timer carries. */
export interface SlaTimerPayload {
  clock: SlaClockName;
  /** The SLA's clock kind when scheduled: only `business` deadlines follow the owner's hours. */
  clockKind: 'wall' | 'business' | 'calendar';
  /** Start of the count (epoch ms) and the clock time allowed from there. */
  start: number;
  ms: number;
}

/** Timers of planned deadlines of one lead. */
export function timersOfPlan(
  sla: CompiledSla,
  plan: readonly PlannedDeadline[],
  leadId: string,
  ownerId: string | undefined,
): NewTimer[] {
  return plan.map((d) => ({
    kind: d.kind === 'warning' ? SLA_WARNING : SLA_BREACH,
    dueAt: new Date(d.dueAt),
    leadId,
    ownerId: ownerId ?? null,
    sla: sla.id,
    step: d.step,
    payload: {
      clock: d.clock,
      clockKind: sla.clock.kind,
      start: d.start,
      ms: d.ms,
    } satisfies SlaTimerPayload,
  }));
}

/**
 * The SLA timers a decision starts at `start`: first response for an assigned lead (on its
 * owner's calendar), assign-within for a queued one; none without an SLA.
 */
export function slaTimersOf(
  policy: CompiledPolicy,
  directory: Directory,
  leadId: string,
  decision: Decision,
  start: number,
  slaId: string | undefined = decision.slaId,
): NewTimer[] {
  if (!policy.slas || slaId === undefined) return [];
  const sla = policy.slas.slas.get(slaId);
  if (!sla) return [];
  if (decision.outcome === 'assigned' && decision.ownerId !== undefined) {
    const owner = directory.owners.get(decision.ownerId);
    return timersOfPlan(
      sla,
      planClock(sla, 'first_response', owner, start),
      leadId,
      decision.ownerId,
    );
  }
  if (decision.outcome === 'queued')
    return timersOfPlan(sla, planClock(sla, 'assign', undefined, start), leadId, undefined);
  return [];
}

const CHUNK = 1000;

/**
 * Writes timers in the caller's transaction, one multi-row statement per thousand; returns the
 * earliest due time (to wake the runner) or undefined when there was none.
 */
export async function writeSlaTimers(
  tx: LifecycleDb,
  timers: readonly NewTimer[],
): Promise<number | undefined> {
  if (timers.length === 0) return undefined;
  let earliest = Infinity;
  for (const t of timers) earliest = Math.min(earliest, t.dueAt.getTime());
  for (let i = 0; i < timers.length; i += CHUNK)
    await scheduleTimers(tx, timers.length <= CHUNK ? timers : timers.slice(i, i + CHUNK));
  return earliest;
}

/**
 * An owner's working hours, holidays or out-of-office changed: their open business-clock
 * deadlines are computed again from the new calendar, in the caller's transaction. Deadlines on
 * the wall clock or a named calendar do not move.
 */
export async function moveOwnerDeadlines(
  tx: LifecycleDb,
  owner: Owner,
): Promise<{ moved: number; cancelled: number }> {
  return moveOwnerTimers(
    tx,
    owner.id,
    (timer: StoredTimer) => {
      const p = timer.payload as Partial<SlaTimerPayload>;
      if (p.clockKind !== 'business' || typeof p.start !== 'number' || typeof p.ms !== 'number')
        return timer.dueAt;
      return new Date(slaDeadline({ kind: 'business' }, owner, p.start, p.ms));
    },
    { kinds: SLA_TIMER_KINDS },
  );
}

/**
 * Owners were saved (their hours, holidays or out-of-office may have changed): the deadlines of
 * those who hold open SLA timers are computed again, in the caller's transaction. One query when
 * none of them holds any.
 */
export async function moveDeadlinesOf(tx: LifecycleDb, owners: readonly Owner[]): Promise<number> {
  if (owners.length === 0) return 0;
  const held = await tx
    .selectFrom('timers')
    .select('owner_id')
    .distinct()
    .where(
      'owner_id',
      'in',
      owners.map((o) => o.id),
    )
    .where('kind', 'in', SLA_TIMER_KINDS)
    .execute();
  if (held.length === 0) return 0;
  const byId = new Map(owners.map((o) => [o.id, o]));
  let moved = 0;
  for (const { owner_id } of held) {
    const owner = byId.get(owner_id!);
    if (owner) moved += (await moveOwnerDeadlines(tx, owner)).moved;
  }
  return moved;
}
