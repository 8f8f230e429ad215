/**
 * Durable timers: rows of `timers`, written in the caller's transaction, swept by every instance
 * with `SELECT … FOR UPDATE SKIP LOCKED` in due order. `createTimerStore` gives the timer runner
 * (src/jobs/timer-runner.ts) what it needs: the runner's `DueTimer` is this module's `StoredTimer`,
 * which jobs reach through the service's entry (the store never reaches up into jobs).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { LifecycleDb } from './schema-lifecycle.ts';

/** A timer to schedule. */
export interface NewTimer {
  kind: string;
  dueAt: Date;
  leadId?: string | null;
  ownerId?: string | null;
  sla?: string | null;
  step?: number;
  payload?: unknown;
}

/** A stored timer (the runner's `DueTimer`). */
export interface StoredTimer {
  id: string;
  kind: string;
  leadId: string | null;
  ownerId: string | null;
  sla: string | null;
  step: number;
  dueAt: Date;
  payload: unknown;
  attempts: number;
}

type TimerRow = {
  id: string;
  kind: string;
  lead_id: string | null;
  owner_id: string | null;
  sla: string | null;
  step: number;
  due_at: Date;
  payload: unknown;
  attempts: number;
};

const COLUMNS = [
  'id',
  'kind',
  'lead_id',
  'owner_id',
  'sla',
  'step',
  'due_at',
  'payload',
  'attempts',
] as const;

function toTimer(row: TimerRow): StoredTimer {
  return {
    id: row.id,
    kind: row.kind,
    leadId: row.lead_id,
    ownerId: row.owner_id,
    sla: row.sla,
    step: row.step,
    dueAt: row.due_at,
    payload: row.payload,
    attempts: row.attempts,
  };
}

