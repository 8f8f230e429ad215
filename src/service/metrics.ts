/**
 * Prometheus metrics of the routing service. Each service instance owns its registry (tests build
 * several in one process); `/metrics` renders it.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Decision } from '../engine/index.ts';

export interface ServiceMetrics {
  readonly registry: Registry;
  /** A decision is durable: count it and observe its latency (arrival → commit). */
  recordDecision(
    decision: Pick<Decision, 'outcome' | 'ruleId' | 'poolId'>,
    trigger: string,
    seconds: number,
  ): void;
  /** Leads in a batch committed together. */
  recordBatch(size: number): void;
  /**
   * A routing transaction asked to start over: `locks` (it touched rows it had not locked),
   * `deadlock`, `serialization` (the reasons of runTransaction).
   */
  recordRestart(reason: string): void;
  /** Set the callback that reads queued leads per queue at scrape time. */
  onCollectQueued(read: () => Promise<Map<string, number>>): void;
}

/** Creates the metrics with a fresh registry (and process metrics unless `processMetrics` is false). */
export function createMetrics(options: { processMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'leadrouter_' });
  const latency = new Histogram({
    name: 'leadrouter_decision_latency_seconds',
    help: 'Time from a routing request arriving to its decision being durable',
    labelNames: ['trigger'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'leadrouter_decisions_total',
    help: 'Routing decisions by outcome, rule and pool',
    labelNames: ['outcome', 'rule', 'pool', 'trigger'],
    registers: [registry],
  });
  const batches = new Histogram({
    name: 'leadrouter_commit_batch_size',
    help: 'Leads committed together in one transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const restarts = new Counter({
    name: 'leadrouter_routing_restarts_total',
    help: 'Routing transactions started over, by reason (contention between instances)',
    labelNames: ['reason'],
    registers: [registry],
  });
  let readQueued: (() => Promise<Map<string, number>>) | undefined;
  new Gauge({
    name: 'leadrouter_queued_leads',
    help: 'Leads waiting in a queue, by queue',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      if (!readQueued) return;
      this.reset();
      for (const [queue, n] of await readQueued()) this.set({ queue }, n);
    },
  });
  return {
    registry,
    recordDecision(decision, trigger, seconds) {
      latency.observe({ trigger }, seconds);
      decisions.inc({
        outcome: decision.outcome,
        rule: decision.ruleId ?? '',
        pool: decision.poolId ?? '',
        trigger,
      });
    },
    recordBatch(size) {
      batches.observe(size);
    },
    recordRestart(reason) {
      restarts.inc({ reason });
    },
    onCollectQueued(read) {
      readQueued = read;
    },
  };
}
