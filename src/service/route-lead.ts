/**
 * Lead intake: store a lead, route it and record the decision, durably and exactly once.
 *
 * Requests arriving while a transaction is in flight wait and are committed together in the next
 * one (group commit): a batch costs about a dozen round trips whatever its size, so throughput
 * grows with concurrency while no request is answered before its decision is durable. An idle
 * service starts a batch at once, so a lone request never waits for company.
 *
 * In one transaction per batch: claim the idempotency keys, route (see route-tasks.ts for the
 * locking), insert the leads and decisions, write the routing state. A key already claimed replays
 * the stored lead and decision (or is a conflict when the request body differs).
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  deriveLead,
  deriveLeadFields,
  normalizeEmail,
  type Decision,
  type DerivedLead,
  type Lead,
} from '../engine/index.ts';
import { writeRoutedBatch } from '../store/batch-writes.ts';
import {
  claimKeys,
  findKeys,
  releaseKeys,
  type IdempotencyEntry,
} from '../store/idempotency-repo.ts';
import { createId } from '../store/ids.ts';
import {
  findDecisions,
  findLeads,
  type DecisionRecord,
  type DecisionRow,
  type DecisionTrigger,
  type LeadRecord,
  type LeadRow,
  type LeadStatus,
} from '../store/leads-repo.ts';
import type { Database } from '../store/schema.ts';
import { ServiceError, sqlState } from './errors.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { RoutingCache, RoutingContext } from './routing-cache.ts';
import {
  LockRetry,
  routeTasks,
  type LockSet,
  type RoutedTask,
  type StateSnapshot,
} from './route-tasks.ts';

/** One lead to take in. */
export interface IntakeRequest {
  /** The lead's attributes as given (without `external_id`). */
  attributes: Record<string, unknown>;
  externalId?: string;
  /**
   * Idempotency key, scoped by the caller (the header's). Without one, the external id is the key;
   * with both, the external id's key is claimed too (see {@link externalIdKey}).
   */
  idempotencyKey?: string;
  /** Hash of the request body: the same key with another body is a conflict. */
  requestHash: string;
  /** `performance.now()` at arrival. */
  receivedAt: number;
}

export interface IntakeResult {
  lead: LeadRecord;
  decision: DecisionRecord;
  /** True when the key was seen before and this is the stored result. */
  replayed: boolean;
}

/** Requests submitted together (one, or a batch request's leads): committed in one transaction. */
interface Pending {
  requests: readonly IntakeRequest[];
  resolve: (results: Array<IntakeResult | Error>) => void;
  reject: (error: unknown) => void;
}

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
}

/** Transaction attempts before a batch fails (restarts for locks, deadlocks, serialisation). */
const MAX_ATTEMPTS = 8;
/** From this attempt on, lock every row the policy can touch: the last restart always succeeds. */
const LOCK_EVERYTHING_FROM = 3;

export class LeadIntake {
  private readonly queue: Pending[] = [];
  private running = 0;
  private scheduled = false;

  constructor(private readonly options: LeadIntakeOptions) {}

  /** Stores and routes one lead; resolves once its decision is committed. */
  async submit(request: IntakeRequest): Promise<IntakeResult> {
    const [result] = await this.submitMany([request]);
    if (result instanceof Error) throw result;
    return result!;
  }

