import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  DATABASE_KIND,
  json,
  seed,
  type TestContext,
} from './service-harness.ts';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext({ now: Date.parse('2026-11-24T10:00:00Z') });
  await seed(t.app);
});
afterAll(async () => t?.close());

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/leads', payload: payload as object, headers });
/** Sends JSON written as text: escapes and numbers reach the server as any client's would. */
const postJsonText = (payload: string, url = '/v1/leads') =>
  t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

describe(`POST /v1/leads (${DATABASE_KIND})`, () => {
  it('stores and routes a lead and returns it with its decision and explanation', async () => {
    const res = await post({
      email: 'Jo@Example.org',
      country: 'Germany',
      company: 'Example GmbH',
    });
    expect(res.statusCode).toBe(201);
    const lead = json(res);
    expect(lead).toMatchObject({
      status: 'assigned',
      owner_id: 'dora',
      attributes: { country: 'Germany' },
      derived: { country: 'DE' },
    });
    expect(lead.decision).toMatchObject({
      trigger: 'intake',
      outcome: 'assigned',
      owner_id: 'dora',
      rule_id: 'germany',
      lead_id: lead.id,
    });
    expect(lead.decision.explanation.summary).toContain('dora');
    expect(lead.decision.latency_ms).toBeGreaterThan(0);
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('rotates round-robin exactly over the pool', async () => {
    const owners: string[] = [];
    for (let i = 0; i < 6; i++)
      owners.push(json(await post({ email: `rr${i}@example.org`, country: 'US' })).owner_id);
    expect(owners.slice(0, 3).sort()).toEqual(['ana', 'ben', 'cai']);
    expect(owners.slice(3)).toEqual(owners.slice(0, 3));
  });

  it('keeps rotation exact when 90 leads arrive at once', async () => {
    const before = await countsByOwner();
    const responses = await Promise.all(
      Array.from({ length: 90 }, (_, i) => post({ email: `burst${i}@example.org`, country: 'FR' })),
    );
    expect(responses.every((r) => r.statusCode === 201)).toBe(true);
    const after = await countsByOwner();
    for (const id of ['ana', 'ben', 'cai'])
      expect((after.get(id) ?? 0) - (before.get(id) ?? 0)).toBe(30);
  });

  it('replays the same lead and decision for a repeated Idempotency-Key and never assigns twice', async () => {
    const body = { email: 'idem@example.org', country: 'US' };
    const first = await post(body, { 'idempotency-key': 'form-123' });
    const [again, concurrent] = await Promise.all([
      post(body, { 'idempotency-key': 'form-123' }),
      post(body, { 'idempotency-key': 'form-123' }),
    ]);
    expect(first.statusCode).toBe(201);
    for (const r of [again, concurrent]) {
      expect(r.statusCode).toBe(201);
      expect(r.headers['idempotent-replayed']).toBe('true');
      expect(json(r).id).toBe(json(first).id);
      expect(json(r).decision.id).toBe(json(first).decision.id);
    }
    const history = json(await t.app.inject({ method: 'GET', url: `/v1/leads/${json(first).id}` }));
    expect(history.decisions).toHaveLength(1);
  });

  it('deduplicates concurrent first attempts with the same key: one lead, one decision', async () => {
    const body = { email: 'race@example.org', country: 'US' };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => post(body, { 'idempotency-key': 'race-1' })),
    );
    expect(new Set(results.map((r) => json(r).id)).size).toBe(1);
    expect(results.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
  });

  it('answers 409 when a key is reused with a different body', async () => {
    await post({ email: 'a@example.org' }, { 'idempotency-key': 'k-409' });
    const res = await post({ email: 'b@example.org' }, { 'idempotency-key': 'k-409' });
    expect(res.statusCode).toBe(409);
    expect(json(res).error).toMatchObject({
      code: 'idempotency_conflict',
      details: [{ path: 'Idempotency-Key' }],
    });
  });

  it('uses the external id as the idempotency key when there is no header', async () => {
    const first = await post({ external_id: 'crm-42', email: 'ext@example.org', country: 'US' });
    const again = await post({ external_id: 'crm-42', email: 'ext@example.org', country: 'US' });
    expect(json(again).id).toBe(json(first).id);
    expect(json(first).external_id).toBe('crm-42');
    const changed = await post({ external_id: 'crm-42', email: 'other@example.org' });
    expect(changed.statusCode).toBe(409);
    expect(json(changed).error.details[0].path).toBe('external_id');
  });

  it('keeps one lead per external id whatever Idempotency-Key comes with it', async () => {
    const body = { external_id: 'crm-77', email: 'one-lead@example.org', country: 'US' };
    const first = await post(body, { 'idempotency-key': 'delivery-1' });
    expect(first.statusCode).toBe(201);
    // A webhook fired again with a new delivery id: the same lead, not a second one.
    const redelivered = await post(body, { 'idempotency-key': 'delivery-2' });
    expect(redelivered.headers['idempotent-replayed']).toBe('true');
    expect(json(redelivered).id).toBe(json(first).id);
    expect(json(redelivered).decision.id).toBe(json(first).decision.id);
    expect((await post(body)).headers['idempotent-replayed']).toBe('true');
    const changed = await post(
      { ...body, email: 'other@example.org' },
      { 'idempotency-key': 'd-3' },
    );
    expect(changed.statusCode).toBe(409);
    expect(json(changed).error.details[0].path).toBe('external_id');
    // Many at once, each with its own key: still one lead, one decision.
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        post({ ...body, external_id: 'crm-78' }, { 'idempotency-key': `burst-${i}` }),
      ),
    );
    expect(new Set(burst.map((r) => json(r).id)).size).toBe(1);
    expect(burst.filter((r) => !r.headers['idempotent-replayed'])).toHaveLength(1);
    const listed = json(await t.app.inject({ method: 'GET', url: '/v1/leads?external_id=crm-78' }));
    expect(listed.items).toHaveLength(1);
    // The first request's own key still replays it.
    expect(json(await post(body, { 'idempotency-key': 'delivery-1' })).id).toBe(json(first).id);
  });

  it('names every bad field in a 400 and writes nothing', async () => {
    const before = await countLeads();
    const res = await post({ id: 'x', email: 5, 'bad key': 1, country: { nested: true } });
    expect(res.statusCode).toBe(400);
    const { error } = json(res);
    expect(error.code).toBe('validation_failed');
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'bad key',
      'country',
      'email',
      'id',
    ]);
    expect(await countLeads()).toBe(before);
  });

  it('rejects a non-JSON body with 415 and bad JSON with 400', async () => {
    const text = await t.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: 'email=a@b.c',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(415);
    expect(json(text).error.code).toBe('unsupported_media_type');
    const form = await t.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: 'email=a@b.c',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
    const bad = await postJsonText('{"email":');
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.code).toBe('invalid_json');
  });

  it('refuses text the database cannot store with a 400 naming each place, and writes nothing', async () => {
    const before = await countLeads();
    const nul = await postJsonText(
      '{"email":"nul@example.org","note":"a\\u0000b","tags":["ok","\\udc00"]}',
    );
    expect(nul.statusCode).toBe(400);
    expect(json(nul).error.code).toBe('validation_failed');
    expect(
      json(nul)
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['note', 'tags[1]']);
    const key = await postJsonText('{"email":"key@example.org","bad\\u0000key":1}');
    expect(json(key).error.details[0].path).toBe('bad\\u0000key');
    const batch = await postJsonText(
      '{"leads":[{"email":"fine@example.org"},{"company":"\\ud800 Corp"}]}',
      '/v1/leads/batch',
    );
    expect(batch.statusCode).toBe(400);
    expect(json(batch).error.details[0].path).toBe('leads[1].company');
    // An emoji is a surrogate pair, which is fine.
    expect(
      (await postJsonText('{"email":"smile@example.org","note":"\\ud83d\\ude00"}')).statusCode,
    ).toBe(201);
    const query = await t.app.inject({ method: 'GET', url: '/v1/leads?external_id=a%00b' });
    expect(query.statusCode).toBe(400);
    expect(json(query).error.details[0].path).toBe('query.external_id');
    const param = await t.app.inject({ method: 'GET', url: '/v1/owners/a%00b' });
    expect(param.statusCode).toBe(400);
    expect(json(param).error.details[0].path).toBe('params.id');
    expect(await countLeads()).toBe(before + 1);
  });

  it('refuses a number JSON cannot hold (1e400) instead of storing null', async () => {
    const res = await postJsonText('{"email":"big@example.org","employees":1e400}');
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details[0]).toEqual({
      path: 'employees',
      message: expect.stringContaining('a finite number'),
    });
  });

  it('rejects an oversized body with 413', async () => {
    const res = await post({ notes: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(json(res).error.code).toBe('payload_too_large');
  });
});

