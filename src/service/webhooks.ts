/**
 * Webhook subscriptions and their delivery logs (`/v1/webhooks`): create, list, read, change,
 * delete, list deliveries, redeliver one, send a test ping. Every subscription change bumps the
 * `webhooks` change counter in its transaction, so every instance's cache of "which event types
 * does anybody want" (src/service/events.ts) follows at its next refresh.
 *
 * The secret is shown once, when the subscription is created (generated, or the caller's own);
 * it is never returned again.
 */
import type { Kysely, Transaction } from 'kysely';
import { isUuid } from '../store/ids.ts';
import { type DeliveryStatus } from '../store/schema-lifecycle.ts';
import type { Database } from '../store/schema.ts';
import { runTransaction } from '../store/transaction.ts';
import { bumpWebhooksVersion, insertPingDelivery } from '../store/webhook-events-repo.ts';
import {
  deleteWebhookSubscription,
  findWebhookDelivery,
  findWebhookSubscription,
  insertWebhookSubscription,
  listWebhookDeliveries,
  listWebhookSubscriptions,
  redeliverWebhookDelivery,
  updateWebhookSubscription,
  type WebhookDelivery,
  type WebhookSubscription,
} from '../store/webhooks-repo.ts';
import { toServiceError } from './database-errors.ts';
import { invalid, notFound, ServiceError } from './errors.ts';
import { recordChange, SYSTEM_CONTEXT, type RequestContext } from './access/context.ts';
import type { EventsHub } from './events.ts';
import { decodeId, encodeId, type Page } from './pages.ts';
import type { RoutingCache } from './routing-cache.ts';
import { checkEventTypes, checkWebhookUrl, generateWebhookSecret } from './webhooks-input.ts';

export type { WebhookDelivery } from '../store/webhooks-repo.ts';

/** A subscription as the API shows it: everything but the secret. */
export type WebhookSubscriptionView = Omit<WebhookSubscription, 'secret'>;

export interface NewWebhookInput {
  url: unknown;
  eventTypes: unknown;
  description?: string | null;
  active?: boolean;
  /** The caller's own secret (`whsec_` and 24 to 64 bytes in base64); generated when absent. */
  secret?: string;
}

export interface WebhookPatchInput {
  url?: unknown;
  eventTypes?: unknown;
  description?: string | null;
  /** true re-enables a subscription (also one disabled after failing), false pauses it. */
  active?: boolean;
}

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'pending',
  'delivering',
  'delivered',
  'failed',
  'dead',
];

export class WebhookService {
  private readonly db: Kysely<Database>;

  constructor(
    db: Kysely<Database>,
    private readonly cache: RoutingCache,
    private readonly clock: () => number,
    private readonly events?: EventsHub,
  ) {
    this.db = db;
  }

  /** Creates a subscription; the result carries its secret, shown this once. */
  async createSubscription(
    input: NewWebhookInput,
    rc: RequestContext = SYSTEM_CONTEXT,
  ): Promise<WebhookSubscriptionView & { secret: string }> {
    const url = checkWebhookUrl(input.url);
    const eventTypes = checkEventTypes(input.eventTypes);
    const secret = input.secret === undefined ? generateWebhookSecret() : checkSecret(input.secret);
    const now = new Date(this.clock());
    const created = await this.transact(async (tx) => {
      const row = await insertWebhookSubscription(
        tx,
        {
          url,
          secret,
          eventTypes,
          description: input.description ?? null,
          active: input.active ?? true,
        },
        now,
      );
      await bumpWebhooksVersion(tx);
      await recordChange(tx, rc, {
        action: 'webhook.create',
        target: { type: 'webhook', id: row.id },
        after: hideSecret(row),
      });
      return row;
    });
    this.cache.markStale();
    return { ...hideSecret(created), secret: created.secret };
  }

  async listSubscriptions(): Promise<WebhookSubscriptionView[]> {
    return (await listWebhookSubscriptions(this.db)).map(hideSecret);
  }

  async getSubscription(id: string): Promise<WebhookSubscriptionView> {
    return hideSecret(await this.subscription(id));
  }

  /** Changes url, event types, description or active (true re-enables a disabled one). */
  async patchSubscription(
    id: string,
    patch: WebhookPatchInput,
    rc: RequestContext = SYSTEM_CONTEXT,
  ): Promise<WebhookSubscriptionView> {
    if (!isUuid(id)) throw notFound('webhook', id);
    const url = patch.url === undefined ? undefined : checkWebhookUrl(patch.url);
    const eventTypes =
      patch.eventTypes === undefined ? undefined : checkEventTypes(patch.eventTypes);
    const now = new Date(this.clock());
    const updated = await this.transact(async (tx) => {
      const before = await findWebhookSubscription(tx, id);
      const row = await updateWebhookSubscription(
        tx,
        id,
        { url, eventTypes, description: patch.description, active: patch.active },
        now,
      );
      if (!row || !before) throw notFound('webhook', id);
      await bumpWebhooksVersion(tx);
      await recordChange(tx, rc, {
        action: 'webhook.update',
        target: { type: 'webhook', id },
        before: hideSecret(before),
        after: hideSecret(row),
      });
      return row;
    });
    this.cache.markStale();
    // Re-enabled: its failed deliveries are due again.
    if (patch.active) this.events?.committed(1);
    return hideSecret(updated);
  }

