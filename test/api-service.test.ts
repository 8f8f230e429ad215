import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { createServices } from '../src/service/index.ts';
import {
  createTestContext,
  DATABASE_KIND,
  json,
  seed,
  type TestContext,
  authenticateByDefault,
} from './service-harness.ts';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  await seed(t.app);
});
afterAll(async () => t?.close());

describe(`health, metrics and documentation (${DATABASE_KIND})`, () => {
  it('answers /healthz and /readyz', async () => {
    expect(json(await t.app.inject({ method: 'GET', url: '/healthz' }))).toEqual({ status: 'ok' });
    expect(json(await t.app.inject({ method: 'GET', url: '/readyz' }))).toEqual({
      status: 'ready',
      database: DATABASE_KIND,
    });
  });

  it('exposes decision latency, decisions by outcome, rule and pool, and queued leads to Prometheus', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'US' } });
    await t.app.inject({ method: 'POST', url: '/v1/owners/dora/pause', payload: {} });
    await t.app.inject({ method: 'POST', url: '/v1/leads', payload: { country: 'DE' } });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(
      /leadrouter_decision_latency_seconds_bucket\{le="[\d.]+",trigger="intake"\} \d+/,
    );
    expect(res.body).toContain(
      'leadrouter_decisions_total{outcome="assigned",rule="everyone",pool="rr",trigger="intake"} 1',
    );
    expect(res.body).toContain(
      'leadrouter_decisions_total{outcome="queued",rule="germany",pool="",trigger="intake"} 1',
    );
    expect(res.body).toContain('leadrouter_queued_leads{queue="triage"} 1');
    await t.app.inject({ method: 'POST', url: '/v1/owners/dora/resume' });
  });

  it('serves an OpenAPI 3 document naming every endpoint, and a browsable page', async () => {
    const doc = json(await t.app.inject({ method: 'GET', url: '/openapi.json' }));
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/v1/leads',
      '/v1/leads/batch',
      '/v1/leads/{id}',
      '/v1/leads/{id}/route',
      '/v1/leads/{id}/assign',
      '/v1/owners',
      '/v1/owners/bulk',
      '/v1/accounts/bulk',
      '/v1/policies/{id}/publish',
      '/v1/policies/active',
      '/v1/decisions',
      '/healthz',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/v1/leads'].post.requestBody.content['application/json'].schema).toBeTruthy();
    expect(doc.components.schemas.Decision).toBeTruthy();
    const page = await t.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(page.statusCode);
    const html = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(html.body).toContain('swagger');
  });

  it('answers an unknown route with a 404 in the error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(res.statusCode).toBe(404);
    expect(json(res)).toEqual({
      error: { code: 'not_found', message: 'no route GET /v2/nothing', details: [] },
    });
  });
});

describe('logs', () => {
  it("writes JSON lines with request ids, without the lead's email or name", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const services = createServices({ store: t.store });
    const app = await buildApp(services, { logger: pino({ level: 'info' }, sink) });
    authenticateByDefault(app, t.adminToken);
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/leads',
        payload: {
          email: 'secret.person@example.org',
          first_name: 'Secretia',
          last_name: 'Person',
          country: 'US',
        },
        headers: { 'x-request-id': 'req-abc-123' },
      });
      expect(res.statusCode).toBe(201);
      expect(res.headers['x-request-id']).toBe('req-abc-123');
    } finally {
      await app.close();
    }
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.some((r) => r.request_id === 'req-abc-123')).toBe(true);
    const text = lines.join('\n');
    expect(text).not.toContain('secret.person');
    expect(text).not.toContain('Secretia');
  });
});