describe('POST /v1/leads/batch', () => {
  it('routes up to 1,000 leads in order and reports each', async () => {
    const leads = Array.from({ length: 30 }, (_, i) => ({
      email: `batch${i}@example.org`,
      country: i % 10 === 0 ? 'DE' : 'US',
    }));
    const res = await t.app.inject({ method: 'POST', url: '/v1/leads/batch', payload: { leads } });
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body).toMatchObject({ created: 30, replayed: 0, failed: 0 });
    expect(
      body.results.filter((r: { lead: { owner_id: string } }) => r.lead.owner_id === 'dora'),
    ).toHaveLength(3);
    const pool = body.results
      .map((r: { lead: { owner_id: string } }) => r.lead.owner_id)
      .filter((o: string) => o !== 'dora');
    const counts = pool.reduce(
      (m: Map<string, number>, o: string) => m.set(o, (m.get(o) ?? 0) + 1),
      new Map(),
    );
    expect([...counts.values()].sort()).toEqual([9, 9, 9]);
  });

  it('replays a retried batch lead by lead with its Idempotency-Key', async () => {
    const leads = [{ email: 'b1@example.org' }, { email: 'b2@example.org' }];
    const first = json(
      await t.app.inject({
        method: 'POST',
        url: '/v1/leads/batch',
        payload: { leads },
        headers: { 'idempotency-key': 'batch-7' },
      }),
    );
    const again = json(
      await t.app.inject({
        method: 'POST',
        url: '/v1/leads/batch',
        payload: { leads },
        headers: { 'idempotency-key': 'batch-7' },
      }),
    );
    expect(again).toMatchObject({ created: 0, replayed: 2 });
    expect(again.results.map((r: { lead: { id: string } }) => r.lead.id)).toEqual(
      first.results.map((r: { lead: { id: string } }) => r.lead.id),
    );
    // A single request whose own key happens to spell a batch lead's is a request of its own.
    const single = await post(
      { email: 'unrelated@example.org' },
      { 'idempotency-key': 'batch-7#0' },
    );
    expect(single.statusCode).toBe(201);
    expect(json(single).id).not.toBe(first.results[0].lead.id);
  });

  it('reports a conflicting lead in its place and stores the others', async () => {
    await post({ external_id: 'dup-1', email: 'one@example.org' });
    const res = json(
      await t.app.inject({
        method: 'POST',
        url: '/v1/leads/batch',
        payload: {
          leads: [
            { external_id: 'dup-1', email: 'changed@example.org' },
            { email: 'fine@example.org' },
          ],
        },
      }),
    );
    expect(res).toMatchObject({ created: 1, failed: 1 });
    expect(res.results[0]).toMatchObject({ status: 409, error: { code: 'idempotency_conflict' } });
    expect(res.results[1].status).toBe(201);
  });

  it('rejects the whole batch when one lead is invalid, naming it', async () => {
    const before = await countLeads();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/leads/batch',
      payload: { leads: [{ email: 'ok@example.org' }, { email: 7 }] },
    });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details[0].path).toBe('leads[1].email');
    expect(await countLeads()).toBe(before);
  });

  it('names an unknown key beside the leads and writes nothing', async () => {
    const before = await countLeads();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/leads/batch',
      payload: { leads: [{ email: 'extra@example.org' }], extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details[0].path).toBe('extra');
    expect(await countLeads()).toBe(before);
  });

  it('refuses more than 1,000 leads', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/leads/batch',
      payload: { leads: Array.from({ length: 1001 }, () => ({})) },
    });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details[0].path).toBe('leads');
  });
});

