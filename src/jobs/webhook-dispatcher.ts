/**
 * The webhook dispatcher: sends the outbox's deliveries, signed in the Standard Webhooks format,
 * with bounded concurrency (in all and per subscription) and a timeout per request, so a receiver
 * that hangs holds at most its own slots. A failed attempt is retried with exponential backoff and
 * full jitter until the retry window (24 h by default) has passed since the first attempt; then the
 * delivery is dead. Deliveries of one lead go to one subscription in order (the store only hands
 * out the earliest undelivered one). A subscription failing persistently is disabled with its
 * reason, logged, counted and announced by a `webhook.disabled` event.
 *
 * Like the timer runner, it knows nothing of the database: the store implements
 * {@link DeliveryStore} (src/store/webhooks-repo.ts `createDeliveryStore`).
 */
import type {
  ClaimedWebhookDelivery,
  SubscriptionHealth,
  WebhookAttemptResult,
} from '../service/index.ts';
import type { JobsMetrics } from './metrics.ts';
import { signWebhook } from './webhook-signing.ts';

/** A delivery claimed for sending (the store's shape). */
export type ClaimedDelivery = ClaimedWebhookDelivery;
/** What one attempt came to. */
export type AttemptResult = WebhookAttemptResult;
export type { SubscriptionHealth };

/** The store side of the dispatcher. */
export interface DeliveryStore {
  claim(
    now: Date,
    limit: number,
    options: { perSubscription: number; busy: ReadonlyMap<string, number>; leaseMs: number },
  ): Promise<ClaimedDelivery[]>;
  complete(id: string, result: AttemptResult): Promise<SubscriptionHealth | undefined>;
  disable(subscriptionId: string, reason: string, now: Date): Promise<boolean>;
  countWaiting(): Promise<Map<string, number>>;
}

/** Where the dispatcher reports what must not go unseen. */
export interface DispatcherLog {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface WebhookDispatcherOptions {
  store: DeliveryStore;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Requests in flight to one subscription (default 4): a hanging receiver holds no more. */
  perSubscription?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Sleep between scans when nothing is due (default 250 ms). */
  pollMs?: number;
  /** Keep retrying a delivery this long after its first attempt (default 24 h). */
  retryForMs?: number;
  /** Backoff: the ceiling of attempt n is min(cap, base × 2^(n−1)), and the delay uniform below it. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Disable a subscription failing with no success for this long (default 72 h)… */
  disableAfterFailingMs?: number;
  /** …or after this many dead deliveries in a row (default 10). */
  disableAfterDead?: number;
  /** The scheduling clock (backoff, due times); default Date.now. Signatures use real time. */
  now?: () => number;
  /** Uniform in [0, 1) for the jitter; default Math.random. */
  random?: () => number;
  fetch?: typeof fetch;
  metrics?: JobsMetrics;
  log?: DispatcherLog;
  userAgent?: string;
}

export interface WebhookDispatcher {
  start(): void;
  /** Wakes the dispatcher (after committing events). */
  nudge(): void;
  /** Stops claiming and waits for the requests in flight. */
  stop(): Promise<void>;
  /**
   * Sends everything due now, following each lead's chain as earlier deliveries succeed, and
   * returns the attempts made (tests, with a moved clock).
   */
  runOnce(): Promise<number>;
  readonly inFlight: number;
}

/** The delay before retry number `attempt` (1 = after the first failure): full jitter. */
export function computeBackoffMs(
  attempt: number,
  options: { baseMs: number; capMs: number; random: () => number },
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt - 1, 40));
  // Never zero: a receiver that just failed is not hit again in the same instant.
  return Math.max(options.baseMs / 10, Math.floor(options.random() * ceiling));
}

