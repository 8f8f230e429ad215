/**
 * The routing service's use cases, wired to one store. The server's entry point (and tests)
 * create one of these per database; everything above (API, CLI, jobs) calls through it.
 */
import { countQueuedLeads } from '../store/leads-repo.ts';
import type { Store } from '../store/database.ts';
import { AccountService } from './accounts.ts';
import { DecisionService } from './decisions.ts';
import { LeadService } from './leads.ts';
import { createMetrics, type ServiceMetrics } from './metrics.ts';
import { OwnerService } from './owners.ts';
import { PolicyService } from './policies.ts';
import { LeadIntake } from './intake/index.ts';
import { LifecycleService, TimerSignal } from './lifecycle/index.ts';
import { RoutingCache } from './routing-cache.ts';
import { StateSnapshot } from './route-tasks.ts';
import { EventsHub } from './events.ts';
import { WebhookService } from './webhooks.ts';
import { createAccess, type Access, type AccessOptions } from './access/access.ts';
import { createSettings, type Settings } from './access/settings.ts';

export interface ServicesOptions {
  store: Store;
  /** Wall clock in epoch ms; tests move it. */
  clock?: () => number;
  metrics?: ServiceMetrics;
  /** Most leads committed in one transaction. */
  maxBatch?: number;
  /** Routing transactions in flight at once (always 1 on PGlite). */
  concurrency?: number;
  /** How long cached owners, accounts and policies go unchecked under load (see RoutingCache). */
  cacheTtlMs?: number;
  /** Options of the access service (token cache, sessions, login slow-down). */
  access?: AccessOptions;
}

export interface Services {
  readonly store: Store;
  readonly clock: () => number;
  readonly metrics: ServiceMetrics;
  readonly cache: RoutingCache;
  readonly intake: LeadIntake;
  readonly leads: LeadService;
  readonly owners: OwnerService;
  readonly accounts: AccountService;
  readonly policies: PolicyService;
  readonly decisions: DecisionService;
  /** Webhook subscriptions and delivery logs. */
  readonly webhooks: WebhookService;
  /** Commits that wrote outbound events: the webhook dispatcher listens (`onCommitted`). */
  readonly events: EventsHub;
  /** Credentials (tokens, users, sessions) and the audit log. */
  readonly access: Access;
  /** Server settings (required approvals…), audited. */
  readonly settings: Settings;
  /** SLA timers, breaches and escalations, touches, the lead's timeline. */
  readonly lifecycle: LifecycleService;
}

export function createServices(options: ServicesOptions): Services {
  const { store } = options;
  const db = store.db;
  const clock = options.clock ?? Date.now;
  const metrics = options.metrics ?? createMetrics();
  metrics.onCollectQueued(() => countQueuedLeads(db));
  const cache = new RoutingCache(db, options.cacheTtlMs ?? 0);
  const onChange = () => cache.markStale();
  const snapshot = new StateSnapshot();
  const events = new EventsHub();
  const timers = new TimerSignal();
  const concurrency =
    store.kind === 'pglite'
      ? 1
      : Math.max(1, Math.min(options.concurrency ?? 2, store.connections - 1));
  return {
    store,
    clock,
    metrics,
    cache,
    intake: new LeadIntake({
      db,
      cache,
      snapshot,
      metrics,
      clock,
      maxBatch: options.maxBatch ?? 200,
      concurrency,
      events,
      timers,
    }),
    leads: new LeadService({ db, cache, snapshot, metrics, clock, events, timers }),
    owners: new OwnerService(db, clock, onChange),
    accounts: new AccountService(db, onChange),
    policies: new PolicyService(db, cache, clock, events),
    decisions: new DecisionService(db),
    webhooks: new WebhookService(db, cache, clock, events),
    events,
    access: createAccess(db, { clock, ...options.access }),
    settings: createSettings(db, clock),
    lifecycle: new LifecycleService({ db, cache, snapshot, clock, scheduled: timers }),
  };
}

// What the API layer needs of the service besides `Services`, so that it depends on this module
// only: the records it presents, the intake's request and result, the errors it maps.
export { LEAD_STATUSES, SETTABLE_LEAD_STATUSES, type LeadStatus } from '../engine/index.ts';
export type { DecisionRecord, LeadRecord } from '../store/leads-repo.ts';
export { DECISION_TRIGGERS, type DecisionTrigger } from '../store/lead-rows.ts';
export type { PolicyVersionRecord } from '../store/policies-repo.ts';
export { hashRequest, type IntakeRequest, type IntakeResult } from './intake/index.ts';
export { toServiceError } from './database-errors.ts';

// Errors the API turns into responses (src/api/errors.ts holds the status table).
export { ERROR_CODES, ServiceError, type ErrorCode, type ErrorDetail } from './errors.ts';

// Owners and accounts as the service returns them, and the owners- and accounts-file shapes the
// API writes them in: one list of keys for the files and the API's schemas.
export type { BulkResult, OwnerAvailability, OwnerWithLoad } from './owners.ts';
export type { OwnerRecord } from '../store/owners-repo.ts';
export type { AccountRecord } from '../store/accounts-repo.ts';
export {
  CAP_KEYS,
  OUT_OF_OFFICE_KEYS,
  OWNER_KEYS,
  SKILL_KEYS,
  WORKING_HOURS_KEYS,
  writeOwner,
  type OwnersFormat,
} from '../formats/owners.ts';
export { writeAccount } from '../formats/accounts.ts';
export type { DraftFields } from './policies.ts';
export { checkDatabase, type DatabaseHealth } from './health.ts';

// Outbound events and webhooks (docs/lifecycle.md).
export { EventsHub, type LeadEventPayload } from './events.ts';
export {
  DELIVERY_STATUSES,
  type WebhookDelivery,
  type WebhookSubscriptionView,
} from './webhooks.ts';
export { WEBHOOK_EVENT_TYPES } from './webhooks-input.ts';
export {
  SLA_BREACH,
  SLA_TIMER_KINDS,
  SLA_WARNING,
  TOUCH_KINDS,
  type SlaFireResult,
  type SlaTimer,
  type TimelineEntry,
  type TouchInput,
  type TouchResult,
} from './lifecycle/index.ts';
export type { Page } from './pages.ts';

// Access control and the audit log (roles, tokens, users, sessions): the API's auth hook and the CLI.
export * from './access/index.ts';

// What the jobs runners (src/jobs) are handed by the store at wiring time: the shapes of a due
// timer and of a webhook delivery, declared once in the store.
export type { StoredTimer } from '../store/timers-repo.ts';
export type {
  ClaimedWebhookDelivery,
  SubscriptionHealth,
  WebhookAttemptResult,
} from '../store/webhooks-repo.ts';
