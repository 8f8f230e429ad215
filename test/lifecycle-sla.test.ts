/**
 * The SLA path end to end on a real database, through the HTTP API, with the services' clock
 * moved by hand and the timer runner drained: deadlines are scheduled with the decision, warnings
 * and breaches fire once, the escalation ladder reassigns (never back to a breacher), notifies and
 * queues, a touch stops the clock, and owner changes move business-clock deadlines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobsMetrics } from '../src/jobs/metrics.ts';
import { registerSlaHandlers } from '../src/jobs/sla-handlers.ts';
import { createTimerRunner, type TimerRunner } from '../src/jobs/timer-runner.ts';
import {
  createTestContext,
  DATABASE_KIND,
  json,
  seed,
  type TestContext,
} from './service-harness.ts';

const MINUTE = 60_000;
/** Friday 2026-03-06 16:30 in Berlin. */
const FRIDAY = Date.parse('2026-03-06T15:30:00Z');

const SLA_POLICY = `
default_queue: triage
queues: { triage: {}, managers: {} }
pools:
  rr: { strategy: round_robin, members: [ana, ben, cai] }
slas:
  fast:
    first_response_within: 10m
    warn_at: 50%
    clock: wall
    on_breach:
      - { reassign: true, then_within: 5m }
      - { reassign: true, then_within: 5m }
      - { notify: true, then_within: 5m }
      - { queue: managers }
  office:
    first_response_within: 1h
    on_breach: [pause_owner]
default_sla: fast
rules:
  - id: office
    when: { segment: office }
    assign: { owner: dora }
    sla: office
  - id: everyone
    assign: { pool: rr }
`;

const OWNERS = [
  ...['ana', 'ben', 'cai'].map((id) => ({ id, time_zone: 'UTC' })),
  {
    id: 'dora',
    time_zone: 'Europe/Berlin',
    working_hours: weekdays('09:00-17:00'),
    manager: 'mia',
  },
];

function weekdays(hours: string) {
  return Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [hours]]));
}

let ctx: TestContext;
let runner: TimerRunner<unknown>;

beforeAll(async () => {
  ctx = await createTestContext({ now: FRIDAY });
  runner = createTimerRunner({
    store: ctx.services.lifecycle.timerStore(),
    now: ctx.now,
  }) as TimerRunner<unknown>;
  registerSlaHandlers(runner, ctx.services, createJobsMetrics(ctx.services.metrics.registry));
});
afterAll(async () => {
  await ctx?.close();
});

