/**
 * Lead intake: store a lead, route it and record the decision, durably and exactly once.
 *
 * The path of a lead, top to bottom in this file:
 * 1. `submit` hands the request to the batcher (batcher.ts): requests arriving while a transaction
 *    is in flight are committed together in the next one (group commit).
 * 2. `commit` prepares each request (prepare.ts: ids, derived fields, the lead as stored) and sets
 *    aside keys repeated within the batch (idempotency.ts).
 * 3. `store`, in one transaction (restarted by runTransaction when it loses a race): claim the
 *    idempotency keys, route (route-tasks.ts: locking and routing), write the leads, decisions and
 *    routing state in one statement.
 * 4. Results: the records just written (no read back), the stored result for a key already
 *    claimed, or a conflict when the body differs.
 */
import type { Kysely } from 'kysely';
import { isRequestSpecificError } from '../../store/db-errors.ts';
import { writeRoutedBatch } from '../../store/batch-writes.ts';
import { applyDecision, decisionRecordOf } from '../../store/lead-rows.ts';
import type { DecisionRecord, NewLead } from '../../store/leads-repo.ts';
import type { Database } from '../../store/schema.ts';
import { runTransaction } from '../../store/transaction.ts';
import { toServiceError } from '../database-errors.ts';
import { ServiceError } from '../errors.ts';
import { appendLeadEvents, type EventsHub } from '../events.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { RoutingCache, RoutingContext } from '../routing-cache.ts';
import {
  LockRetry,
  routeTasks,
  type LockSet,
  type RouteTasksResult,
  type StateSnapshot,
} from '../route-tasks.ts';
import { slaTimersOf, writeSlaTimers } from '../lifecycle/sla-timers.ts';
import type { TimerSignal } from '../lifecycle/index.ts';
import { Batcher } from './batcher.ts';
import { claimRequests, replayRepeats, replayStored, splitRepeats } from './idempotency.ts';
import { prepareLead, type PreparedLead } from './prepare.ts';
import type { IntakeRequest, IntakeResult } from './types.ts';

export type { IntakeRequest, IntakeResult } from './types.ts';
export { hashRequest } from './request-hash.ts';
export { externalIdKey } from './idempotency.ts';
export { storedDerivedFields } from './prepare.ts';

export interface LeadIntakeOptions {
  db: Kysely<Database>;
  cache: RoutingCache;
  snapshot: StateSnapshot;
  metrics?: ServiceMetrics;
  clock: () => number;
  /** Most leads per transaction. */
  maxBatch: number;
  /** Transactions in flight at once (1 on PGlite, which has one connection). */
  concurrency: number;
  /** Told after a commit that wrote outbound events. */
  events?: EventsHub;
  /** Told of committed SLA timers (wakes the timer runner). */
  timers?: TimerSignal;
}

/** From this attempt on, lock every row the policy can touch: the last restart always succeeds. */
const LOCK_EVERYTHING_FROM = 3;

export class LeadIntake {
  private readonly batcher: Batcher<IntakeRequest, IntakeResult>;
  private loading: Promise<void> | undefined;

  constructor(private readonly options: LeadIntakeOptions) {
    this.batcher = new Batcher({
      commit: (requests) => this.commit(requests),
      maxBatch: options.maxBatch,
      concurrency: options.concurrency,
      // One lead's data failed the transaction: the batcher commits each submission alone.
      isolate: isRequestSpecificError,
    });
  }

  /** Stores and routes one lead; resolves once its decision is committed. */
  async submit(request: IntakeRequest): Promise<IntakeResult> {
    let results: Array<IntakeResult | Error>;
    try {
      results = await this.batcher.submit([request]);
    } catch (error) {
      throw toServiceError(error);
    }
    const [result] = results;
    if (result instanceof Error) throw result;
    return result!;
  }

  /**
   * Stores and routes several leads in one transaction, in order; resolves once they are
   * committed. A lead whose idempotency key conflicts gets its error in its place.
   */
  async submitMany(requests: readonly IntakeRequest[]): Promise<Array<IntakeResult | Error>> {
    try {
      return await this.batcher.submit(requests);
    } catch (error) {
      throw toServiceError(error);
    }
  }