  /**
   * Stores and routes several leads in one transaction, in order; resolves once they are
   * committed. A lead whose idempotency key conflicts gets its error in its place.
   */
  submitMany(requests: readonly IntakeRequest[]): Promise<Array<IntakeResult | Error>> {
    if (requests.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ requests, resolve, reject });
      this.pump();
    });
  }

  /**
   * Starts batches while there is room, after the current turn of the event loop: requests whose
   * bytes arrived in the same turn join the batch instead of each starting its own (on PGlite,
   * whose work blocks the thread, batches would otherwise stay at one lead).
   */
  private pump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.running < this.options.concurrency && this.queue.length > 0) {
        const batch = this.takeBatch();
        this.running++;
        void this.runBatch(batch).finally(() => {
          this.running--;
          this.pump();
        });
      }
    });
  }

  /** Whole submissions, in arrival order, up to about `maxBatch` leads. */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let leads = 0;
    while (
      this.queue.length > 0 &&
      (batch.length === 0 || leads + this.queue[0]!.requests.length <= this.options.maxBatch)
    ) {
      const next = this.queue.shift()!;
      batch.push(next);
      leads += next.requests.length;
    }
    return batch;
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    try {
      await this.commitSubmissions(batch);
    } catch (error) {
      if (batch.length > 1 && isRequestSpecific(error)) {
        // One submission's data failed the transaction: commit each one alone, so that only the
        // submission at fault fails and the others' leads are stored as if they had come alone.
        for (const p of batch) await this.commitSubmissions([p]).catch(p.reject);
      } else {
        for (const p of batch) p.reject(error);
      }
    }
  }

  /** Commits the submissions together in one transaction and resolves each with its results. */
  private async commitSubmissions(batch: Pending[]): Promise<void> {
    const now = this.options.clock();
    const ctx = await this.options.cache.contextAt(now);
    await this.snapshotLoaded();
    const results = await this.commitBatch(
      batch.flatMap((p) => p.requests),
      ctx,
      now,
    );
    let at = 0;
    for (const p of batch) {
      p.resolve(results.slice(at, at + p.requests.length));
      at += p.requests.length;
    }
  }

  private loading: Promise<void> | undefined;
  private snapshotLoaded(): Promise<void> {
    this.loading ??= this.options.snapshot.load(this.options.db).catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async commitBatch(
    requests: readonly IntakeRequest[],
    ctx: RoutingContext,
    now: number,
  ): Promise<Array<IntakeResult | Error>> {
    const { db, snapshot, metrics } = this.options;
    const all = requests.map((r) => prepareLead(r, ctx, now));
    // A key repeated within the batch: the first occurrence is routed, later ones replay it.
    const firstByKey = new Map<string, PreparedLead>();
    const repeats = new Map<PreparedLead, PreparedLead>();
    for (const p of all) {
      if (p.key === undefined) continue;
      const first = firstByKey.get(p.key);
      if (first) repeats.set(p, first);
      else firstByKey.set(p.key, p);
    }
    const prepared = all.filter((p) => !repeats.has(p));
    let hint: LockSet = { pools: new Set(), owners: new Set() };

    for (let attempt = 1; ; attempt++) {
      if (attempt >= LOCK_EVERYTHING_FROM) hint = everything(ctx, hint);
      try {
        const outcome = await db.transaction().execute(async (tx) => {
          const entries = prepared.flatMap((p) =>
            claimsOf(p).map((key): IdempotencyEntry => ({
              key,
              requestHash: p.requestHash,
              leadId: p.leadRow.id,
              decisionId: p.decisionId,
            })),
          );
          const claimed = await claimKeys(tx, entries);
          // A request is routed when it holds all its keys. One that got its own key but not its
          // external id's (another lead has that external id) replays that lead: it gives its own
          // key back.
          const routable: PreparedLead[] = [];
          const partial: string[] = [];
          for (const p of prepared) {
            const keys = claimsOf(p);
            const held = keys.filter((k) => claimed.get(k) === p.leadRow.id);
            if (held.length === keys.length) routable.push(p);
            else partial.push(...held);
          }
          if (partial.length) await releaseKeys(tx, partial);
          const routed = await routeTasks(
            tx,
            routable.map((p) => p.task),
            ctx,
            now,
            snapshot,
            hint,
          );
          const leadRows: LeadRow[] = [];
          const decisionRows: DecisionRow[] = [];
          routable.forEach((p, i) => {
            const r = routed.routed[i]!;
            leadRows.push(applyDecisionToLead(p.leadRow, r.decision, now));
            decisionRows.push(buildDecisionRow(p.decisionId, p.leadRow.id, r, 'intake', now, {}));
          });
          await writeRoutedBatch(tx, {
            leads: leadRows,
            decisions: decisionRows,
            pools: routed.changedPools,
            owners: routed.changedOwners,
          });
          return { routable, routed, leadRows, decisionRows };
        });
        snapshot.absorb(outcome.routed.pools, outcome.routed.owners);
        snapshot.markRows(outcome.routed.locks);

        const results = new Map<PreparedLead, IntakeResult | Error>();
        const committedAt = performance.now();
        metrics?.recordBatch(outcome.routable.length);
        outcome.routable.forEach((p, i) => {
          const decision = outcome.routed.routed[i]!.decision;
          metrics?.recordDecision(decision, 'intake', (committedAt - p.task.receivedAt) / 1000);
          results.set(p, {
            lead: leadRecordOf(outcome.leadRows[i]!, p.attributes, p.derived),
            decision: decisionRecordOf(outcome.decisionRows[i]!, decision.explanation),
            replayed: false,
          });
        });
        const replays = prepared.filter((p) => !results.has(p));
        if (replays.length) for (const [p, r] of await replayStored(db, replays)) results.set(p, r);
        for (const [p, first] of repeats) {
          const r = results.get(first)!;
          results.set(
            p,
            r instanceof Error
              ? r
              : p.requestHash === first.requestHash
                ? { ...r, replayed: true }
                : conflict(p.key!, r.lead.id),
          );
        }
        return all.map((p) => results.get(p)!);
      } catch (error) {
        if (error instanceof LockRetry) {
          hint = error.locks;
          metrics?.recordRestart('locks');
        } else if (isRetryable(error)) {
          metrics?.recordRestart(restartReason(error));
        } else {
          throw error;
        }
        if (attempt >= MAX_ATTEMPTS) {
          throw new ServiceError(
            'unavailable',
            `could not commit the routing transaction after ${attempt} attempts; retry the request`,
          );
        }
      }
    }
  }
}

