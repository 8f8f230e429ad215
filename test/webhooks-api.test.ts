/**
 * Webhooks through the real app: subscriptions over HTTP, events written by intake, re-routing,
 * manual assignment and publishing, and delivered by the dispatcher the server starts
 * (startWebhookDispatcher) to real HTTP receivers on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookDispatcher } from '../src/cli/serve.ts';
import type { WebhookDispatcher } from '../src/jobs/webhook-dispatcher.ts';
import { verifyWebhook } from '../src/jobs/webhook-signing.ts';
import { createTestContext, json, seed, type TestContext } from './service-harness.ts';

let t: TestContext;
const dispatchers: WebhookDispatcher[] = [];

beforeAll(async () => {
  t = await createTestContext();
  await seed(t.app);
});
afterAll(async () => {
  for (const d of dispatchers) await d.stop();
  await t?.close();
});
beforeEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop();
  // Every test starts without subscriptions (through the API, so the caches follow).
  const list = json(await t.app.inject({ method: 'GET', url: '/v1/webhooks' })).items as {
    id: string;
  }[];
  for (const w of list) await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${w.id}` });
});

const db = () => t.store.db;

interface Received {
  id: string;
  body: string;
  headers: IncomingMessage['headers'];
  status: number;
}

/** A real receiver: `statusFor(n)` answers the n-th request (1-based). */
async function startReceiver(
  statusFor: (n: number) => number,
  port = 0,
): Promise<{ url: string; port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const status = statusFor(received.length + 1);
      received.push({ id: String(req.headers['webhook-id']), body, headers: req.headers, status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/hooks`,
    port: bound,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound once, then released). */
async function freePort(): Promise<number> {
  const r = await startReceiver(() => 200);
  await r.close();
  return r.port;
}

function startDispatcher(options: Parameters<typeof startWebhookDispatcher>[2] = {}) {
  const d = startWebhookDispatcher(t.store, t.services, {
    pollMs: 20,
    backoffBaseMs: 20,
    backoffCapMs: 100,
    random: () => 0.5,
    timeoutMs: 2_000,
    ...options,
  });
  dispatchers.push(d);
  return d;
}

async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function subscribe(body: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/webhooks', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return json(res) as { id: string; secret: string; url: string; active: boolean };
}

const postLead = async (payload: Record<string, unknown>) => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/leads', payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return json(res) as { id: string; owner_id: string | null; status: string };
};

describe('the webhooks API', () => {
  it('creates a subscription and shows its secret once, never again', async () => {
    const created = await subscribe({
      url: 'https://crm.example.com/hooks',
      event_types: ['lead.assigned', 'lead.queued'],
      description: 'CRM',
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const got = json(await t.app.inject({ method: 'GET', url: `/v1/webhooks/${created.id}` }));
    expect(got).toMatchObject({ url: 'https://crm.example.com/hooks', active: true });
    expect(got).not.toHaveProperty('secret');
    const list = json(await t.app.inject({ method: 'GET', url: '/v1/webhooks' }));
    expect(list.items.map((w: { id: string }) => w.id)).toEqual([created.id]);
    expect(JSON.stringify(list)).not.toContain(created.secret);
  });

  it('takes a secret given in the Standard Webhooks form and refuses a weak one, naming secret', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect((await subscribe({ url: 'http://a.example/', event_types: ['*'], secret })).secret).toBe(
      secret,
    );
    const weak = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: 'http://a.example/', event_types: ['*'], secret: 'whsec_c2hvcnQ=' },
    });
    expect(weak.statusCode).toBe(400);
    expect(json(weak).error.details).toEqual([{ path: 'secret', message: expect.any(String) }]);
  });

  it('refuses a URL that is not an http(s) URL with a 400 naming url, and changes nothing', async () => {
    for (const url of ['not a url', 'ftp://files.example.com/', 'https://u:p@x.example.com/']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        payload: { url, event_types: ['lead.assigned'] },
      });
      expect(res.statusCode).toBe(400);
      expect(json(res).error).toMatchObject({
        code: 'validation_failed',
        details: [{ path: 'url' }],
      });
    }
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      payload: { url: 'https://x.example.com/', event_types: ['lead.assigned', 'lead.asigned'] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(json(unknown).error.details[0].path).toBe('event_types[1]');
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/webhooks' })).items).toEqual([]);
  });

  it('patches url, event types and active, and deletes', async () => {
    const { id } = await subscribe({ url: 'https://a.example/', event_types: ['lead.assigned'] });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${id}`,
      payload: { url: 'https://b.example/h', event_types: ['*'], active: false },
    });
    expect(patched.statusCode).toBe(200);
    expect(json(patched)).toMatchObject({
      url: 'https://b.example/h',
      event_types: ['*'],
      active: false,
    });
    const bad = await t.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/${id}`,
      payload: { url: 'mailto:x@example.com' },
    });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.details[0].path).toBe('url');
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${id}` })).statusCode).toBe(
      204,
    );
    expect((await t.app.inject({ method: 'GET', url: `/v1/webhooks/${id}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${id}` })).statusCode).toBe(
      404,
    );
  });
});

