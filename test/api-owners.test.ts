import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  DATABASE_KIND,
  json,
  seed,
  type TestContext,
} from './service-harness.ts';

let t: TestContext;
const T0 = Date.parse('2026-11-24T10:00:00Z'); // a Tuesday

beforeAll(async () => {
  t = await createTestContext({ now: T0 });
  await seed(t.app);
});
afterAll(async () => t?.close());

describe(`owners (${DATABASE_KIND})`, () => {
  it('creates an owner in the owners-file shape and reads it back', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/owners',
      payload: {
        id: 'emma',
        name: 'Emma Berg',
        email: 'emma@example.com',
        time_zone: 'Europe/Berlin',
        team: 'emea',
        working_hours: { mon: ['09:00-17:00'], tue: ['09:00-17:00'], holidays: ['2026-12-24'] },
        caps: { max_open: 20, max_per_day: 5 },
        skills: { languages: ['DE', 'en'] },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(json(res)).toMatchObject({
      id: 'emma',
      time_zone: 'Europe/Berlin',
      active: true,
      paused: false,
      caps: { max_open: 20, max_per_day: 5 },
      skills: { languages: ['de', 'en'] },
      working_hours: { mon: [['09:00', '17:00']], holidays: ['2026-12-24'] },
    });
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/owners/emma' })).name).toBe(
      'Emma Berg',
    );
  });

  it('refuses a duplicate id with 409', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/owners',
      payload: { id: 'ana', time_zone: 'UTC' },
    });
    expect(res.statusCode).toBe(409);
    expect(json(res).error.code).toBe('conflict');
  });

  it('names each bad field of an owner', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/owners',
      payload: {
        id: 'bad',
        time_zone: 'Mars/Olympus',
        working_hours: { mon: ['25:00-26:00'] },
        caps: { max_open: -1 },
      },
    });
    expect(res.statusCode).toBe(400);
    const paths = json(res).error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['time_zone', 'caps.max_open']));
    expect(paths.some((p: string) => p.startsWith('working_hours'))).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: '/v1/owners/bad' })).statusCode).toBe(404);
  });

  it('updates availability: pause until a time, resume, out of office, caps, inactive', async () => {
    const paused = json(
      await t.app.inject({
        method: 'POST',
        url: '/v1/owners/ana/pause',
        payload: { until: '2026-11-24T12:00:00Z' },
      }),
    );
    expect(paused).toMatchObject({ paused: true, paused_until: '2026-11-24T12:00:00.000Z' });
    const past = await t.app.inject({
      method: 'POST',
      url: '/v1/owners/ben/pause',
      payload: { until: '2020-01-01T00:00:00Z' },
    });
    expect(past.statusCode).toBe(400);
    expect(json(past).error.details[0].path).toBe('until');
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/owners/ben' })).paused).toBe(false);
    const check = json(await t.app.inject({ method: 'GET', url: '/v1/owners/ana/availability' }));
    expect(check).toMatchObject({
      status: 'paused',
      until: '2026-11-24T12:00:00.000Z',
      next_available_at: '2026-11-24T12:00:00.000Z',
    });
    expect(
      json(await t.app.inject({ method: 'POST', url: '/v1/owners/ana/resume' })),
    ).toMatchObject({ paused: false, paused_until: null });

    const away = json(
      await t.app.inject({
        method: 'POST',
        url: '/v1/owners/ana/out-of-office',
        payload: { from: '2026-11-24T09:00:00Z', until: '2026-11-25T00:00:00Z', reason: 'offsite' },
      }),
    );
    expect(away.out_of_office).toEqual([
      { from: '2026-11-24T09:00:00.000Z', until: '2026-11-25T00:00:00.000Z', reason: 'offsite' },
    ]);
    expect(
      json(await t.app.inject({ method: 'GET', url: '/v1/owners/ana/availability' })).status,
    ).toBe('out_of_office');
    expect(
      json(
        await t.app.inject({
          method: 'GET',
          url: '/v1/owners/ana/availability?at=2026-11-25T01:00:00Z',
        }),
      ).status,
    ).toBe('available');

    const patched = json(
      await t.app.inject({
        method: 'PATCH',
        url: '/v1/owners/ana',
        payload: { out_of_office: [], caps: { max_open: 3 }, active: false },
      }),
    );
    expect(patched).toMatchObject({ out_of_office: [], caps: { max_open: 3 }, active: false });
    expect(
      json(await t.app.inject({ method: 'GET', url: '/v1/owners/ana/availability' })).status,
    ).toBe('inactive');
    await t.app.inject({
      method: 'PATCH',
      url: '/v1/owners/ana',
      payload: { active: true, caps: null },
    });
  });

  it('routes around an owner who is out of office, and back once they return', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v1/owners/ben/out-of-office',
      payload: { from: '2026-11-24T00:00:00Z', until: '2026-11-24T14:00:00Z' },
    });
    const owners = [];
    for (let i = 0; i < 4; i++)
      owners.push(
        json(await t.app.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'US' } }))
          .owner_id,
      );
    expect(owners).not.toContain('ben');
    const lead = json(
      await t.app.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'US' } }),
    );
    const ben = lead.decision.explanation.attempts[0].candidates.find(
      (c: { ownerId: string }) => c.ownerId === 'ben',
    );
    expect(ben).toMatchObject({
      status: 'out_of_office',
      until: Date.parse('2026-11-24T14:00:00Z'),
    });
    t.setNow(Date.parse('2026-11-24T14:00:00Z'));
    const later = [];
    for (let i = 0; i < 3; i++)
      later.push(
        json(await t.app.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'US' } }))
          .owner_id,
      );
    expect(later).toContain('ben');
    t.setNow(T0);
  });

  it("never exceeds an owner's cap of open leads", async () => {
    await t.app.inject({
      method: 'PATCH',
      url: '/v1/owners/dora',
      payload: { caps: { max_open: 2 } },
    });
    const open =
      json(await t.app.inject({ method: 'GET', url: '/v1/owners/dora' })).load?.open ?? 0;
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.app.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'DE' } }),
      ),
    );
    const toDora = results.filter((r) => json(r).owner_id === 'dora').length;
    expect(toDora).toBe(Math.max(0, 2 - open));
    expect(
      json(await t.app.inject({ method: 'GET', url: '/v1/owners/dora' })).load.open,
    ).toBeLessThanOrEqual(2);
    const queued = results.map(json).filter((l) => l.status === 'queued');
    expect(queued.length).toBe(6 - toDora);
    await t.app.inject({ method: 'PATCH', url: '/v1/owners/dora', payload: { caps: null } });
  });

  it('upserts owners in bulk from JSON, YAML and CSV, all or nothing', async () => {
    const json1 = await t.app.inject({
      method: 'POST',
      url: '/v1/owners/bulk',
      payload: [
        { id: 'fay', time_zone: 'UTC' },
        { id: 'ana', time_zone: 'UTC', name: 'Ana R.' },
      ],
    });
    expect(json(json1)).toEqual({ created: 1, updated: 1, count: 2 });
    const yaml = await t.app.inject({
      method: 'POST',
      url: '/v1/owners/bulk',
      payload: 'owners:\n  - id: gus\n    time_zone: America/Chicago\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(json(yaml)).toEqual({ created: 1, updated: 0, count: 1 });
    const csv = await t.app.inject({
      method: 'POST',
      url: '/v1/owners/bulk',
      payload: 'id,name,time_zone,languages,max_open\nhal,Hal,Asia/Tokyo,ja;en,10\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(json(csv)).toEqual({ created: 1, updated: 0, count: 1 });
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/owners/hal' }))).toMatchObject({
      skills: { languages: ['ja', 'en'] },
      caps: { max_open: 10 },
    });

    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/owners/bulk',
      payload: {
        owners: [
          { id: 'ivy', time_zone: 'UTC' },
          { id: 'jon', time_zone: 'Nowhere/City' },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.details[0].path).toBe('owners[1].time_zone');
    expect((await t.app.inject({ method: 'GET', url: '/v1/owners/ivy' })).statusCode).toBe(404);
  });

  it('lists owners with a cursor and filters by team', async () => {
    const first = json(await t.app.inject({ method: 'GET', url: '/v1/owners?limit=3' }));
    expect(first.items.map((o: { id: string }) => o.id)).toEqual(['ana', 'ben', 'cai']);
    const second = json(
      await t.app.inject({ method: 'GET', url: `/v1/owners?limit=3&cursor=${first.next_cursor}` }),
    );
    expect(second.items[0].id).toBe('dora');
    expect(
      json(await t.app.inject({ method: 'GET', url: '/v1/owners?team=emea' })).items.map(
        (o: { id: string }) => o.id,
      ),
    ).toEqual(['emma']);
  });

  it('answers 404 for an unknown owner', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/owners/nobody' })).statusCode).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'PATCH',
          url: '/v1/owners/nobody',
          payload: { active: false },
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe(`accounts (${DATABASE_KIND})`, () => {
  it('creates, reads and updates an account; attributes merge', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: {
        id: 'globex',
        name: 'Globex',
        domains: ['globex.com'],
        owner: 'cai',
        tier: 'enterprise',
        strategic: true,
        attributes: { sector: 'energy' },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(json(res)).toMatchObject({
      id: 'globex',
      domains: ['globex.com'],
      owner: 'cai',
      strategic: true,
      attributes: { sector: 'energy' },
    });
    const patched = json(
      await t.app.inject({
        method: 'PATCH',
        url: '/v1/accounts/globex',
        payload: { tier: 'smb', attributes: { employees: 40, sector: null } },
      }),
    );
    expect(patched).toMatchObject({ tier: 'smb', attributes: { employees: 40 } });
    expect(patched.attributes.sector).toBeUndefined();
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/accounts',
          payload: { id: 'globex', name: 'Again' },
        })
      ).statusCode,
    ).toBe(409);
  });

  it('upserts accounts from CSV and from JSON, and leads match them at once', async () => {
    const csv =
      'id,name,domains,owner,tier,strategic,sector\ninitech,Initech,initech.com,ben,smb,false,software\numbrella,Umbrella,umbrella.com;umbrella.co.uk,ana,enterprise,true,pharma\n';
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts/bulk',
      payload: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(json(res)).toEqual({ created: 2, updated: 0, count: 2 });
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts/bulk',
      payload: { accounts: [{ id: 'initech', name: 'Initech Inc', domains: 'initech.com' }] },
    });
    expect(json(again)).toEqual({ created: 0, updated: 1, count: 1 });
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/accounts/umbrella' }))).toMatchObject(
      { strategic: true, attributes: { sector: 'pharma' } },
    );
    const list = json(await t.app.inject({ method: 'GET', url: '/v1/accounts?strategic=true' }));
    expect(list.items.map((a: { id: string }) => a.id).sort()).toEqual(['globex', 'umbrella']);
    const policy =
      'default_queue: triage\nrules:\n  - id: strategic\n    when: { account.strategic: true }\n    assign: account_owner\n  - id: rest\n    assign: { queue: triage }\n';
    const draft = json(
      await t.app.inject({ method: 'POST', url: '/v1/policies', payload: { source: policy } }),
    );
    await t.app.inject({ method: 'POST', url: `/v1/policies/${draft.id}/publish`, payload: {} });
    const lead = json(
      await t.app.inject({
        method: 'POST',
        url: '/v1/leads',
        payload: { email: 'x@umbrella.co.uk' },
      }),
    );
    expect(lead).toMatchObject({
      owner_id: 'ana',
      account_id: 'umbrella',
      decision: { rule_id: 'strategic' },
    });
    // A lead's account follows its attributes when they change, without routing it again.
    const patch = (email: string) =>
      t.app.inject({
        method: 'PATCH',
        url: `/v1/leads/${lead.id}`,
        payload: { attributes: { email } },
      });
    expect(json(await patch('x@initech.com'))).toMatchObject({
      account_id: 'initech',
      derived: { account_id: 'initech' },
      owner_id: 'ana',
    });
    expect(json(await patch('x@nowhere.example'))).toMatchObject({ account_id: null });
  });

  it('names the bad field of a JSON bulk upload, list or object, and writes nothing', async () => {
    const accounts = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts/bulk',
      payload: [
        { id: 'list-ok', name: 'List OK' },
        { id: 'list-bad', name: 'List Bad', strategic: 'maybe' },
      ],
    });
    expect(accounts.statusCode).toBe(400);
    expect(json(accounts).error.details.map((d: { path: string }) => d.path)).toEqual([
      '[1].strategic',
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/v1/accounts/list-ok' })).statusCode).toBe(
      404,
    );
    const owners = await t.app.inject({
      method: 'POST',
      url: '/v1/owners/bulk',
      payload: [{ id: 'kim', time_zone: 'UTC', active: 'yes' }],
    });
    expect(owners.statusCode).toBe(400);
    expect(json(owners).error.details[0].path).toBe('[0].active');
  });

  it('names the bad cell of a CSV upload and writes nothing', async () => {
    const csv = 'id,name,strategic\nok-co,OK Co,true\nbad-co,Bad Co,perhaps\n';
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts/bulk',
      payload: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details[0].path).toMatch(/row 3.*strategic/);
    expect((await t.app.inject({ method: 'GET', url: '/v1/accounts/ok-co' })).statusCode).toBe(404);
  });
});