describe('reading leads', () => {
  it('returns a lead with its decision history', async () => {
    const created = json(await post({ email: 'hist@example.org', country: 'US' }));
    const res = await t.app.inject({ method: 'GET', url: `/v1/leads/${created.id}` });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ id: created.id, decisions: [{ id: created.decision.id }] });
  });

  it('answers 404 for an unknown lead', async () => {
    for (const id of ['01900000-0000-7000-8000-000000000000', 'not-a-uuid']) {
      const res = await t.app.inject({ method: 'GET', url: `/v1/leads/${id}` });
      expect(res.statusCode).toBe(404);
      expect(json(res).error.code).toBe('not_found');
    }
  });

  it('lists leads by owner and status with cursor pagination, newest first', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/leads?owner_id=ana&status=assigned&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode).toBe(200);
      const page = json(res);
      for (const lead of page.items) {
        expect(lead).toMatchObject({ owner_id: 'ana', status: 'assigned' });
        all.push(lead.id);
      }
      cursor = page.next_cursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe((await countsByOwner()).get('ana'));
  });

  it('filters leads by time range', async () => {
    t.setNow(Date.parse('2026-11-25T08:00:00Z'));
    const late = json(await post({ email: 'late@example.org' }));
    const res = json(
      await t.app.inject({ method: 'GET', url: '/v1/leads?from=2026-11-25T00:00:00Z' }),
    );
    expect(res.items.map((l: { id: string }) => l.id)).toEqual([late.id]);
    const earlier = json(
      await t.app.inject({ method: 'GET', url: '/v1/leads?to=2026-11-25T00:00:00Z&limit=500' }),
    );
    expect(earlier.items.some((l: { id: string }) => l.id === late.id)).toBe(false);
    t.setNow(Date.parse('2026-11-24T10:00:00Z'));
  });

  it('names a bad query parameter', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/leads?status=open&limit=0' });
    expect(res.statusCode).toBe(400);
    expect(
      json(res)
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['query.limit', 'query.status[0]']);
  });
});