async function createLead(attributes: Record<string, unknown> = {}) {
  const res = await ctx.app.inject({ method: 'POST', url: '/v1/leads', payload: attributes });
  expect(res.statusCode).toBe(201);
  return json(res) as { id: string; owner_id: string | null; decision: { owner_id: string } };
}
async function timeline(id: string) {
  const res = await ctx.app.inject({ method: 'GET', url: `/v1/leads/${id}` });
  expect(res.statusCode).toBe(200);
  return json(res) as {
    owner_id: string | null;
    status: string;
    queue_id: string | null;
    timeline: Array<{
      type: string;
      at: string;
      kind?: string;
      action?: string;
      to_owner_id?: string;
      step?: number;
    }>;
  };
}
async function countRows(table: 'timers' | 'sla_events' | 'escalations', leadId?: string) {
  let q = ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n'));
  if (leadId) q = q.where('lead_id', '=', leadId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
async function advanceTo(ms: number) {
  ctx.setNow(ms);
  return runner.drain();
}

describe(`SLA deadlines, breaches and escalations (${DATABASE_KIND})`, () => {
  it('schedules nothing at all while the policy has no SLA', async () => {
    await seed(ctx.app, undefined, OWNERS);
    await createLead({ email: 'a@x.test' });
    expect(await countRows('timers')).toBe(0);
    await seed(ctx.app, SLA_POLICY, OWNERS);
  });

  it("schedules the warning and the deadline in the decision's transaction and shows them in the timeline", async () => {
    const lead = await createLead({ email: 'b@x.test' });
    const t = await timeline(lead.id);
    const deadlines = t.timeline.filter((e) => e.type === 'sla_deadline');
    expect(deadlines.map((e) => [e.kind, e.at])).toEqual([
      ['warning', new Date(FRIDAY + 5 * MINUTE).toISOString()],
      ['deadline', new Date(FRIDAY + 10 * MINUTE).toISOString()],
    ]);
    expect(t.timeline[0]!.type).toBe('decision');
  });

  it('walks the ladder: warning, reassign twice never back to a breacher, notify the manager, then queue', async () => {
    ctx.setNow(FRIDAY + 60 * MINUTE);
    const start = ctx.now();
    const lead = await createLead({ email: 'c@x.test' });
    const members = ['ana', 'ben', 'cai'];
    const first = lead.owner_id!;
    const i = members.indexOf(first);
    const second = members[(i + 1) % 3]!;
    const third = members[(i + 2) % 3]!;

    await advanceTo(start + 5 * MINUTE);
    expect((await timeline(lead.id)).timeline.filter((e) => e.type === 'sla_warning')).toHaveLength(
      1,
    );

    await advanceTo(start + 10 * MINUTE);
    expect((await timeline(lead.id)).owner_id).toBe(second);
    await advanceTo(start + 15 * MINUTE);
    expect((await timeline(lead.id)).owner_id).toBe(third);
    await advanceTo(start + 20 * MINUTE);
    await advanceTo(start + 25 * MINUTE);
    const t = await timeline(lead.id);
    expect(t.status).toBe('queued');
    expect(t.queue_id).toBe('managers');
    expect(
      t.timeline
        .filter((e) => e.type === 'escalation')
        .map((e) => [e.step, e.action, e.to_owner_id ?? null]),
    ).toEqual([
      [0, 'reassign', second],
      [1, 'reassign', third],
      [2, 'notify', null],
      [3, 'queue', null],
    ]);
    expect(await countRows('sla_events', lead.id)).toBe(5);
    expect(await countRows('timers', lead.id)).toBe(0);
    const events = await ctx.store.db
      .selectFrom('outbox_events')
      .select(['type', 'payload'])
      .where('lead_id', '=', lead.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      'sla.warning',
      'sla.breached',
      'lead.escalated',
      'sla.breached',
      'lead.escalated',
      'sla.breached',
      'lead.escalated',
      'sla.breached',
      'lead.escalated',
    ]);
    expect(events[6]!.payload).toMatchObject({ action: 'notify', notify: true, step: 2 });
  });

  it('fires a deadline once even when its timer is scheduled twice: the unique key holds', async () => {
    ctx.setNow(FRIDAY + 120 * MINUTE);
    const lead = await createLead({ email: 'd@x.test' });
    const [timer] = await ctx.store.db
      .selectFrom('timers')
      .selectAll()
      .where('lead_id', '=', lead.id)
      .where('kind', '=', 'sla.breach')
      .execute();
    await ctx.store.db
      .insertInto('timers')
      .values({
        kind: timer!.kind,
        lead_id: lead.id,
        owner_id: timer!.owner_id,
        sla: timer!.sla,
        step: 0,
        due_at: timer!.due_at,
        payload: JSON.stringify(timer!.payload),
      })
      .execute();
    await advanceTo(FRIDAY + 130 * MINUTE);
    expect(await countRows('escalations', lead.id)).toBe(1);
    const breaches = await ctx.store.db
      .selectFrom('sla_events')
      .select('id')
      .where('lead_id', '=', lead.id)
      .where('kind', '=', 'breach')
      .execute();
    expect(breaches).toHaveLength(1);
  });
});

describe(`touches and the first-response clock (${DATABASE_KIND})`, () => {
  it('stops the clock at the first touch and keeps its wall and business durations', async () => {
    ctx.setNow(FRIDAY + 200 * MINUTE);
    const lead = await createLead({ email: 'e@x.test' });
    ctx.setNow(FRIDAY + 203 * MINUTE);
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/touches`,
      payload: { kind: 'call', note: 'left a voicemail' },
    });
    expect(res.statusCode).toBe(201);
    expect(json(res)).toMatchObject({
      kind: 'call',
      first: true,
      first_response: { sla: 'fast', wall_ms: 3 * MINUTE, business_ms: 3 * MINUTE },
    });
    expect(await countRows('timers', lead.id)).toBe(0);
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/touches`,
      payload: { kind: 'email' },
    });
    expect(json(again)).toMatchObject({ first: false, first_response: null });
    const kinds = (await timeline(lead.id)).timeline.map((e) => e.type);
    expect(kinds).toEqual(['decision', 'touch', 'touch']);
  });

  it('measures business time on the owner’s clock: Friday 16:30 + 1 h is Monday 09:30', async () => {
    ctx.setNow(FRIDAY);
    const lead = await createLead({ email: 'f@x.test', segment: 'office' });
    expect(lead.owner_id).toBe('dora');
    const deadline = (await timeline(lead.id)).timeline.find((e) => e.type === 'sla_deadline');
    expect(deadline?.at).toBe('2026-03-09T08:30:00.000Z');
    // Dora starts at 08:00 from now on: the open deadline moves to Monday 08:30 Berlin.
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: '/v1/owners/dora',
      payload: { working_hours: weekdays('08:00-17:00') },
    });
    expect(res.statusCode).toBe(200);
    const moved = (await timeline(lead.id)).timeline.find((e) => e.type === 'sla_deadline');
    expect(moved?.at).toBe('2026-03-09T07:30:00.000Z');
    // Touched Monday 08:15 Berlin: 30 min of business time, almost three days of wall time.
    ctx.setNow(Date.parse('2026-03-09T07:15:00Z'));
    const touch = await ctx.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/touches`,
      payload: { kind: 'meeting' },
    });
    expect(json(touch).first_response).toMatchObject({
      sla: 'office',
      business_ms: 45 * MINUTE,
      wall_ms: Date.parse('2026-03-09T07:15:00Z') - FRIDAY,
    });
  });

  it('pauses the breaching owner when the ladder says pause_owner', async () => {
    ctx.setNow(Date.parse('2026-03-10T09:00:00Z'));
    const lead = await createLead({ email: 'g@x.test', segment: 'office' });
    await advanceTo(Date.parse('2026-03-10T10:00:00Z'));
    const owner = json(await ctx.app.inject({ method: 'GET', url: '/v1/owners/dora' }));
    expect(owner.paused).toBe(true);
    expect(
      (await timeline(lead.id)).timeline
        .filter((e) => e.type === 'escalation')
        .map((e) => e.action),
    ).toEqual(['pause_owner']);
    await ctx.app.inject({ method: 'POST', url: '/v1/owners/dora/resume' });
  });

  it('counts a status change to contacted as a touch', async () => {
    ctx.setNow(FRIDAY + 300 * MINUTE);
    const lead = await createLead({ email: 'h@x.test' });
    ctx.setNow(FRIDAY + 301 * MINUTE);
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: `/v1/leads/${lead.id}`,
      payload: { status: 'contacted' },
    });
    expect(res.statusCode).toBe(200);
    expect(await countRows('timers', lead.id)).toBe(0);
    expect((await timeline(lead.id)).timeline.map((e) => [e.type, e.kind])).toContainEqual([
      'touch',
      'status',
    ]);
  });

  it('refuses a touch dated in the future or before the assignment, naming `at`, and changes nothing', async () => {
    ctx.setNow(FRIDAY + 400 * MINUTE);
    const lead = await createLead({ email: 'i@x.test' });
    for (const at of [new Date(FRIDAY + 401 * MINUTE), new Date(FRIDAY + 399 * MINUTE)]) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/v1/leads/${lead.id}/touches`,
        payload: { kind: 'call', at: at.toISOString() },
      });
      expect(res.statusCode).toBe(400);
      expect(json(res).error.details).toEqual([expect.objectContaining({ path: 'at' })]);
    }
    const bad = await ctx.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/touches`,
      payload: { kind: 'fax' },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(json(bad).error.details)).toContain('kind');
    expect(await countRows('timers', lead.id)).toBe(2);
  });

  it('answers 404 for a touch on an unknown lead', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/leads/0190f0e0-0000-7000-8000-000000000000/touches',
      payload: { kind: 'call' },
    });
    expect(res.statusCode).toBe(404);
  });
});