  /** Commits the requests in one transaction (the batcher's commit): one result per request. */
  private async commit(requests: IntakeRequest[]): Promise<Array<IntakeResult | Error>> {
    const { db, metrics } = this.options;
    const now = this.options.clock();
    const ctx = await this.options.cache.contextAt(now);
    await this.snapshotLoaded();

    const createdAt = new Date(now).toISOString();
    const all = requests.map((r) => prepareLead(r, ctx, now, createdAt));
    const { distinct, repeats } = splitRepeats(all);
    const stored = await this.store(distinct, ctx, now);

    const results = new Map<PreparedLead, IntakeResult | Error>();
    const committedAt = performance.now();
    metrics?.recordBatch(stored.routed.length);
    stored.routed.forEach((p, i) => {
      const made = stored.routing.routed[i]!.decision;
      metrics?.recordDecision(made, 'intake', (committedAt - p.task.receivedAt) / 1000);
      results.set(p, { lead: stored.leads[i]!, decision: stored.decisions[i]!, replayed: false });
    });
    const replays = distinct.filter((p) => !results.has(p));
    if (replays.length) for (const [p, r] of await replayStored(db, replays)) results.set(p, r);
    replayRepeats(repeats, results);
    return all.map((p) => results.get(p)!);
  }

  /**
   * In one transaction: claims the requests' keys, routes those holding them, writes their leads,
   * decisions and the routing state they changed. Returns what was written, in order.
   */
  private async store(
    prepared: readonly PreparedLead[],
    ctx: RoutingContext,
    now: number,
  ): Promise<{
    routed: PreparedLead[];
    leads: NewLead[];
    decisions: DecisionRecord[];
    routing: RouteTasksResult;
    timersDueAt: number | undefined;
  }> {
    const { snapshot, metrics } = this.options;
    let hint: LockSet = { pools: new Set(), owners: new Set() };
    const outcome = await runTransaction(
      this.options.db,
      async (tx, attempt) => {
        if (attempt >= LOCK_EVERYTHING_FROM) hint = everything(ctx, hint);
        const routable = await claimRequests(tx, prepared);
        const routing = await routeTasks(
          tx,
          routable.map((p) => p.task),
          ctx,
          now,
          snapshot,
          hint,
        );
        const leads: NewLead[] = [];
        const decisions: DecisionRecord[] = [];
        routable.forEach((p, i) => {
          const { decision, latencyUs } = routing.routed[i]!;
          leads.push(applyDecision(p.lead, decision, p.lead.createdAt));
          decisions.push(
            decisionRecordOf(decision, {
              id: p.decisionId,
              leadId: p.lead.id,
              trigger: 'intake',
              createdAt: p.lead.createdAt,
              latencyUs,
            }),
          );
        });
        await writeRoutedBatch(tx, {
          leads,
          decisions,
          pools: routing.changedPools,
          owners: routing.changedOwners,
        });
        const events = await appendLeadEvents(
          tx,
          this.options.cache.activeEventTypes(),
          decisions.map((decision, i) => ({ decision, lead: leads[i]! })),
          new Date(now),
        );
        // SLA deadlines start with the decision, in its transaction: one statement per batch.
        const timersDueAt = ctx.policy.slas
          ? await writeSlaTimers(
              tx,
              routable.flatMap((p, i) =>
                slaTimersOf(ctx.policy, ctx.directory, p.lead.id, routing.routed[i]!.decision, now),
              ),
            )
          : undefined;
        return { routed: routable, leads, decisions, routing, events, timersDueAt };
      },
      {
        onRestart: (reason, error) => {
          if (error instanceof LockRetry) hint = error.locks;
          metrics?.recordRestart(reason);
        },
        giveUp: (attempts) =>
          new ServiceError(
            'unavailable',
            `could not commit the routing transaction after ${attempts} attempts; retry the request`,
          ),
      },
    );
    snapshot.absorb(outcome.routing.pools, outcome.routing.owners);
    snapshot.markRows(outcome.routing.locks);
    this.options.events?.committed(outcome.events);
    this.options.timers?.notify(outcome.timersDueAt);
    return outcome;
  }

  private snapshotLoaded(): Promise<void> {
    this.loading ??= this.options.snapshot.load(this.options.db).catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }
}

/** Every row the policy could touch, plus what was already asked for. */
function everything(ctx: RoutingContext, hint: LockSet): LockSet {
  const pools = new Set([...hint.pools, ...ctx.policy.poolIds()]);
  const owners = new Set([...hint.owners, ...ctx.directory.owners.keys()]);
  return { pools, owners };
}