/** Schedules timers in the caller's transaction; returns their ids, in order. */
export async function scheduleTimers(
  db: LifecycleDb,
  timers: readonly NewTimer[],
): Promise<string[]> {
  if (timers.length === 0) return [];
  const rows = await db
    .insertInto('timers')
    .values(
      timers.map((t) => ({
        kind: t.kind,
        due_at: t.dueAt,
        lead_id: t.leadId ?? null,
        owner_id: t.ownerId ?? null,
        sla: t.sla ?? null,
        step: t.step ?? 0,
        payload: JSON.stringify(t.payload ?? {}),
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Which timers of a lead to cancel; every one when no field is given. */
export interface TimerFilter {
  kinds?: readonly string[];
  sla?: string;
}

/** Cancels a lead's timers (all, or of some kinds / one SLA) in the caller's transaction. */
export async function cancelLeadTimers(
  db: LifecycleDb,
  leadId: string,
  filter: TimerFilter = {},
): Promise<number> {
  let query = db.deleteFrom('timers').where('lead_id', '=', leadId);
  if (filter.kinds) {
    if (filter.kinds.length === 0) return 0;
    query = query.where('kind', 'in', filter.kinds);
  }
  if (filter.sla !== undefined) query = query.where('sla', '=', filter.sla);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Cancels timers by id (those already fired are ignored). */
export async function cancelTimers(db: LifecycleDb, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom('timers').where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A lead's (or every) timer, in due order: the timeline shows the deadlines still ahead. */
export async function listTimers(
  db: LifecycleDb,
  filter: { leadId?: string; ownerId?: string } = {},
): Promise<StoredTimer[]> {
  let query = db.selectFrom('timers').select(COLUMNS).orderBy('due_at').orderBy('id');
  if (filter.leadId !== undefined) query = query.where('lead_id', '=', filter.leadId);
  if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
  return (await query.execute()).map(toTimer);
}

/**
 * Recomputes the due time of an owner's timers (their working hours, holidays or out-of-office
 * changed), in the caller's transaction: the timers are locked, `recompute` returns each one's new
 * due time, or null to cancel it. Returns how many moved and how many were cancelled.
 */
export async function moveOwnerTimers(
  db: LifecycleDb,
  ownerId: string,
  recompute: (timer: StoredTimer) => Date | null,
  filter: { kinds?: readonly string[] } = {},
): Promise<{ moved: number; cancelled: number }> {
  let query = db.selectFrom('timers').select(COLUMNS).where('owner_id', '=', ownerId);
  if (filter.kinds) query = query.where('kind', 'in', filter.kinds);
  // A runner holding one of them is firing it now: moving it would wait for that commit, and it
  // would be gone; waiting is right (its firing wins, as it fell due before the change).
  const timers = (await query.orderBy('id').forUpdate().execute()).map(toTimer);
  const moveIds: string[] = [];
  const moveDues: string[] = [];
  const cancelIds: string[] = [];
  for (const timer of timers) {
    const due = recompute(timer);
    if (due === null) cancelIds.push(timer.id);
    else if (due.getTime() !== timer.dueAt.getTime()) {
      moveIds.push(timer.id);
      moveDues.push(due.toISOString());
    }
  }
  if (moveIds.length > 0)
    await sql`update timers t set due_at = m.due_at
      from unnest(${moveIds}::bigint[], ${moveDues}::timestamptz[]) as m(id, due_at)
      where t.id = m.id`.execute(db);
  await cancelTimers(db, cancelIds);
  return { moved: moveIds.length, cancelled: cancelIds.length };
}

/** Claims up to `limit` timers due at `now`, locked for the caller's transaction; others skip them. */
export async function claimDueTimers(
  tx: Transaction<Database>,
  now: Date,
  limit: number,
): Promise<StoredTimer[]> {
  const rows = await tx
    .selectFrom('timers')
    .select(COLUMNS)
    .where('due_at', '<=', now)
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map(toTimer);
}

/** Deletes fired timers (in the transaction that committed their effects). */
export const deleteTimers = cancelTimers;

/** The earliest due time, or null. */
export async function nextTimerDueAt(db: LifecycleDb): Promise<Date | null> {
  const row = await db
    .selectFrom('timers')
    .select('due_at')
    .orderBy('due_at')
    .limit(1)
    .executeTakeFirst();
  return row?.due_at ?? null;
}

/** Timers waiting to fire. */
export async function countTimers(db: LifecycleDb): Promise<number> {
  const row = await db
    .selectFrom('timers')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One timer's outcome in a batch (the runner's `FireOutcome`). */
export interface TimerFireOutcome {
  timer: StoredTimer;
  error?: unknown;
  retryAt?: Date;
}

/**
 * The runner's store over `timers`: each batch is one transaction; every timer fires in its own
 * savepoint, so one failing handler moves only its timer and the others' effects still commit.
 */
export function createTimerStore(db: Kysely<Database>) {
  return {
    async fireDue(
      now: Date,
      limit: number,
      fire: (tx: Transaction<Database>, timer: StoredTimer) => Promise<void>,
      retryAt: (timer: StoredTimer, error: unknown) => Date,
    ): Promise<TimerFireOutcome[]> {
      return db.transaction().execute(async (tx) => {
        const timers = await claimDueTimers(tx, now, limit);
        const outcomes: TimerFireOutcome[] = [];
        const fired: string[] = [];
        for (const timer of timers) {
          await sql`savepoint fire_timer`.execute(tx);
          try {
            await fire(tx, timer);
            await sql`release savepoint fire_timer`.execute(tx);
            fired.push(timer.id);
            outcomes.push({ timer });
          } catch (error) {
            await sql`rollback to savepoint fire_timer`.execute(tx);
            const at = retryAt(timer, error);
            await tx
              .updateTable('timers')
              .set({
                due_at: at,
                attempts: timer.attempts + 1,
                last_error: describeError(error).slice(0, 2000),
              })
              .where('id', '=', timer.id)
              .execute();
            outcomes.push({ timer, error, retryAt: at });
          }
        }
        await deleteTimers(tx, fired);
        return outcomes;
      });
    },
    nextDueAt: () => nextTimerDueAt(db),
    countPending: () => countTimers(db),
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
