/**
 * Webhook deliveries per second to a local receiver: `measureWebhookDeliveries` appends `events`
 * events to the outbox of an open store (one subscription, a receiver on 127.0.0.1 answering 204
 * after checking nothing), starts the dispatcher the server starts, and times until every delivery
 * is recorded as delivered. Used by bench/webhooks.ts and importable by the lifecycle benchmark.
 *
 * Events are spread over `keys` ordering keys (leads): deliveries of one key go one at a time, so
 * with fewer keys than the concurrency the rate measures ordering, not throughput.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookDispatcher } from '../src/jobs/webhook-dispatcher.ts';
import { generateWebhookSecret } from '../src/service/webhooks-input.ts';
import type { Store } from '../src/store/database.ts';
import { appendEvents } from '../src/store/outbox-repo.ts';
import { createDeliveryStore, insertWebhookSubscription } from '../src/store/webhooks-repo.ts';

export interface WebhookThroughput {
  database: string;
  events: number;
  delivered: number;
  seconds: number;
  webhooks_per_sec: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
}

/** Sends `events` deliveries through a fresh subscription and measures the rate. */
export async function measureWebhookDeliveries(
  store: Store,
  options: { events: number; keys?: number; concurrency?: number; perSubscription?: number },
): Promise<WebhookThroughput> {
  const db = store.db;
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  try {
    const subscription = await insertWebhookSubscription(db, {
      url,
      secret: generateWebhookSecret(),
      eventTypes: ['lead.assigned'],
    });
    const keys = options.keys ?? 1000;
    for (let i = 0; i < options.events; i += 1000) {
      const n = Math.min(1000, options.events - i);
      await db.transaction().execute((tx) =>
        appendEvents(
          tx,
          Array.from({ length: n }, (_, j) => ({
            type: 'lead.assigned',
            orderingKey: `bench:${(i + j) % keys}`,
            payload: { lead_id: `bench-${i + j}`, owner_id: 'ana', trigger: 'intake' },
          })),
        ),
      );
    }
    const latencies: number[] = [];
    const dispatcher = createWebhookDispatcher({
      store: createDeliveryStore(db),
      concurrency: options.concurrency ?? 64,
      perSubscription: options.perSubscription ?? 64,
      pollMs: 20,
      metrics: {
        recordDelivery: (_outcome: string, seconds: number) => latencies.push(seconds * 1000),
        onCollectPendingDeliveries: () => undefined,
        recordSubscriptionDisabled: () => undefined,
      } as never,
    });
    const started = performance.now();
    dispatcher.start();
    for (;;) {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('subscription_id', '=', subscription.id)
        .where('status', '=', 'delivered')
        .executeTakeFirstOrThrow();
      if (Number(row.n) >= options.events) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    await dispatcher.stop();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      Math.round(
        (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 10,
      ) / 10;
    return {
      database: store.kind,
      events: options.events,
      delivered: received,
      seconds: Math.round(seconds * 100) / 100,
      webhooks_per_sec: Math.round(options.events / seconds),
      latency_p50_ms: pct(0.5),
      latency_p99_ms: pct(0.99),
    };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
