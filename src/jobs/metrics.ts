/**
 * Prometheus metrics of the jobs: durable timers, SLA breaches and escalations, webhook delivery.
 * Registered on the registry the caller passes (the service's, so `/metrics` shows them all).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Outcome of one delivery attempt. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'timeout' | 'dead';

export interface JobsMetrics {
  /** A timer fired and committed `lagSeconds` after it fell due. */
  observeTimerFired(kind: string, lagSeconds: number): void;
  /** A timer's handler threw; the timer was moved later. */
  recordTimerFailure(kind: string): void;
  /** An SLA breached (or warned) at a step of its ladder: count after commit. */
  recordBreach(sla: string, step: number, kind?: 'warning' | 'breach'): void;
  /** An escalation step was taken. */
  recordEscalation(sla: string, step: number, action: string): void;
  /** A webhook delivery attempt ended with `outcome` after `seconds` (request time). */
  recordDelivery(outcome: DeliveryOutcome, seconds: number): void;
  /** A subscription was disabled after failing persistently. */
  recordSubscriptionDisabled(): void;
  /** Reads the number of pending timers at scrape time. */
  onCollectPendingTimers(read: () => Promise<number>): void;
  /** Reads deliveries waiting (pending or failed, per status) at scrape time. */
  onCollectPendingDeliveries(read: () => Promise<Map<string, number>>): void;
}

/** Creates the jobs' metrics on `registry`. */
export function createJobsMetrics(registry: Registry): JobsMetrics {
  let readTimers: (() => Promise<number>) | undefined;
  let readDeliveries: (() => Promise<Map<string, number>>) | undefined;
  new Gauge({
    name: 'leadrouter_timers_pending',
    help: 'Durable timers waiting to fire (SLA deadlines, parked-lead retries)',
    registers: [registry],
    async collect() {
      if (readTimers) this.set(await readTimers());
    },
  });
  const lag = new Histogram({
    name: 'leadrouter_timer_fire_lag_seconds',
    help: 'Time from a timer falling due to its effects being committed',
    labelNames: ['kind'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const timerFailures = new Counter({
    name: 'leadrouter_timer_failures_total',
    help: 'Timer firings whose handler threw (the timer is retried later)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const breaches = new Counter({
    name: 'leadrouter_sla_breaches_total',
    help: 'SLA breaches (and warnings) by SLA and ladder step',
    labelNames: ['sla', 'step', 'kind'],
    registers: [registry],
  });
  const escalations = new Counter({
    name: 'leadrouter_escalations_total',
    help: 'Escalation steps taken, by SLA, step and action',
    labelNames: ['sla', 'step', 'action'],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'leadrouter_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'leadrouter_webhook_delivery_latency_seconds',
    help: 'Time a webhook receiver took to answer (or to time out)',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const disabled = new Counter({
    name: 'leadrouter_webhook_subscriptions_disabled_total',
    help: 'Webhook subscriptions disabled after failing persistently',
    registers: [registry],
  });
  new Gauge({
    name: 'leadrouter_webhook_deliveries_waiting',
    help: 'Webhook deliveries not yet delivered nor dead, by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      if (!readDeliveries) return;
      this.reset();
      for (const [status, n] of await readDeliveries()) this.set({ status }, n);
    },
  });
  return {
    observeTimerFired(kind, lagSeconds) {
      lag.observe({ kind }, lagSeconds);
    },
    recordTimerFailure(kind) {
      timerFailures.inc({ kind });
    },
    recordBreach(sla, step, kind = 'breach') {
      breaches.inc({ sla, step: String(step), kind });
    },
    recordEscalation(sla, step, action) {
      escalations.inc({ sla, step: String(step), action });
    },
    recordDelivery(outcome, seconds) {
      deliveries.inc({ outcome });
      latency.observe({ outcome }, seconds);
    },
    recordSubscriptionDisabled() {
      disabled.inc();
    },
    onCollectPendingTimers(read) {
      readTimers = read;
    },
    onCollectPendingDeliveries(read) {
      readDeliveries = read;
    },
  };
}