/** Creates a dispatcher over a delivery store. */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const store = options.store;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const perSubscription = Math.max(1, options.perSubscription ?? 4);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? 250;
  const retryForMs = options.retryForMs ?? 24 * 3_600_000;
  const backoff = {
    baseMs: options.backoffBaseMs ?? 5_000,
    capMs: options.backoffCapMs ?? 3_600_000,
    random: options.random ?? Math.random,
  };
  const disableAfterFailingMs = options.disableAfterFailingMs ?? 72 * 3_600_000;
  const disableAfterDead = options.disableAfterDead ?? 10;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const userAgent = options.userAgent ?? 'leadrouter-webhooks';
  // Leases outlive the request by a margin, so a slow completion is not taken for a dead instance.
  const leaseMs = timeoutMs * 2 + 5_000;

  const busy = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loopDone: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  if (options.metrics) options.metrics.onCollectPendingDeliveries(() => store.countWaiting());

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify({
      type: delivery.eventType,
      timestamp: delivery.eventCreatedAt.toISOString(),
      data: delivery.payload,
    });
    // The signature's timestamp is the real time of sending: the receiver checks it against its
    // own clock to refuse replays.
    const headers = signWebhook(delivery.secret, delivery.eventId, new Date(), body);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let timedOut = false;
    try {
      const response = await doFetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      statusCode = response.status;
      // The body is not read: drop it so the connection can be reused.
      await response.body?.cancel().catch(() => undefined);
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (caught) {
      const e = caught as Error & { cause?: { code?: string; message?: string } };
      timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      error = timedOut
        ? `timed out after ${timeoutMs} ms`
        : e.cause?.code
          ? `${e.cause.code}: ${e.cause.message ?? e.message}`
          : e.message;
    }
    const latencyMs = performance.now() - started;
    const at = new Date(now());
    const ok = error === null;
    let retryAt: Date | null = null;
    if (!ok && at.getTime() - delivery.firstAttemptAt.getTime() < retryForMs)
      retryAt = new Date(at.getTime() + computeBackoffMs(delivery.attempts, backoff));
    options.metrics?.recordDelivery(
      ok ? 'delivered' : retryAt === null ? 'dead' : timedOut ? 'timeout' : 'failed',
      latencyMs / 1000,
    );
    const health = await store.complete(delivery.id, {
      at,
      ok,
      statusCode,
      error,
      latencyMs,
      retryAt,
    });
    if (!ok && retryAt === null)
      options.log?.warn(
        {
          delivery: delivery.id,
          subscription: delivery.subscriptionId,
          attempts: delivery.attempts,
          error,
        },
        'webhook delivery dead after its retry window',
      );
    if (!ok && health?.active) await disableIfFailing(health, at);
  }

  async function disableIfFailing(health: SubscriptionHealth, at: Date): Promise<void> {
    let reason: string | undefined;
    if (health.consecutiveDead >= disableAfterDead)
      reason = `${health.consecutiveDead} deliveries in a row dead after retrying for ${Math.round(retryForMs / 3_600_000)} h`;
    else if (
      health.failingSince &&
      at.getTime() - health.failingSince.getTime() >= disableAfterFailingMs
    )
      reason = `every delivery failed since ${health.failingSince.toISOString()}`;
    if (!reason) return;
    if (await store.disable(health.subscriptionId, reason, at)) {
      options.metrics?.recordSubscriptionDisabled();
      options.log?.error(
        { subscription: health.subscriptionId, reason },
        'webhook subscription disabled after failing persistently',
      );
    }
  }

  function launch(delivery: ClaimedDelivery): Promise<void> {
    busy.set(delivery.subscriptionId, (busy.get(delivery.subscriptionId) ?? 0) + 1);
    const task = attempt(delivery)
      .catch((error: unknown) => {
        // The result could not be recorded (database gone): the lease runs out and the delivery
        // is attempted again; the receiver dedupes by webhook-id.
        options.log?.error(
          { delivery: delivery.id, err: (error as Error).message },
          'recording a webhook attempt failed',
        );
      })
      .finally(() => {
        const n = (busy.get(delivery.subscriptionId) ?? 1) - 1;
        if (n <= 0) busy.delete(delivery.subscriptionId);
        else busy.set(delivery.subscriptionId, n);
        inFlight.delete(task);
        wake?.();
      });
    inFlight.add(task);
    return task;
  }

  async function claimAndLaunch(): Promise<number> {
    const free = concurrency - inFlight.size;
    if (free <= 0) return 0;
    const claimed = await store.claim(new Date(now()), free, { perSubscription, busy, leaseMs });
    for (const delivery of claimed) void launch(delivery);
    return claimed.length;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = (): void => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      wake = done;
    });
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (running) {
      let claimed = 0;
      try {
        claimed = await claimAndLaunch();
        failures = 0;
      } catch (error) {
        failures++;
        options.log?.error({ err: (error as Error).message }, 'claiming webhook deliveries failed');
        await sleep(Math.min(10_000, 250 * 2 ** Math.min(failures, 6)));
        continue;
      }
      if (!running) break;
      // Slots free and work found: scan again at once; otherwise wait for a slot, a nudge or the poll.
      if (claimed > 0 && inFlight.size < concurrency) continue;
      await sleep(pollMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loopDone = loop();
    },
    nudge() {
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loopDone;
      await Promise.all([...inFlight]);
    },
    async runOnce() {
      let attempts = 0;
      for (;;) {
        const n = await claimAndLaunch();
        attempts += n;
        if (n === 0 && inFlight.size === 0) return attempts;
        if (inFlight.size > 0) await Promise.race([...inFlight]);
      }
    },
    get inFlight() {
      return inFlight.size;
    },
  };
}