describe('events from changes', () => {
  it('writes no event at all while nobody subscribed', async () => {
    const before = await db()
      .selectFrom('outbox_events')
      .select(db().fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    await postLead({ email: 'quiet@example.org', country: 'FR' });
    const after = await db()
      .selectFrom('outbox_events')
      .select(db().fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('writes intake, manual and re-route events in the change transaction, without personal data', async () => {
    const sub = await subscribe({ url: 'http://127.0.0.1:9/x', event_types: ['*'] });
    const lead = await postLead({
      email: 'secret.person@example.org',
      first_name: 'Secret',
      last_name: 'Person',
      country: 'FR',
      external_id: 'crm-1',
    });
    const other = lead.owner_id === 'ana' ? 'ben' : 'ana';
    await t.app.inject({
      method: 'POST',
      url: `/v1/leads/${lead.id}/assign`,
      payload: { owner_id: other, reason: 'asked for them' },
    });
    const events = await db()
      .selectFrom('outbox_events')
      .selectAll()
      .where('lead_id', '=', lead.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['lead.assigned', 'lead.reassigned']);
    expect(events[0]!.payload).toMatchObject({
      lead_id: lead.id,
      external_id: 'crm-1',
      owner_id: lead.owner_id,
      rule_id: 'everyone',
      trigger: 'intake',
    });
    expect(events[1]!.payload).toMatchObject({
      owner_id: other,
      previous_owner_id: lead.owner_id,
      trigger: 'manual',
      reason: 'asked for them',
    });
    expect(JSON.stringify(events)).not.toMatch(/secret\.person|Secret|Person/);
    const deliveries = await db()
      .selectFrom('webhook_deliveries')
      .select('event_id')
      .where('subscription_id', '=', sub.id)
      .execute();
    expect(deliveries).toHaveLength(events.length);
  });

  it('announces a queued lead and a published policy', async () => {
    await subscribe({
      url: 'http://127.0.0.1:9/x',
      event_types: ['lead.queued', 'policy.published'],
    });
    await t.app.inject({ method: 'POST', url: '/v1/owners/dora/pause', payload: {} });
    const lead = await postLead({ email: 'de@example.org', country: 'DE' });
    await t.app.inject({ method: 'POST', url: '/v1/owners/dora/resume' });
    expect(lead.status).toBe('queued');
    const version = await seed(t.app);
    const types = await db()
      .selectFrom('outbox_events')
      .select(['type', 'payload'])
      .where((eb) => eb.or([eb('lead_id', '=', lead.id), eb('type', '=', 'policy.published')]))
      .orderBy('seq')
      .execute();
    expect(types.map((e) => e.type)).toEqual(['lead.queued', 'policy.published']);
    expect(types[0]!.payload).toMatchObject({ queue_id: 'triage', rule_id: 'germany' });
    expect(types[1]!.payload).toMatchObject({ policy_version: version });
  });
});

describe('delivery to a real receiver', () => {
  it('delivers each event exactly once, in order per lead, signed, through a receiver failing the first 3 requests', async () => {
    const receiver = await startReceiver((n) => (n <= 3 ? 503 : 204));
    try {
      const sub = await subscribe({
        url: receiver.url,
        event_types: ['lead.assigned', 'lead.reassigned', 'lead.queued'],
      });
      startDispatcher();
      const leads = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          postLead({ email: `w${i}@example.org`, country: 'FR' }),
        ),
      );
      // Two more events per lead: a manual assignment and a re-route.
      for (const lead of leads) {
        await t.app.inject({
          method: 'POST',
          url: `/v1/leads/${lead.id}/assign`,
          payload: { owner_id: 'dora', reason: 'moved' },
        });
        await t.app.inject({
          method: 'POST',
          url: `/v1/leads/${lead.id}/route`,
          payload: { reason: 'back to the pool' },
        });
      }
      const events = await db()
        .selectFrom('outbox_events')
        .select(['id', 'lead_id', 'seq'])
        .where(
          'lead_id',
          'in',
          leads.map((l) => l.id),
        )
        .orderBy('seq')
        .execute();
      expect(events).toHaveLength(leads.length * 3);
      await until(
        async () => receiver.received.filter((r) => r.status === 204).length >= events.length,
        'every event delivered',
      );
      await new Promise((r) => setTimeout(r, 200));
      const accepted = receiver.received.filter((r) => r.status === 204);
      expect(receiver.received.filter((r) => r.status === 503)).toHaveLength(3);
      // Exactly once: every event accepted once, nothing else.
      expect(accepted.map((r) => r.id).sort()).toEqual(events.map((e) => e.id).sort());
      // In order per lead.
      for (const lead of leads) {
        const expected = events.filter((e) => e.lead_id === lead.id).map((e) => e.id);
        const got = accepted
          .filter(
            (r) => (JSON.parse(r.body) as { data: { lead_id: string } }).data.lead_id === lead.id,
          )
          .map((r) => r.id);
        expect(got).toEqual(expected);
      }
      // Every request, failed or not, carries a signature that verifies with the secret.
      for (const r of receiver.received) {
        const body = verifyWebhook(sub.secret, r.body, r.headers) as { type: string; data: object };
        expect(body.type).toMatch(/^lead\./);
      }
      const log = json(
        await t.app.inject({
          method: 'GET',
          url: `/v1/webhooks/${sub.id}/deliveries?status=delivered&limit=500`,
        }),
      );
      expect(log.items).toHaveLength(events.length);
    } finally {
      await receiver.close();
    }
  });

  it('leaves deliveries to a receiver down the whole time failed, visible and retryable', async () => {
    const port = await freePort();
    const sub = await subscribe({
      url: `http://127.0.0.1:${port}/hooks`,
      event_types: ['lead.assigned'],
    });
    // Long backoff: after the first failure nothing is retried by itself during the test.
    startDispatcher({ backoffBaseMs: 600_000, backoffCapMs: 600_000 });
    const lead = await postLead({ email: 'down@example.org', country: 'FR' });
    const failed = async () =>
      json(
        await t.app.inject({
          method: 'GET',
          url: `/v1/webhooks/${sub.id}/deliveries?status=failed`,
        }),
      ).items as Array<{ id: string; lead_id: string; attempts: number; last_error: string }>;
    await until(async () => (await failed()).length === 1, 'the delivery to fail');
    const [delivery] = await failed();
    expect(delivery).toMatchObject({ lead_id: lead.id, attempts: 1 });
    expect(delivery!.last_error).toMatch(/ECONNREFUSED/);

    const receiver = await startReceiver(() => 200, port);
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${sub.id}/deliveries/${delivery!.id}/redeliver`,
      });
      expect(res.statusCode).toBe(202);
      await until(async () => receiver.received.length === 1, 'the redelivery');
      await until(
        async () =>
          json(
            await t.app.inject({
              method: 'GET',
              url: `/v1/webhooks/${sub.id}/deliveries?status=delivered`,
            }),
          ).items.length === 1,
        'the delivery recorded',
      );
      expect(
        verifyWebhook(sub.secret, receiver.received[0]!.body, receiver.received[0]!.headers),
      ).toMatchObject({
        type: 'lead.assigned',
        data: { lead_id: lead.id },
      });
      const unknown = await t.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${sub.id}/deliveries/999999999/redeliver`,
      });
      expect(unknown.statusCode).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it('disables a subscription failing persistently, visibly in GET, and announces it', async () => {
    const port = await freePort();
    const watcher = await startReceiver(() => 200);
    try {
      const watch = await subscribe({ url: watcher.url, event_types: ['webhook.disabled'] });
      const sub = await subscribe({
        url: `http://127.0.0.1:${port}/`,
        event_types: ['lead.assigned'],
      });
      // Give up at once: one failure is a dead delivery, one dead delivery disables.
      startDispatcher({ retryForMs: 0, disableAfterDead: 1 });
      await postLead({ email: 'dis@example.org', country: 'FR' });
      await until(
        async () =>
          !json(await t.app.inject({ method: 'GET', url: `/v1/webhooks/${sub.id}` })).active,
        'the subscription disabled',
      );
      const got = json(await t.app.inject({ method: 'GET', url: `/v1/webhooks/${sub.id}` }));
      expect(got.disabled_reason).toMatch(/dead/);
      await until(async () => watcher.received.length === 1, 'the webhook.disabled event');
      expect(
        verifyWebhook(watch.secret, watcher.received[0]!.body, watcher.received[0]!.headers),
      ).toMatchObject({
        type: 'webhook.disabled',
        data: { subscription_id: sub.id },
      });
      // Enabled again through the API.
      const enabled = await t.app.inject({
        method: 'PATCH',
        url: `/v1/webhooks/${sub.id}`,
        payload: { active: true },
      });
      expect(json(enabled)).toMatchObject({ active: true, disabled_reason: null });
    } finally {
      await watcher.close();
    }
  });

  it('sends a ping to one subscription on request', async () => {
    const receiver = await startReceiver(() => 200);
    try {
      const sub = await subscribe({ url: receiver.url, event_types: ['policy.published'] });
      startDispatcher();
      const res = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${sub.id}/test` });
      expect(res.statusCode).toBe(202);
      expect(json(res)).toMatchObject({ event_type: 'webhook.ping', status: 'pending' });
      await until(async () => receiver.received.length === 1, 'the ping');
      expect(
        verifyWebhook(sub.secret, receiver.received[0]!.body, receiver.received[0]!.headers),
      ).toMatchObject({
        type: 'webhook.ping',
        data: { subscription_id: sub.id },
      });
    } finally {
      await receiver.close();
    }
  });
});