/** A lead ready to be routed: ids assigned, fields derived, row built. */
interface PreparedLead {
  key?: string;
  /**
   * The external id's key (`x:…`) when the request's own key is another (an Idempotency-Key
   * header): claimed too, so that no two leads share an external id.
   */
  externalKey?: string;
  requestHash: string;
  decisionId: string;
  leadRow: LeadRow & { id: string; attributes: string; derived: string };
  task: { lead: Lead; derived: DerivedLead; emailNorm?: string; receivedAt: number };
  attributes: Record<string, unknown>;
  derived: Record<string, unknown>;
}

function prepareLead(request: IntakeRequest, ctx: RoutingContext, now: number): PreparedLead {
  const lead: Lead =
    request.externalId === undefined
      ? (request.attributes as Lead)
      : { ...request.attributes, id: request.externalId };
  // Derived once: the stored fields and both routing passes read the same result.
  const derivedLead = deriveLead(lead, ctx.policy, ctx.accounts);
  const derived = storedDerivedFields(lead, ctx, derivedLead);
  const emailNorm = normalizeEmail(lead.email);
  const id = createId(now);
  const created = new Date(now);
  const externalKey =
    request.externalId === undefined ? undefined : externalIdKey(request.externalId);
  return {
    key: request.idempotencyKey ?? externalKey,
    externalKey: request.idempotencyKey === externalKey ? undefined : externalKey,
    requestHash: request.requestHash,
    decisionId: createId(now),
    attributes: request.attributes,
    derived,
    leadRow: {
      id,
      external_id: request.externalId ?? null,
      attributes: JSON.stringify(request.attributes),
      derived: JSON.stringify(derived),
      email_norm: emailNorm ?? null,
      status: 'queued',
      owner_id: null,
      queue_id: null,
      account_id: typeof derived.account_id === 'string' ? derived.account_id : null,
      retry_at: null,
      created_at: created,
      updated_at: created,
      assigned_at: null,
    },
    task: { lead, derived: derivedLead, emailNorm, receivedAt: request.receivedAt },
  };
}