describe('changing leads', () => {
  it('keeps external ids unique when one is changed', async () => {
    const a = json(await post({ external_id: 'pa-1', email: 'pa1@example.org' }));
    const bBody = { external_id: 'pa-2', email: 'pa2@example.org' };
    const b = json(await post(bBody));
    const patch = (externalId: string) =>
      t.app.inject({
        method: 'PATCH',
        url: `/v1/leads/${b.id}`,
        payload: { external_id: externalId },
      });
    const taken = await patch('pa-1');
    expect(taken.statusCode).toBe(409);
    expect(json(taken).error.details[0]).toMatchObject({
      path: 'external_id',
      message: expect.stringContaining(a.id),
    });
    expect(json(await t.app.inject({ method: 'GET', url: `/v1/leads/${b.id}` })).external_id).toBe(
      'pa-2',
    );
    expect(json(await patch('pa-3')).external_id).toBe('pa-3');
    // The old external id is free again; the new one names lead b.
    const again = await post(bBody);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(json(again).id).not.toBe(b.id);
    const clash = await post({ external_id: 'pa-3', email: 'pa3@example.org' });
    expect(clash.statusCode).toBe(409);
    expect(json(clash).error.details[0]).toMatchObject({ path: 'external_id' });
  });

  it('names an unknown key where it is and changes nothing', async () => {
    const lead = json(await post({ email: 'unknown-key@example.org', country: 'US' }));
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/leads/${lead.id}`,
      payload: { status: 'closed', foo: 1, bar: 2 },
    });
    expect(res.statusCode).toBe(400);
    expect(
      json(res)
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['bar', 'foo']);
    const after = json(await t.app.inject({ method: 'GET', url: `/v1/leads/${lead.id}` }));
    expect(after.status).toBe(lead.status);
  });

  it('re-derives normalised fields when attributes change', async () => {
    const lead = json(await post({ email: 'move@example.org', country: 'US' }));
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/leads/${lead.id}`,
      payload: { attributes: { country: 'Deutschland', company: null } },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({
      attributes: { country: 'Deutschland' },
      derived: { country: 'DE' },
    });
  });

  it("releases a closed lead from its owner's open load and counts it again when reopened", async () => {
    const lead = json(await post({ email: 'close@example.org', country: 'DE' }));
    const open = async () =>
      json(await t.app.inject({ method: 'GET', url: '/v1/owners/dora' })).load.open as number;
    const before = await open();
    expect(
      json(
        await t.app.inject({
          method: 'PATCH',
          url: `/v1/leads/${lead.id}`,
          payload: { status: 'disqualified' },
        }),
      ).status,
    ).toBe('disqualified');
    expect(await open()).toBe(before - 1);
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/leads/${lead.id}`,
      payload: { status: 'contacted' },
    });
    expect(await open()).toBe(before);
    await t.app.inject({
      method: 'PATCH',
      url: `/v1/leads/${lead.id}`,
      payload: { status: 'converted' },
    });
    expect(await open()).toBe(before - 1);
  });

  it('refuses an open status for a lead without owner', async () => {
    const queued = json(
      await t.app.inject({ method: 'POST', url: '/v1/owners/dora/pause', payload: {} }),
    );
    expect(queued.paused).toBe(true);
    const lead = json(await post({ email: 'q@example.org', country: 'DE' }));
    expect(lead).toMatchObject({ status: 'queued', queue_id: 'triage' });
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/leads/${lead.id}`,
      payload: { status: 'contacted' },
    });
    expect(res.statusCode).toBe(409);
    expect(json(res).error).toMatchObject({ code: 'invalid_state', details: [{ path: 'status' }] });
    await t.app.inject({ method: 'POST', url: '/v1/owners/dora/resume' });
  });

  it('routes a lead again with a reason, recorded as a decision', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/owners/dora/pause', payload: {} });
    const lead = json(await post({ email: 'later@example.org', country: 'DE' }));
    expect(lead.status).toBe('queued');
    await t.app.inject({ method: 'POST', url: '/v1/owners/dora/resume' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/route`,
      payload: { reason: 'dora is back', actor: 'ops@example.org' },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({
      lead: { status: 'assigned', owner_id: 'dora', queue_id: null },
      decision: { trigger: 'reroute', actor: 'ops@example.org' },
    });
    expect(json(res).decision.reason).toContain('dora is back');
    const history = json(
      await t.app.inject({ method: 'GET', url: `/v1/leads/${lead.id}` }),
    ).decisions;
    expect(history.map((d: { trigger: string }) => d.trigger)).toEqual(['intake', 'reroute']);
  });

  it('assigns a lead by hand, moving the open load between owners', async () => {
    const lead = json(await post({ email: 'manual@example.org', country: 'DE' }));
    const load = async (id: string) =>
      json(await t.app.inject({ method: 'GET', url: `/v1/owners/${id}` })).load?.open ?? 0;
    const [dora, ben] = [await load('dora'), await load('ben')];
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/assign`,
      payload: { owner_id: 'ben', reason: 'speaks German', actor: 'manager' },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({
      lead: { owner_id: 'ben', status: 'assigned' },
      decision: {
        trigger: 'manual',
        owner_id: 'ben',
        previous_owner_id: 'dora',
        reason: 'speaks German',
      },
    });
    expect(await load('dora')).toBe(dora - 1);
    expect(await load('ben')).toBe(ben + 1);
  });

  it("counts a manual assignment in the owner's day and week, as routing does", async () => {
    const lead = json(await post({ email: 'counted@example.org', country: 'DE' }));
    const load = async (id: string) =>
      json(await t.app.inject({ method: 'GET', url: `/v1/owners/${id}` })).load;
    const [dora, ben] = [await load('dora'), await load('ben')];
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/assign`,
      payload: { owner_id: 'ben', reason: 'asked for ben' },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res).decision.previous_owner_id).toBe('dora');
    const after = await load('ben');
    expect(after.open).toBe((ben?.open ?? 0) + 1);
    expect(after.day_count).toBe(ben?.day === after.day ? ben.day_count + 1 : 1);
    expect(after.week_count).toBe(ben?.week === after.week ? ben.week_count + 1 : 1);
    expect(after.day).toBe('2026-11-24');
    expect(after.last_assigned_at).toBe('2026-11-24T10:00:00.000Z');
    // The owner it was taken from gives back the open lead, not what it was given that day.
    expect(await load('dora')).toMatchObject({
      open: dora.open - 1,
      day_count: dora.day_count,
      week_count: dora.week_count,
    });
  });

  it('refuses a manual assignment to an unknown owner', async () => {
    const lead = json(await post({ email: 'nobody@example.org' }));
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/assign`,
      payload: { owner_id: 'ghost', reason: 'test' },
    });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details[0].path).toBe('owner_id');
  });
});

