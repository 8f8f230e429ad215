import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJobsMetrics } from '../src/jobs/metrics.ts';
import {
  computeBackoffMs,
  createWebhookDispatcher,
  type WebhookDispatcherOptions,
} from '../src/jobs/webhook-dispatcher.ts';
import { signWebhook, verifyWebhook } from '../src/jobs/webhook-signing.ts';
import {
  checkEventTypes,
  checkWebhookUrl,
  describeWebhookUrlProblem,
  generateWebhookSecret,
} from '../src/service/webhooks-input.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { appendEvents, listOutboxEvents } from '../src/store/outbox-repo.ts';
import type { Database } from '../src/store/schema.ts';
import {
  createDeliveryStore,
  findWebhookSubscription,
  insertWebhookSubscription,
  listWebhookDeliveries,
  redeliverWebhookDelivery,
  updateWebhookSubscription,
} from '../src/store/webhooks-repo.ts';
import { insertLeads } from './jobs-harness.ts';
import { createTestDatabase, DATABASE_KIND, type TestDatabase } from './service-harness.ts';

let testDb: TestDatabase;
let store: Store;
let db: Kysely<Database>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  store = await openStore({ ...testDb.storeOptions, poolSize: 6 });
  db = store.db;
});
afterAll(async () => {
  await store?.close();
  await testDb?.drop();
});
beforeEach(async () => {
  await db.deleteFrom('webhook_subscriptions').execute();
  await db.deleteFrom('outbox_events').execute();
});

interface Received {
  id: string;
  body: string;
  headers: IncomingMessage['headers'];
}

/** A real receiver on 127.0.0.1: `respond` decides each request's fate. */
async function startReceiver(
  respond: (req: Received, n: number, res: ServerResponse) => void,
): Promise<{ url: string; received: Received[]; server: Server; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const r = { id: String(req.headers['webhook-id']), body, headers: req.headers };
      received.push(r);
      respond(r, received.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function dispatcher(overrides: Partial<WebhookDispatcherOptions> & { clock?: { t: number } }) {
  const clock = overrides.clock ?? { t: Date.now() };
  return createWebhookDispatcher({
    store: createDeliveryStore(db),
    now: () => clock.t,
    random: () => 0.5,
    ...overrides,
  });
}

const HOUR = 3_600_000;

describe('webhook input and signatures', () => {
  it('accepts only absolute http(s) URLs, naming url', () => {
    expect(checkWebhookUrl('https://crm.example.com/hooks')).toBe('https://crm.example.com/hooks');
    expect(describeWebhookUrlProblem('not a url')).toBe(
      'url: "not a url" is not a URL; expected an absolute http or https URL',
    );
    expect(describeWebhookUrlProblem('ftp://x.example.com/')).toMatch(/^url: scheme "ftp"/);
    expect(describeWebhookUrlProblem('https://u:p@x.example.com/')).toMatch(/^url: credentials/);
    expect(() => checkWebhookUrl('javascript:alert(1)')).toThrow(/url: scheme "javascript"/);
    try {
      checkWebhookUrl(42);
    } catch (error) {
      expect(error).toMatchObject({ code: 'validation_failed', details: [{ path: 'url' }] });
    }
    expect(() => checkEventTypes(['lead.assigned', 'lead.asigned'])).toThrow(
      /event_types\[1\]: unknown event type "lead.asigned"/,
    );
    expect(checkEventTypes(['*', '*'])).toEqual(['*']);
  });

  it('signs in the Standard Webhooks format, verified by the reference library', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'lead.assigned', data: { id: 'x' } });
    const headers = signWebhook(secret, 'msg_1', new Date(), body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(verifyWebhook(secret, body, headers)).toEqual(JSON.parse(body));
    expect(() => verifyWebhook(secret, body.replace('x', 'y'), headers)).toThrow(/signature/);
    expect(() => verifyWebhook(generateWebhookSecret(), body, headers)).toThrow(/signature/);
  });

  it('backs off exponentially with full jitter up to a cap', () => {
    const opts = { baseMs: 5000, capMs: HOUR };
    expect(computeBackoffMs(1, { ...opts, random: () => 0.999 })).toBe(4995);
    expect(computeBackoffMs(4, { ...opts, random: () => 0.5 })).toBe(20_000);
    expect(computeBackoffMs(30, { ...opts, random: () => 0.5 })).toBe(HOUR / 2);
    expect(computeBackoffMs(3, { ...opts, random: () => 0 })).toBe(500);
  });
});