  async deleteSubscription(id: string, rc: RequestContext = SYSTEM_CONTEXT): Promise<void> {
    if (!isUuid(id)) throw notFound('webhook', id);
    await this.transact(async (tx) => {
      const before = await findWebhookSubscription(tx, id);
      if (!before || !(await deleteWebhookSubscription(tx, id))) throw notFound('webhook', id);
      await bumpWebhooksVersion(tx);
      await recordChange(tx, rc, {
        action: 'webhook.delete',
        target: { type: 'webhook', id },
        before: hideSecret(before),
      });
    });
    this.cache.markStale();
  }

  /** A subscription's deliveries, newest first, optionally of one status. */
  async listDeliveries(
    id: string,
    options: { status?: DeliveryStatus; limit: number; cursor?: string },
  ): Promise<Page<WebhookDelivery>> {
    await this.subscription(id);
    const beforeId =
      options.cursor === undefined ? undefined : decodeDeliveryCursor(options.cursor);
    const rows = await listWebhookDeliveries(this.db, id, {
      status: options.status,
      beforeId,
      limit: options.limit + 1,
    });
    const more = rows.length > options.limit;
    if (more) rows.pop();
    return { items: rows, nextCursor: more ? encodeId(rows.at(-1)!.id) : null };
  }

  /**
   * Queues one delivery again now, with a fresh retry window, whatever its status (a dead one
   * too); a delivery being sent right now is a conflict.
   */
  async redeliver(
    id: string,
    deliveryId: string,
    rc: RequestContext = SYSTEM_CONTEXT,
  ): Promise<WebhookDelivery> {
    await this.subscription(id);
    const delivery = /^\d{1,18}$/.test(deliveryId)
      ? await findWebhookDelivery(this.db, deliveryId)
      : undefined;
    if (!delivery || delivery.subscriptionId !== id) throw notFound('delivery', deliveryId);
    if (delivery.status === 'delivering') {
      throw new ServiceError(
        'invalid_state',
        `delivery ${deliveryId} is being sent right now; wait for its outcome`,
      );
    }
    const queued = await this.transact(async (tx) => {
      const row = await redeliverWebhookDelivery(tx, deliveryId, new Date(this.clock()));
      await recordChange(tx, rc, {
        action: 'webhook.redeliver',
        target: { type: 'webhook', id },
        details: { delivery_id: deliveryId, previous_status: delivery.status },
      });
      return row;
    });
    this.events?.committed(1);
    return queued!;
  }

  /**
   * Sends a `webhook.ping` event to this subscription only (whatever its event types), and
   * returns its delivery: its outcome shows in the delivery log.
   */
  async sendTestEvent(id: string): Promise<WebhookDelivery> {
    const subscription = await this.subscription(id);
    const now = new Date(this.clock());
    const deliveryId = await this.transact((tx) =>
      insertPingDelivery(
        tx,
        id,
        { subscription_id: id, url: subscription.url, at: now.toISOString() },
        now,
      ),
    );
    this.events?.committed(1);
    return (await findWebhookDelivery(this.db, deliveryId))!;
  }

  private async subscription(id: string): Promise<WebhookSubscription> {
    const found = isUuid(id) ? await findWebhookSubscription(this.db, id) : undefined;
    if (!found) throw notFound('webhook', id);
    return found;
  }

  private async transact<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    try {
      return await runTransaction(this.db, work);
    } catch (error) {
      throw toServiceError(error);
    }
  }
}

function hideSecret(s: WebhookSubscription): WebhookSubscriptionView {
  const { secret: _secret, ...view } = s;
  return view;
}

/** A caller's secret: `whsec_` and 24 to 64 random bytes in base64 (a 400 naming `secret`). */
function checkSecret(value: string): string {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value);
  const bytes = match ? Buffer.from(match[1]!, 'base64').length : 0;
  if (bytes < 24 || bytes > 64) {
    const message =
      'expected "whsec_" followed by 24 to 64 random bytes in base64; omit it to have one generated';
    throw invalid(`invalid body: secret: ${message}`, [{ path: 'secret', message }]);
  }
  return value;
}

function decodeDeliveryCursor(cursor: string): string {
  const id = decodeId(cursor);
  if (!/^\d{1,18}$/.test(id)) {
    throw new ServiceError('validation_failed', 'invalid cursor', [
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
  return id;
}
