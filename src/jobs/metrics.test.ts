import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createJobsMetrics } from './metrics.ts';

describe('jobs metrics', () => {
  it('counts breaches and escalations by SLA and step, and deliveries by outcome with their latency', async () => {
    const registry = new Registry();
    const metrics = createJobsMetrics(registry);
    metrics.recordBreach('hot', 0);
    metrics.recordBreach('hot', 0);
    metrics.recordBreach('hot', 1, 'warning');
    metrics.recordEscalation('hot', 0, 'reassign');
    metrics.recordDelivery('delivered', 0.02);
    metrics.recordDelivery('timeout', 10);
    metrics.observeTimerFired('sla.breach', 0.3);
    metrics.onCollectPendingTimers(async () => 42);
    metrics.onCollectPendingDeliveries(async () => new Map([['failed', 3]]));
    const text = await registry.metrics();
    expect(text).toContain('leadrouter_sla_breaches_total{sla="hot",step="0",kind="breach"} 2');
    expect(text).toContain('leadrouter_sla_breaches_total{sla="hot",step="1",kind="warning"} 1');
    expect(text).toContain('leadrouter_escalations_total{sla="hot",step="0",action="reassign"} 1');
    expect(text).toContain('leadrouter_webhook_deliveries_total{outcome="timeout"} 1');
    expect(text).toContain(
      'leadrouter_webhook_delivery_latency_seconds_bucket{le="0.025",outcome="delivered"} 1',
    );
    expect(text).toContain(
      'leadrouter_timer_fire_lag_seconds_bucket{le="0.5",kind="sla.breach"} 1',
    );
    expect(text).toContain('leadrouter_timers_pending 42');
    expect(text).toContain('leadrouter_webhook_deliveries_waiting{status="failed"} 3');
  });
});
