/**
 * SLA records of a lead: warnings and breaches (sla_events), escalation steps (escalations),
 * touches and the first touch. The unique keys of sla_events and escalations are what make an
 * SLA timer take effect once: a second insert of the same deadline inserts nothing.
 */
import { sql } from 'kysely';
import type { LifecycleDb, SlaClock, SlaEventKind, TouchKind } from './schema-lifecycle.ts';

export interface SlaEventRecord {
  leadId: string;
  sla: string;
  clock: SlaClock;
  kind: SlaEventKind;
  step: number;
  ownerId: string | null;
  dueAt: Date;
  at: Date;
}

export interface EscalationRecord {
  leadId: string;
  sla: string;
  clock: SlaClock;
  step: number;
  action: string;
  fromOwnerId: string | null;
  toOwnerId: string | null;
  toQueueId: string | null;
  detail: unknown;
  at: Date;
}

export interface TouchRecord {
  id: string;
  leadId: string;
  kind: TouchKind;
  at: Date;
  actor: string | null;
  note: string | null;
}

export interface FirstTouchRecord {
  leadId: string;
  touchId: string;
  ownerId: string | null;
  sla: string | null;
  assignedAt: Date | null;
  at: Date;
  wallMs: number | null;
  businessMs: number | null;
}

/** Records a warning or breach; false when that deadline was already recorded (it took effect). */
export async function insertSlaEvent(db: LifecycleDb, e: SlaEventRecord): Promise<boolean> {
  const row = await db
    .insertInto('sla_events')
    .values({
      lead_id: e.leadId,
      sla: e.sla,
      clock: e.clock,
      kind: e.kind,
      step: e.step,
      owner_id: e.ownerId,
      due_at: e.dueAt,
      at: e.at,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Records an escalation step; false when that step was already taken. */
export async function insertEscalation(db: LifecycleDb, e: EscalationRecord): Promise<boolean> {
  const row = await db
    .insertInto('escalations')
    .values({
      lead_id: e.leadId,
      sla: e.sla,
      clock: e.clock,
      step: e.step,
      action: e.action,
      from_owner_id: e.fromOwnerId,
      to_owner_id: e.toOwnerId,
      to_queue_id: e.toQueueId,
      detail: e.detail === undefined ? null : JSON.stringify(e.detail),
      at: e.at,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Owners who breached an SLA on this lead (never reassigned to again). */
export async function listBreachers(db: LifecycleDb, leadId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('sla_events')
    .select('owner_id')
    .where('lead_id', '=', leadId)
    .where('kind', '=', 'breach')
    .where('owner_id', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.owner_id!));
}

export async function listSlaEvents(db: LifecycleDb, leadId: string): Promise<SlaEventRecord[]> {
  const rows = await db
    .selectFrom('sla_events')
    .selectAll()
    .where('lead_id', '=', leadId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    leadId: r.lead_id,
    sla: r.sla,
    clock: r.clock,
    kind: r.kind,
    step: r.step,
    ownerId: r.owner_id,
    dueAt: r.due_at,
    at: r.at,
  }));
}

export async function listEscalations(
  db: LifecycleDb,
  leadId: string,
): Promise<EscalationRecord[]> {
  const rows = await db
    .selectFrom('escalations')
    .selectAll()
    .where('lead_id', '=', leadId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    leadId: r.lead_id,
    sla: r.sla,
    clock: r.clock,
    step: r.step,
    action: r.action,
    fromOwnerId: r.from_owner_id,
    toOwnerId: r.to_owner_id,
    toQueueId: r.to_queue_id,
    detail: r.detail,
    at: r.at,
  }));
}

export async function insertTouch(db: LifecycleDb, t: TouchRecord): Promise<void> {
  await db
    .insertInto('touches')
    .values({ id: t.id, lead_id: t.leadId, kind: t.kind, at: t.at, actor: t.actor, note: t.note })
    .execute();
}

/** Keeps the first touch; false when the lead already had one. */
export async function insertFirstTouch(db: LifecycleDb, f: FirstTouchRecord): Promise<boolean> {
  const row = await db
    .insertInto('first_touches')
    .values({
      lead_id: f.leadId,
      touch_id: f.touchId,
      owner_id: f.ownerId,
      sla: f.sla,
      assigned_at: f.assignedAt,
      at: f.at,
      wall_ms: f.wallMs,
      business_ms: f.businessMs,
    })
    .onConflict((oc) => oc.column('lead_id').doNothing())
    .returning('lead_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function listTouches(db: LifecycleDb, leadId: string): Promise<TouchRecord[]> {
  const rows = await db
    .selectFrom('touches')
    .selectAll()
    .where('lead_id', '=', leadId)
    .orderBy('at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    leadId: r.lead_id,
    kind: r.kind,
    at: r.at,
    actor: r.actor,
    note: r.note,
  }));
}

export async function findFirstTouch(
  db: LifecycleDb,
  leadId: string,
): Promise<FirstTouchRecord | undefined> {
  const r = await db
    .selectFrom('first_touches')
    .selectAll()
    .where('lead_id', '=', leadId)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    leadId: r.lead_id,
    touchId: r.touch_id,
    ownerId: r.owner_id,
    sla: r.sla,
    assignedAt: r.assigned_at,
    at: r.at,
    wallMs: r.wall_ms === null ? null : Number(r.wall_ms),
    businessMs: r.business_ms === null ? null : Number(r.business_ms),
  };
}

/**
 * Deletes a lead's SLA timers (of one clock, or all) and returns the SLA ids they ran on, so that a
 * reassignment can start the same SLA again.
 */
export async function cancelSlaTimers(
  db: LifecycleDb,
  leadId: string,
  clock?: SlaClock,
): Promise<string[]> {
  let query = db
    .deleteFrom('timers')
    .where('lead_id', '=', leadId)
    .where('kind', 'in', ['sla.warning', 'sla.breach']);
  if (clock !== undefined) query = query.where(sql<string>`payload->>'clock'`, '=', clock);
  const rows = await query.returning('sla').execute();
  return [...new Set(rows.map((r) => r.sla).filter((s): s is string => s !== null))];
}

/** The SLA a lead ran on most recently (its timers, else its SLA events), if any. */
export async function findLeadSla(db: LifecycleDb, leadId: string): Promise<string | undefined> {
  const timer = await db
    .selectFrom('timers')
    .select('sla')
    .where('lead_id', '=', leadId)
    .where('sla', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (timer?.sla) return timer.sla;
  const event = await db
    .selectFrom('sla_events')
    .select('sla')
    .where('lead_id', '=', leadId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return event?.sla;
}
