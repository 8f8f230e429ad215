/**
 * A lead's timeline: decisions, touches, SLA deadlines still ahead (pending timers), warnings,
 * breaches and escalations, in time order.
 */
import type { Kysely } from 'kysely';
import { listLeadDecisions } from '../../store/leads-repo.ts';
import type { Database } from '../../store/schema.ts';
import { listEscalations, listSlaEvents, listTouches } from '../../store/sla-repo.ts';
import { listTimers } from '../../store/timers-repo.ts';
import { SLA_TIMER_KINDS, type SlaTimerPayload } from './sla-timers.ts';

/** One entry of the timeline; `at` is an ISO time, `type` says which of the others are set. */
export interface TimelineEntry {
  at: string;
  type: 'decision' | 'touch' | 'sla_deadline' | 'sla_warning' | 'sla_breach' | 'escalation';
  /** Short human text. */
  summary: string;
  sla?: string;
  clock?: string;
  step?: number;
  ownerId?: string | null;
  decisionId?: string;
  touchId?: string;
  kind?: string;
  action?: string;
  toOwnerId?: string | null;
  toQueueId?: string | null;
}

const ORDER: Record<TimelineEntry['type'], number> = {
  decision: 0,
  touch: 1,
  sla_warning: 2,
  sla_breach: 3,
  escalation: 4,
  sla_deadline: 5,
};

/** The timeline of one lead (the lead exists: the caller checked). */
export async function readTimeline(db: Kysely<Database>, leadId: string): Promise<TimelineEntry[]> {
  const [decisions, touches, timers, events, escalations] = await Promise.all([
    listLeadDecisions(db, leadId),
    listTouches(db, leadId),
    listTimers(db, { leadId }),
    listSlaEvents(db, leadId),
    listEscalations(db, leadId),
  ]);
  const out: TimelineEntry[] = [];
  for (const d of decisions)
    out.push({
      at: d.createdAt,
      type: 'decision',
      decisionId: d.id,
      kind: d.trigger,
      ownerId: d.ownerId,
      toQueueId: d.queueId,
      summary:
        d.outcome === 'assigned'
          ? `${d.trigger}: assigned to ${d.ownerId}`
          : `${d.trigger}: ${d.outcome}${d.queueId ? ` in ${d.queueId}` : ''}`,
    });
  for (const t of touches)
    out.push({
      at: t.at.toISOString(),
      type: 'touch',
      touchId: t.id,
      kind: t.kind,
      summary: `touch: ${t.kind}${t.actor ? ` by ${t.actor}` : ''}`,
    });
  for (const t of timers) {
    if (!(SLA_TIMER_KINDS as readonly string[]).includes(t.kind)) continue;
    const p = t.payload as Partial<SlaTimerPayload>;
    const what = t.kind === 'sla.warning' ? 'warning' : 'deadline';
    out.push({
      at: t.dueAt.toISOString(),
      type: 'sla_deadline',
      sla: t.sla ?? undefined,
      clock: p.clock,
      step: t.step,
      kind: what,
      ownerId: t.ownerId,
      summary: `SLA ${t.sla} ${p.clock ?? ''} ${what}${t.step ? ` (step ${t.step})` : ''}`,
    });
  }
  for (const e of events)
    out.push({
      at: e.at.toISOString(),
      type: e.kind === 'warning' ? 'sla_warning' : 'sla_breach',
      sla: e.sla,
      clock: e.clock,
      step: e.step,
      ownerId: e.ownerId,
      summary: `SLA ${e.sla} ${e.clock} ${e.kind}${e.ownerId ? ` by ${e.ownerId}` : ''} (due ${e.dueAt.toISOString()})`,
    });
  for (const e of escalations)
    out.push({
      at: e.at.toISOString(),
      type: 'escalation',
      sla: e.sla,
      clock: e.clock,
      step: e.step,
      action: e.action,
      ownerId: e.fromOwnerId,
      toOwnerId: e.toOwnerId,
      toQueueId: e.toQueueId,
      summary: `escalation step ${e.step}: ${e.action}${e.toOwnerId ? ` to ${e.toOwnerId}` : ''}${e.toQueueId ? ` to queue ${e.toQueueId}` : ''}`,
    });
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || ORDER[a.type] - ORDER[b.type]);
}