describe(`outbox and webhook delivery (${DATABASE_KIND})`, () => {
  it('writes an event only with the change that commits, and fans it out to matching active subscriptions', async () => {
    const [lead] = await insertLeads(db, 1);
    const secret = generateWebhookSecret();
    const all = await insertWebhookSubscription(db, {
      url: 'http://127.0.0.1:9/a',
      secret,
      eventTypes: ['*'],
    });
    await insertWebhookSubscription(db, {
      url: 'http://127.0.0.1:9/b',
      secret,
      eventTypes: ['sla.breached'],
    });
    await insertWebhookSubscription(db, {
      url: 'http://127.0.0.1:9/c',
      secret,
      eventTypes: ['lead.assigned'],
      active: false,
    });
    await expect(
      db.transaction().execute(async (tx) => {
        await appendEvents(tx, [
          { type: 'lead.assigned', leadId: lead, payload: { lead_id: lead } },
        ]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await listOutboxEvents(db)).toEqual([]);
    const result = await db
      .transaction()
      .execute((tx) =>
        appendEvents(tx, [{ type: 'lead.assigned', leadId: lead, payload: { lead_id: lead } }]),
      );
    expect(result.deliveries).toBe(1);
    expect(result.events[0]).toMatchObject({
      type: 'lead.assigned',
      leadId: lead,
      orderingKey: lead,
    });
    expect(await listWebhookDeliveries(db, all.id)).toMatchObject([
      { eventType: 'lead.assigned', leadId: lead, status: 'pending', attempts: 0 },
    ]);
  });

  it('delivers each event exactly once, in order per lead, signed, to a receiver failing the first deliveries', async () => {
    const receiver = await startReceiver((_r, n, res) => {
      res.statusCode = n <= 4 ? 503 : 204;
      res.end();
    });
    try {
      const secret = generateWebhookSecret();
      const sub = await insertWebhookSubscription(db, {
        url: receiver.url,
        secret,
        eventTypes: ['*'],
      });
      const leads = await insertLeads(db, 3);
      // Three events per lead, each in its own transaction, interleaved across leads.
      for (let i = 0; i < 3; i++)
        for (const lead of leads)
          await db
            .transaction()
            .execute((tx) =>
              appendEvents(tx, [{ type: 'lead.touched', leadId: lead, payload: { lead, i } }]),
            );
      const clock = { t: Date.now() };
      const d = dispatcher({ clock, concurrency: 8 });
      // Round 1: the head of each lead's chain is tried; the receiver fails the first four requests.
      expect(await d.runOnce()).toBe(3);
      const failed = await listWebhookDeliveries(db, sub.id, { status: 'failed' });
      expect(failed).toHaveLength(3);
      expect(failed[0]).toMatchObject({ attempts: 1, lastStatusCode: 503, lastError: 'HTTP 503' });
      // Nothing behind a failed delivery of the same lead went out.
      expect(receiver.received).toHaveLength(3);
      for (let round = 0; round < 5; round++) {
        clock.t += 2 * HOUR;
        await d.runOnce();
      }
      const deliveries = await listWebhookDeliveries(db, sub.id);
      expect(deliveries.map((x) => x.status)).toEqual(Array(9).fill('delivered'));
      const ok = receiver.received.slice(4);
      expect(receiver.received).toHaveLength(13);
      // Each event accepted exactly once…
      expect(new Set(ok.map((r) => r.id)).size).toBe(9);
      // …in order per lead, each with a signature that verifies.
      for (const lead of leads) {
        const seen = ok
          .map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>))
          .filter((b) => (b as { data: { lead: string } }).data.lead === lead)
          .map((b) => (b as { data: { i: number } }).data.i);
        expect(seen).toEqual([0, 1, 2]);
      }
      expect(receiver.received[0]!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(ok[0]!.body)).toMatchObject({ type: 'lead.touched' });
    } finally {
      await receiver.close();
    }
  });

  it('a receiver that hangs does not hold deliveries to another subscription', async () => {
    const hanging = await startReceiver(() => undefined);
    const healthy = await startReceiver((_r, _n, res) => res.end('ok'));
    try {
      const secret = generateWebhookSecret();
      await insertWebhookSubscription(db, { url: hanging.url, secret, eventTypes: ['*'] });
      const good = await insertWebhookSubscription(db, {
        url: healthy.url,
        secret,
        eventTypes: ['*'],
      });
      const leads = await insertLeads(db, 20);
      await db.transaction().execute((tx) =>
        appendEvents(
          tx,
          leads.map((lead) => ({ type: 'lead.assigned', leadId: lead, payload: { lead } })),
        ),
      );
      const registry = new Registry();
      const d = dispatcher({
        concurrency: 6,
        perSubscription: 3,
        timeoutMs: 3000,
        pollMs: 20,
        metrics: createJobsMetrics(registry),
      });
      const started = Date.now();
      d.start();
      try {
        await waitFor(async () => healthy.received.length >= 20);
        expect(Date.now() - started).toBeLessThan(2500);
        await waitFor(async () =>
          (await listWebhookDeliveries(db, good.id)).every((x) => x.status === 'delivered'),
        );
        // The hanging receiver holds only its own slots.
        expect(hanging.received.length).toBeLessThanOrEqual(3);
      } finally {
        hanging.server.closeAllConnections();
        await d.stop();
      }
      const text = await registry.metrics();
      expect(text).toMatch(/leadrouter_webhook_deliveries_total\{outcome="delivered"\} 20/);
    } finally {
      await hanging.close();
      await healthy.close();
    }
  });

  it('a receiver down for the whole run leaves deliveries failed and retryable, then dead after 24 h, and disables the subscription', async () => {
    const gone = await startReceiver(() => undefined);
    const url = gone.url;
    await gone.close();
    const secret = generateWebhookSecret();
    const sub = await insertWebhookSubscription(db, { url, secret, eventTypes: ['*'] });
    const watcher = await insertWebhookSubscription(db, {
      url: 'http://127.0.0.1:9/ops',
      secret,
      eventTypes: ['webhook.disabled'],
    });
    const leads = await insertLeads(db, 2);
    await appendEvents(
      db,
      leads.map((lead) => ({ type: 'lead.queued', leadId: lead, payload: { lead } })),
    );
    const clock = { t: Date.now() };
    const logged: string[] = [];
    const registry = new Registry();
    const d = dispatcher({
      clock,
      disableAfterDead: 2,
      metrics: createJobsMetrics(registry),
      log: {
        warn: (_f, m) => logged.push(m),
        error: (f, m) => logged.push(`${m}: ${String(f.reason)}`),
      },
    });
    await d.runOnce();
    const failed = await listWebhookDeliveries(db, sub.id);
    expect(failed).toHaveLength(2);
    for (const x of failed) {
      expect(x).toMatchObject({ status: 'failed', attempts: 1 });
      expect(x.lastError).toMatch(/ECONNREFUSED/);
      expect(x.nextAttemptAt!.getTime()).toBeGreaterThan(clock.t);
    }
    // Manual redelivery queues it for now.
    const again = await redeliverWebhookDelivery(db, failed[0]!.id, new Date(clock.t));
    expect(again).toMatchObject({ status: 'pending', attempts: 0 });
    // Retries go on for 24 hours after the first attempt, then the deliveries are dead.
    const start = clock.t;
    while (clock.t - start < 26 * HOUR) {
      clock.t += 30 * 60_000;
      await d.runOnce();
    }
    const dead = await listWebhookDeliveries(db, sub.id);
    expect(dead.map((x) => x.status)).toEqual(['dead', 'dead']);
    expect(dead[0]!.attempts).toBeGreaterThan(10);
    expect(
      dead[0]!.lastAttemptAt!.getTime() - dead[0]!.firstAttemptAt!.getTime(),
    ).toBeGreaterThanOrEqual(24 * HOUR);
    const disabled = await findWebhookSubscription(db, sub.id);
    expect(disabled).toMatchObject({ active: false });
    expect(disabled!.disabledReason).toMatch(/2 deliveries in a row dead/);
    expect(logged.some((m) => m.startsWith('webhook subscription disabled'))).toBe(true);
    expect(await registry.metrics()).toMatch(/leadrouter_webhook_subscriptions_disabled_total 1/);
    // The disabling is an event too, delivered to whoever subscribed to it.
    expect(await listWebhookDeliveries(db, watcher.id)).toMatchObject([
      { eventType: 'webhook.disabled' },
    ]);
    // A dead delivery can be sent again by hand once the subscription is enabled again.
    await updateWebhookSubscription(db, sub.id, { active: true });
    expect(await findWebhookSubscription(db, sub.id)).toMatchObject({
      active: true,
      disabledReason: null,
      consecutiveDead: 0,
    });
    expect(await redeliverWebhookDelivery(db, dead[0]!.id, new Date(clock.t))).toMatchObject({
      status: 'pending',
    });
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
