import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { createServices } from '../src/service/index.ts';
import {
  BASIC_OWNERS,
  BASIC_POLICY,
  createTestContext,
  DATABASE_KIND,
  json,
  type TestContext,
  authenticateByDefault,
} from './service-harness.ts';

let t: TestContext;
const T0 = Date.parse('2026-11-24T10:00:00Z');

beforeAll(async () => {
  t = await createTestContext({ now: T0 });
  await t.app.inject({ method: 'POST', url: '/v1/owners/bulk', payload: BASIC_OWNERS });
});
afterAll(async () => t?.close());

const createDraft = async (source: string, extra: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/policies', payload: { source, ...extra } });

describe(`policies (${DATABASE_KIND})`, () => {
  it('refuses leads while no policy is published', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/leads',
      payload: { email: 'early@example.org' },
    });
    expect(res.statusCode).toBe(503);
    expect(json(res).error.code).toBe('unavailable');
  });

  it('creates a draft from YAML sent as application/yaml, with its validation', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/policies',
      payload: BASIC_POLICY,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(res.statusCode).toBe(201);
    const body = json(res);
    expect(body).toMatchObject({
      status: 'draft',
      name: 'test policy',
      format: 'yaml',
      effective_from: null,
      validation: { valid: true, errors: 0 },
    });
    expect(body.content_hash).toMatch(/^sha256:/);
    expect(body.source).toContain('round_robin');
  });

  it('keeps an invalid draft and reports every problem with its path', async () => {
    const res = await createDraft(
      'rules:\n  - id: a\n    assign: { pool: nowhere }\n  - id: a\n    when: { country: { inn: [US] } }\n    assign: { owner: ghost }\n',
    );
    expect(res.statusCode).toBe(201);
    const { validation } = json(res);
    expect(validation.valid).toBe(false);
    const paths = validation.issues
      .filter((i: { severity: string }) => i.severity === 'error')
      .map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['rules[0].assign.pool', 'rules[1].id']));
  });

  it('refuses a policy given both as source and as document, naming both', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/policies',
      payload: { source: 'default_queue: triage', document: { default_queue: 'triage' } },
    });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details.map((d: { path: string }) => d.path)).toEqual([
      'source',
      'document',
    ]);
  });

  it('answers 400 naming the line for a YAML syntax error', async () => {
    const res = await createDraft('rules: [\n  - id: x');
    expect(res.statusCode).toBe(400);
    expect(json(res).error.code).toBe('policy_invalid');
    expect(json(res).error.details[0].message).toMatch(/line/);
  });

  it('validates without storing, warning about owners missing from the directory', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/policies/validate',
      payload: {
        source: 'default_queue: triage\nrules:\n  - id: all\n    assign: { owner: ghost }\n',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ valid: true, errors: 0 });
    expect(json(res).issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: 'warning', path: 'rules[0].assign.owner' }),
      ]),
    );
  });

  it('refuses to publish a draft with errors, listing them, and writes nothing', async () => {
    const draft = json(await createDraft('rules:\n  - id: a\n    assign: { pool: nowhere }\n'));
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/policies/${draft.id}/publish`,
      payload: {},
    });
    expect(res.statusCode).toBe(400);
    expect(json(res).error).toMatchObject({
      code: 'policy_invalid',
      details: [{ path: 'rules[0].assign.pool' }],
    });
    expect(
      json(await t.app.inject({ method: 'GET', url: `/v1/policies/${draft.id}` })).status,
    ).toBe('draft');
  });

  it('publishes a draft now, after which it is in force and immutable', async () => {
    const draft = json(
      await createDraft(BASIC_POLICY, { author: 'ops@example.org', note: 'first' }),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/policies/${draft.id}/publish`,
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({
      status: 'published',
      effective_from: new Date(T0).toISOString(),
      author: 'ops@example.org',
    });
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/policies/active' })).id).toBe(
      draft.id,
    );
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/v1/policies/${draft.id}`,
      payload: { note: 'changed' },
    });
    expect(edit.statusCode).toBe(409);
    expect(json(edit).error.code).toBe('not_a_draft');
    const lead = json(
      await t.app.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'DE' } }),
    );
    expect(lead.decision.policy_version).toBe(draft.id);
  });

  it('switches to a version dated in the future at that moment, on every instance, without a restart', async () => {
    // A second instance on the same database: its own caches, learning of changes from the store.
    const other = createServices({ store: t.store, clock: () => t.now() });
    const otherApp = await buildApp(other, { logger: 'silent' });
    authenticateByDefault(otherApp, t.adminToken);
    try {
      const warm = json(
        await otherApp.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'DE' } }),
      );
      const current = warm.decision.policy_version;
      const next = BASIC_POLICY.replace('assign: { owner: dora }', 'assign: { owner: ana }');
      const draft = json(await createDraft(next, { based_on: current }));
      const at = new Date(T0 + 3_600_000).toISOString();
      const published = await t.app.inject({
        method: 'POST',
        url: `/v1/policies/${draft.id}/publish`,
        payload: { effective_from: at },
      });
      expect(json(published).effective_from).toBe(at);

      t.setNow(T0 + 3_600_000 - 1);
      const before = json(
        await otherApp.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'DE' } }),
      );
      expect(before).toMatchObject({ owner_id: 'dora', decision: { policy_version: current } });
      t.setNow(T0 + 3_600_000);
      const after = json(
        await otherApp.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'DE' } }),
      );
      expect(after).toMatchObject({ owner_id: 'ana', decision: { policy_version: draft.id } });

      const active = (at: string) =>
        t.app.inject({ method: 'GET', url: `/v1/policies/active?at=${encodeURIComponent(at)}` });
      expect(json(await active('2026-11-24T10:30:00Z')).id).toBe(current);
      expect(json(await active('2026-11-24T11:00:00Z')).id).toBe(draft.id);
      expect((await active('2020-01-01T00:00:00Z')).statusCode).toBe(404);
    } finally {
      await otherApp.close();
    }
  });

  it('refuses an effective date in the past', async () => {
    const draft = json(await createDraft(BASIC_POLICY));
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/policies/${draft.id}/publish`,
      payload: { effective_from: '2020-01-01T00:00:00Z' },
    });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details[0].path).toBe('effective_from');
  });

  it('edits a draft and lists versions newest first', async () => {
    const draft = json(await createDraft(BASIC_POLICY));
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/v1/policies/${draft.id}`,
      payload: { source: BASIC_POLICY.replace('test policy', 'renamed'), note: 'v2' },
    });
    expect(edited.statusCode).toBe(200);
    expect(json(edited)).toMatchObject({ name: 'renamed', note: 'v2', status: 'draft' });
    expect(json(edited).content_hash).not.toBe(draft.content_hash);
    const list = json(await t.app.inject({ method: 'GET', url: '/v1/policies?limit=2' }));
    expect(list.items[0].id).toBe(draft.id);
    expect(list.items[0].source).toBeUndefined();
    const rest = json(
      await t.app.inject({
        method: 'GET',
        url: `/v1/policies?limit=100&cursor=${list.next_cursor}`,
      }),
    );
    expect(rest.items.every((p: { id: string }) => Number(p.id) < Number(list.items[1].id))).toBe(
      true,
    );
    const published = json(
      await t.app.inject({ method: 'GET', url: '/v1/policies?status=published' }),
    );
    expect(published.items.every((p: { status: string }) => p.status === 'published')).toBe(true);
  });

  it('diffs two versions rule by rule', async () => {
    const a = json(await createDraft(BASIC_POLICY));
    const changed = BASIC_POLICY.replace('members: [ana, ben, cai]', 'members: [ana, ben]').replace(
      '  - id: everyone',
      '  - id: vip\n    when: { tier: vip }\n    assign: { owner: ana }\n  - id: everyone',
    );
    const b = json(await createDraft(changed));
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/policies/diff?from=${a.id}&to=${b.id}`,
    });
    expect(res.statusCode).toBe(200);
    const changes = json(res).changes;
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'pools.rr.members[2]', change: 'removed', before: 'cai' }),
        expect.objectContaining({ path: 'rules[id=vip]', change: 'added' }),
      ]),
    );
    expect(
      changes.find((c: { path: string }) => c.path.startsWith('rules[id=everyone]')),
    ).toBeUndefined();
  });

  it('answers 404 for an unknown version', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/policies/999999' })).statusCode).toBe(
      404,
    );
    expect((await t.app.inject({ method: 'GET', url: '/v1/policies/abc' })).statusCode).toBe(404);
  });

  it('serves the policy JSON Schema', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/policies/schema' });
    expect(res.statusCode).toBe(200);
    expect(json(res).title).toBe('leadrouter policy');
  });
});