describe('GET /v1/decisions', () => {
  it('filters decisions by rule, owner and outcome', async () => {
    const byRule = json(
      await t.app.inject({
        method: 'GET',
        url: '/v1/decisions?rule_id=germany&outcome=assigned&limit=500',
      }),
    );
    expect(byRule.items.length).toBeGreaterThan(0);
    expect(
      byRule.items.every(
        (d: { rule_id: string; owner_id: string }) =>
          d.rule_id === 'germany' && d.owner_id === 'dora',
      ),
    ).toBe(true);
    const byPool = json(
      await t.app.inject({ method: 'GET', url: '/v1/decisions?pool_id=rr&owner_id=cai&limit=3' }),
    );
    expect(byPool.items).toHaveLength(3);
    expect(byPool.next_cursor).toBeTruthy();
    const next = json(
      await t.app.inject({
        method: 'GET',
        url: `/v1/decisions?pool_id=rr&owner_id=cai&limit=3&cursor=${byPool.next_cursor}`,
      }),
    );
    expect(next.items[0].created_at <= byPool.items[2].created_at).toBe(true);
    expect(next.items.map((d: { id: string }) => d.id)).not.toContain(byPool.items[2].id);
    const queued = json(await t.app.inject({ method: 'GET', url: '/v1/decisions?outcome=queued' }));
    expect(queued.items.every((d: { outcome: string }) => d.outcome === 'queued')).toBe(true);
    const future = json(
      await t.app.inject({ method: 'GET', url: '/v1/decisions?from=2030-01-01T00:00:00Z' }),
    );
    expect(future.items).toEqual([]);
  });
});

async function countLeads(): Promise<number> {
  const row = await t.store.db
    .selectFrom('leads')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function countsByOwner(): Promise<Map<string, number>> {
  const rows = await t.store.db
    .selectFrom('leads')
    .select(['owner_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('status', '=', 'assigned')
    .groupBy('owner_id')
    .execute();
  return new Map(rows.map((r) => [r.owner_id ?? '', Number(r.n)]));
}
