/**
 * The SLA timers' handlers on the timer runner: each fires through the lifecycle use case in the
 * runner's transaction, and counts what it did (warnings, breaches, escalation steps) once that
 * transaction committed.
 */
import { SLA_BREACH, SLA_WARNING, type Services } from '../service/index.ts';
import type { JobsMetrics } from './metrics.ts';
import type { TimerHandler, TimerRunner } from './timer-runner.ts';

/** Registers `sla.warning` and `sla.breach` on `runner`. */
export function registerSlaHandlers<Tx>(
  runner: TimerRunner<Tx>,
  services: Pick<Services, 'lifecycle'>,
  metrics?: JobsMetrics,
): void {
  const handler: TimerHandler<Tx> = async (tx, timer, context) => {
    const result = await services.lifecycle.fireSlaTimer(tx, timer);
    context.afterCommit(() => {
      if (result.outcome === 'warning') metrics?.recordBreach(result.sla, result.step, 'warning');
      if (result.outcome === 'breach') {
        metrics?.recordBreach(result.sla, result.step, 'breach');
        if (result.action) metrics?.recordEscalation(result.sla, result.step, result.action);
      }
      services.lifecycle.afterFired(result);
    });
  };
  runner.on(SLA_WARNING, handler).on(SLA_BREACH, handler);
}