/** The lead columns a decision sets: status, owner or queue, retry time. */
export function leadFieldsAfter(decision: Decision, now: number) {
  return {
    status: statusOf(decision),
    owner_id: decision.outcome === 'assigned' ? (decision.ownerId ?? null) : null,
    queue_id: decision.outcome === 'queued' ? (decision.queueId ?? null) : null,
    retry_at: decision.retryAt === undefined ? null : new Date(decision.retryAt),
    assigned_at: decision.outcome === 'assigned' ? new Date(now) : null,
  };
}

/** The lead row after a decision. */
export function applyDecisionToLead<T extends LeadRow>(row: T, decision: Decision, now: number): T {
  return {
    ...row,
    ...leadFieldsAfter(decision, now),
    account_id: decision.accountId ?? row.account_id ?? null,
  };
}

export function statusOf(decision: Decision): LeadStatus {
  return decision.outcome === 'assigned'
    ? 'assigned'
    : decision.outcome === 'queued'
      ? 'queued'
      : 'unroutable';
}

/** The decision row for a routed task. */
export function buildDecisionRow(
  id: string,
  leadId: string,
  routed: RoutedTask,
  trigger: DecisionTrigger,
  now: number,
  extra: { reason?: string; actor?: string; previousOwnerId?: string | null },
): DecisionRow {
  const d = routed.decision;
  return {
    id,
    lead_id: leadId,
    trigger,
    outcome: d.outcome,
    owner_id: d.ownerId ?? null,
    queue_id: d.queueId ?? null,
    rule_id: d.ruleId ?? null,
    pool_id: d.poolId ?? null,
    policy_version: d.policyVersion,
    previous_owner_id: extra.previousOwnerId ?? null,
    // The caller's reason (why re-route) comes first; the engine's (why queued) is kept after it.
    reason: [extra.reason, d.reason].filter(Boolean).join(' — ') || null,
    actor: extra.actor ?? null,
    retry_at: d.retryAt === undefined ? null : new Date(d.retryAt),
    fallback_step: d.fallbackStep ?? null,
    account_id: d.accountId ?? null,
    explanation: d.explanation ? JSON.stringify(d.explanation) : null,
    latency_us: routed.latencyUs,
    created_at: new Date(now),
  };
}

