/**
 * The lead's life after routing, on the SLA path: deadlines as durable timers (scheduled by
 * intake and re-routing in their own transactions), what a warning or breach does when its timer
 * fires, touches and the first touch, and the lead's timeline.
 */
import type { Kysely } from 'kysely';
import { isUuid } from '../../store/ids.ts';
import { lockLead, findLead } from '../../store/leads-repo.ts';
import type { Database } from '../../store/schema.ts';

import { createTimerStore } from '../../store/timers-repo.ts';
import { runTransaction } from '../../store/transaction.ts';
import { toServiceError } from '../database-errors.ts';
import { notFound, ServiceError } from '../errors.ts';
import type { RoutingCache, RoutingContext } from '../routing-cache.ts';
import type { StateSnapshot } from '../route-tasks.ts';
import { fireSlaTimer, type SlaFireResult, type SlaTimer } from './breach.ts';
import { readTimeline, type TimelineEntry } from './timeline.ts';
import { recordTouchIn, type TouchInput, type TouchResult } from './touches.ts';

import type { TimerSignal } from './signal.ts';

export { TimerSignal } from './signal.ts';
export { SLA_BREACH, SLA_TIMER_KINDS, SLA_WARNING } from './sla-timers.ts';
export { TOUCH_KINDS, type TouchInput, type TouchResult } from './touches.ts';
export type { SlaFireResult, SlaTimer } from './breach.ts';
export type { TimelineEntry } from './timeline.ts';

export interface LifecycleServiceOptions {
  db: Kysely<Database>;
  cache: RoutingCache;
  snapshot: StateSnapshot;
  clock: () => number;
  /** Told after a commit that scheduled timers, with the earliest due time. */
  scheduled: TimerSignal;
}

export class LifecycleService {
  constructor(private readonly o: LifecycleServiceOptions) {}

  /** Connects the timer runner's wake-up to commits that schedule timers. */
  onTimersScheduled(listener: (dueAt: number) => void): void {
    this.o.scheduled.connect(listener);
  }

  /** Records a touch; the first one stops the first-response clock. 404 for an unknown lead. */
  async recordTouch(leadId: string, input: TouchInput): Promise<TouchResult> {
    if (!isUuid(leadId)) throw notFound('lead', leadId);
    const ctx = await this.contextOrUndefined(this.o.clock());
    try {
      return await runTransaction(this.o.db, async (tx) => {
        const lead = await lockLead(tx, leadId);
        if (!lead) throw notFound('lead', leadId);
        return recordTouchIn(this.o, ctx, tx, lead, input);
      });
    } catch (error) {
      throw toServiceError(error);
    }
  }

  /** The lead's timeline in time order. 404 for an unknown lead. */
  async readTimeline(leadId: string): Promise<TimelineEntry[]> {
    if (!isUuid(leadId)) throw notFound('lead', leadId);
    if (!(await findLead(this.o.db, leadId))) throw notFound('lead', leadId);
    return readTimeline(this.o.db, leadId);
  }

  /**
   * Fires an SLA timer (`sla.warning` or `sla.breach`) in the timer runner's transaction. Call
   * `afterCommit` of the result once that transaction committed.
   */
  async fireSlaTimer(tx: unknown, timer: SlaTimer): Promise<SlaFireResult> {
    return fireSlaTimer(this.o, this.sweepContext, tx as Kysely<Database>, timer);
  }

  /** The routing context of the sweep in progress, read before its transaction opened. */
  private sweepContext: RoutingContext | undefined;

  private async contextOrUndefined(now: number): Promise<RoutingContext | undefined> {
    try {
      return await this.o.cache.contextAt(now);
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'unavailable') return undefined;
      throw error;
    }
  }

  /** The store side of the timer runner (src/jobs/timer-runner.ts), over the `timers` table. */
  timerStore(): ReturnType<typeof createTimerStore> {
    const store = createTimerStore(this.o.db);
    return {
      ...store,
      // The policy and owners are read before the sweep's transaction: inside it, PGlite's one
      // connection is taken, and the handlers need them.
      fireDue: async (now, limit, fire, retryAt) => {
        this.sweepContext = await this.contextOrUndefined(now.getTime());
        return store.fireDue(now, limit, fire, retryAt);
      },
    };
  }

  /** After the firing transaction committed: reload owners if paused, wake the runner. */
  afterFired(result: SlaFireResult): void {
    if (result.ownersChanged) this.o.cache.markStale();
    this.o.scheduled.notify(result.nextDueAt);
  }
}
