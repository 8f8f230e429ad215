/**
 * Reassignment triggers (`reassign_on`) through PATCH /v1/leads/{id}: the watched fields re-route
 * an owned lead in the patch's transaction, the current owner is kept when still acceptable, and
 * the loop guard sends a bouncing lead to the overflow queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy } from '../src/engine/index.ts';
import { parseStructuredText } from '../src/formats/common.ts';
import {
  BASIC_POLICY,
  createTestContext,
  json,
  seed,
  type TestContext,
} from './service-harness.ts';

const policy = (keep: boolean) => `${BASIC_POLICY}
reassign_on:
  fields: [country]
  keep_owner_if_eligible: ${keep}
  max_per_day: 2
  overflow_queue: triage
`;

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await seed(t.app, policy(true));
  await t.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    payload: { url: 'http://127.0.0.1:9/none', event_types: ['lead.reassigned', 'lead.queued'] },
  });
});
afterAll(async () => t?.close());

async function newLead(attributes: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/leads', payload: attributes });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return json(res) as { id: string; owner_id: string; status: string };
}
async function patch(id: string, payload: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'PATCH', url: `/v1/leads/${id}`, payload });
  expect(res.statusCode, res.body).toBe(200);
  return json(res) as { owner_id: string | null; status: string; queue_id: string | null };
}
async function decisions(id: string) {
  return json(await t.app.inject({ method: 'GET', url: `/v1/leads/${id}` })).decisions as Array<{
    trigger: string;
    owner_id: string | null;
    queue_id: string | null;
    reason: string | null;
    previous_owner_id: string | null;
  }>;
}
const eventsOf = (leadId: string) =>
  t.store.db
    .selectFrom('outbox_events')
    .select(['type', 'payload'])
    .where('lead_id', '=', leadId)
    .orderBy('seq')
    .execute();

describe('reassignment on attribute change', () => {
  it('moves nothing when a field not in reassign_on changes', async () => {
    const lead = await newLead({ email: 'a1@example.org', country: 'FR', company: 'Acme' });
    const after = await patch(lead.id, { attributes: { company: 'Other', city: 'Lyon' } });
    expect(after.owner_id).toBe(lead.owner_id);
    expect((await decisions(lead.id)).map((d) => d.trigger)).toEqual(['intake']);
    expect(await eventsOf(lead.id)).toEqual([]);
  });

  it('re-routes when a watched field changes, in the same transaction, with an event', async () => {
    const lead = await newLead({ email: 'a2@example.org', country: 'FR' });
    expect(lead.owner_id).not.toBe('dora');
    const after = await patch(lead.id, { attributes: { country: 'DE' } });
    expect(after).toMatchObject({ owner_id: 'dora', status: 'assigned' });
    const history = await decisions(lead.id);
    expect(history.at(-1)).toMatchObject({
      trigger: 'attribute_change',
      owner_id: 'dora',
      previous_owner_id: lead.owner_id,
      reason: 'country changed',
    });
    const events = await eventsOf(lead.id);
    expect(events.map((e) => e.type)).toEqual(['lead.reassigned']);
    expect(events[0]!.payload).toMatchObject({
      trigger: 'attribute_change',
      owner_id: 'dora',
      previous_owner_id: lead.owner_id,
    });
  });

  it('keeps the owner when the new routing would still accept them', async () => {
    const lead = await newLead({ email: 'a3@example.org', country: 'FR' });
    // Spain goes to the same round-robin pool, which still has the owner as a candidate.
    const after = await patch(lead.id, { attributes: { country: 'ES' } });
    expect(after.owner_id).toBe(lead.owner_id);
    expect((await decisions(lead.id)).map((d) => d.trigger)).toEqual(['intake']);
  });

  it('does not re-route a lead already contacted (default statuses: assigned)', async () => {
    const lead = await newLead({ email: 'a4@example.org', country: 'FR' });
    await patch(lead.id, { status: 'contacted' });
    const after = await patch(lead.id, { attributes: { country: 'DE' } });
    expect(after.owner_id).toBe(lead.owner_id);
    expect((await decisions(lead.id)).map((d) => d.trigger)).toEqual(['intake']);
  });

  it('holds the loop guard: past max_per_day the lead goes to the overflow queue with the reason', async () => {
    const lead = await newLead({ email: 'a5@example.org', country: 'FR' });
    expect((await patch(lead.id, { attributes: { country: 'DE' } })).owner_id).toBe('dora');
    expect((await patch(lead.id, { attributes: { country: 'FR' } })).owner_id).not.toBe('dora');
    const third = await patch(lead.id, { attributes: { country: 'DE' } });
    expect(third).toMatchObject({ status: 'queued', owner_id: null, queue_id: 'triage' });
    const last = (await decisions(lead.id)).at(-1)!;
    expect(last).toMatchObject({ trigger: 'attribute_change', queue_id: 'triage' });
    expect(last.reason).toMatch(/loop guard: 2 automatic reassignments/);
    expect((await eventsOf(lead.id)).map((e) => e.type)).toEqual([
      'lead.reassigned',
      'lead.reassigned',
      'lead.queued',
    ]);
    // Queued now: further changes move nothing.
    expect((await patch(lead.id, { attributes: { country: 'FR' } })).status).toBe('queued');
  });

  it('re-routes even to an acceptable owner when keep_owner_if_eligible is false', async () => {
    await seed(t.app, policy(false));
    const lead = await newLead({ email: 'a6@example.org', country: 'FR' });
    await patch(lead.id, { attributes: { country: 'ES' } });
    expect((await decisions(lead.id)).map((d) => d.trigger)).toEqual([
      'intake',
      'attribute_change',
    ]);
    await seed(t.app, policy(true));
  });
});

describe('reassign_on in the policy language', () => {
  const compile = (extra: string) =>
    compilePolicy(parseStructuredText(`${BASIC_POLICY}${extra}`, 'yaml', 'policy'), {
      version: 'v',
    });

  it('names the path of a bad setting', () => {
    const unknownQueue = compile('reassign_on: { fields: [country], overflow_queue: nowhere }');
    expect(unknownQueue.issues).toContainEqual(
      expect.objectContaining({ path: 'reassign_on.overflow_queue', severity: 'error' }),
    );
    const badStatus = compile('reassign_on: { fields: [country], statuses: [closed] }');
    expect(badStatus.issues[0]).toMatchObject({ path: 'reassign_on.statuses[0]' });
    const noFields = compile('reassign_on: { fields: [] }');
    expect(noFields.issues[0]).toMatchObject({ path: 'reassign_on.fields' });
  });

  it('compiles the defaults: assigned only, keep the owner, 3 a day, the default queue', () => {
    const { policy: compiled } = compile('reassign_on: { fields: [country, territory] }');
    expect(compiled?.reassignOn).toEqual({
      fields: ['country', 'territory'],
      statuses: new Set(['assigned']),
      keepOwnerIfEligible: true,
      maxPerDay: 3,
      overflowQueue: 'triage',
    });
  });
});