/** A lead record from the row just written (no read back, no JSON parse). */
export function leadRecordOf(
  row: LeadRow,
  attributes: Record<string, unknown>,
  derived: Record<string, unknown>,
): LeadRecord {
  const iso = (v: Date | string | null | undefined) =>
    v === null || v === undefined ? null : new Date(v).toISOString();
  return {
    id: row.id,
    externalId: row.external_id ?? null,
    attributes,
    derived,
    status: row.status as LeadStatus,
    ownerId: row.owner_id ?? null,
    queueId: row.queue_id ?? null,
    accountId: row.account_id ?? null,
    retryAt: iso(row.retry_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    assignedAt: iso(row.assigned_at),
  };
}

/** A decision record from the row just written, with the explanation object it was made from. */
export function decisionRecordOf(row: DecisionRow, explanation: unknown): DecisionRecord {
  return {
    id: row.id,
    leadId: row.lead_id,
    trigger: row.trigger as DecisionTrigger,
    outcome: row.outcome as DecisionRecord['outcome'],
    ownerId: row.owner_id ?? null,
    queueId: row.queue_id ?? null,
    ruleId: row.rule_id ?? null,
    poolId: row.pool_id ?? null,
    policyVersion: row.policy_version ?? null,
    previousOwnerId: row.previous_owner_id ?? null,
    reason: row.reason ?? null,
    actor: row.actor ?? null,
    retryAt: row.retry_at ? new Date(row.retry_at).toISOString() : null,
    fallbackStep: row.fallback_step ?? null,
    accountId: row.account_id ?? null,
    explanation: explanation ?? null,
    latencyUs: row.latency_us ?? null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Results for requests whose key was taken: the stored lead and decision, or a conflict. */
async function replayStored(
  db: Kysely<Database>,
  prepared: readonly PreparedLead[],
): Promise<Map<PreparedLead, IntakeResult | Error>> {
  const entries = await findKeys(db, prepared.flatMap(claimsOf));
  const leads = await findLeads(
    db,
    [...entries.values()].map((e) => e.leadId),
  );
  const decisions = await findDecisions(
    db,
    [...entries.values()].flatMap((e) => (e.decisionId ? [e.decisionId] : [])),
  );
  const out = new Map<PreparedLead, IntakeResult | Error>();
  for (const p of prepared) {
    // The request's own key when it is taken (a retry), else its external id's (another request
    // stored a lead with that external id).
    const keys = claimsOf(p);
    const held = keys.find((k) => entries.has(k)) ?? keys[0]!;
    const entry = entries.get(held);
    const lead = entry && leads.get(entry.leadId);
    const decision = entry?.decisionId ? decisions.get(entry.decisionId) : undefined;
    if (entry && lead && entry.requestHash !== p.requestHash) {
      out.set(p, conflict(held, lead.id));
    } else if (!entry || !lead || !decision) {
      out.set(
        p,
        new ServiceError(
          'unavailable',
          `idempotency key ${JSON.stringify(displayKey(held))} is held by a request still in progress; retry`,
        ),
      );
    } else {
      out.set(p, { lead, decision, replayed: true });
    }
  }
  return out;
}

const EXTERNAL_ID_SCOPE = 'x:';

/** The idempotency key of an external id: no two leads share one. */
export function externalIdKey(externalId: string): string {
  return `${EXTERNAL_ID_SCOPE}${externalId}`;
}

/** The keys a request claims: its own, and its external id's when that is another. */
function claimsOf(p: PreparedLead): string[] {
  return [p.key, p.externalKey].filter((k): k is string => k !== undefined);
}

function conflict(key: string, leadId: string): ServiceError {
  const [source, shown] = key.startsWith(EXTERNAL_ID_SCOPE)
    ? ['external_id', key.slice(EXTERNAL_ID_SCOPE.length)]
    : ['Idempotency-Key', displayKey(key)];
  return new ServiceError(
    'idempotency_conflict',
    `${source} ${JSON.stringify(shown)} was used before with a different request body`,
    [{ path: source, message: `already used for lead ${leadId} with a different body` }],
  );
}

/** Keys are stored with a scope prefix (`h:`/`b:` header, `x:` external id); people see the key itself. */
function displayKey(key: string): string {
  return key.replace(/^[a-z]:/, '');
}

/** Every row the policy could touch, plus what was already asked for. */
function everything(ctx: RoutingContext, hint: LockSet): LockSet {
  const pools = new Set([...hint.pools, ...ctx.policy.poolIds()]);
  const owners = new Set([...hint.owners, ...ctx.directory.owners.keys()]);
  return { pools, owners };
}

const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Database errors caused by one request's data (SQLSTATE class 22, data exception; class 23,
 * integrity constraint violation), as opposed to the database or the connection failing.
 */
function isRequestSpecific(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

/** The restart reason of a retryable database error. */
export function restartReason(error: unknown): 'deadlock' | 'serialization' {
  return sqlState(error) === '40P01' ? 'deadlock' : 'serialization';
}

/** Serialisation failures and deadlocks: the transaction may simply be run again. */
export function isRetryable(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && RETRYABLE.has(state);
}

/** Canonical hash of a request body: same content, same hash, whatever the key order. */
export function hashRequest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Keys in code-unit order (the default sort of strings); absent values are left out.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/**
 * The derived fields stored beside a lead, without absent values and empty lists so that they
 * stay small. `derived`, when the caller has it, saves deriving the lead again.
 */
export function storedDerivedFields(
  lead: Lead,
  ctx: RoutingContext,
  derived?: DerivedLead,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(deriveLeadFields(lead, ctx.policy, ctx.accounts, derived))) {
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}
