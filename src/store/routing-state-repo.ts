/**
 * Routing state rows: one per pool (rotation cursor, weights, shares) and one per owner (open
 * load, day and week counts). Routing locks the rows a decision touches with `SELECT … FOR
 * UPDATE`, always pools before owners and each in id order, so concurrent transactions on any
 * number of instances queue up on the same rows instead of deadlocking.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { OwnerState, PoolState } from '../engine/index.ts';
import type { Database, RoutingOwnersTable } from './schema.ts';

type Db = Kysely<Database>;

/** Creates missing rows so that the lock in {@link lockPoolStates} has something to hold. */
export async function ensurePoolRows(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .insertInto('routing_pools')
    .values(ids.map((id) => ({ pool_id: id, state: '{}' })))
    .onConflict((oc) => oc.column('pool_id').doNothing())
    .execute();
}

export async function ensureOwnerRows(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .insertInto('routing_owners')
    .values(
      ids.map((id) => ({
        owner_id: id,
        open: 0,
        day_key: '',
        day_count: 0,
        week_key: '',
        week_count: 0,
      })),
    )
    .onConflict((oc) => oc.column('owner_id').doNothing())
    .execute();
}

/** Reads pool states without locking; every pool when `ids` is undefined. */
export async function readPoolStates(
  db: Db,
  ids: readonly string[] | undefined,
): Promise<Map<string, PoolState>> {
  if (ids?.length === 0) return new Map();
  let query = db.selectFrom('routing_pools').select(['pool_id', 'state']);
  if (ids) query = query.where('pool_id', 'in', [...ids]);
  const rows = await query.execute();
  return toPoolStates(rows);
}

/** Reads owner states without locking; every owner when `ids` is undefined. */
export async function readOwnerStates(
  db: Db,
  ids: readonly string[] | undefined,
): Promise<Map<string, OwnerState>> {
  if (ids?.length === 0) return new Map();
  let query = db.selectFrom('routing_owners').selectAll();
  if (ids) query = query.where('owner_id', 'in', [...ids]);
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.owner_id, toOwnerState(r)]));
}

/** Locks pool rows in id order and returns their current states. */
export async function lockPoolStates(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, PoolState>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('routing_pools')
    .select(['pool_id', 'state'])
    .where('pool_id', 'in', [...ids])
    .orderBy('pool_id')
    .forUpdate()
    .execute();
  return toPoolStates(rows);
}

/** Locks owner rows in id order and returns their current states. */
export async function lockOwnerStates(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, OwnerState>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('routing_owners')
    .selectAll()
    .where('owner_id', 'in', [...ids])
    .orderBy('owner_id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.owner_id, toOwnerState(r)]));
}

export async function writePoolStates(
  db: Db,
  states: ReadonlyMap<string, PoolState>,
): Promise<void> {
  if (states.size === 0) return;
  await db
    .insertInto('routing_pools')
    .values([...states].map(([id, state]) => ({ pool_id: id, state: JSON.stringify(state) })))
    .onConflict((oc) =>
      oc
        .column('pool_id')
        .doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), updated_at: sql<Date>`now()` })),
    )
    .execute();
}

export async function writeOwnerStates(
  db: Db,
  states: ReadonlyMap<string, OwnerState>,
): Promise<void> {
  if (states.size === 0) return;
  await db
    .insertInto('routing_owners')
    .values(
      [...states].map(([id, s]) => ({
        owner_id: id,
        open: s.open,
        day_key: s.dayKey,
        day_count: s.dayCount,
        week_key: s.weekKey,
        week_count: s.weekCount,
        last_assigned_at: s.lastAssignedAt === null ? null : new Date(s.lastAssignedAt),
      })),
    )
    .onConflict((oc) =>
      oc.column('owner_id').doUpdateSet((eb) => ({
        open: eb.ref('excluded.open'),
        day_key: eb.ref('excluded.day_key'),
        day_count: eb.ref('excluded.day_count'),
        week_key: eb.ref('excluded.week_key'),
        week_count: eb.ref('excluded.week_count'),
        last_assigned_at: eb.ref('excluded.last_assigned_at'),
        updated_at: sql<Date>`now()`,
      })),
    )
    .execute();
}

function toOwnerState(row: Selectable<RoutingOwnersTable>): OwnerState {
  return {
    open: row.open,
    dayKey: row.day_key,
    dayCount: row.day_count,
    weekKey: row.week_key,
    weekCount: row.week_count,
    lastAssignedAt: row.last_assigned_at ? row.last_assigned_at.getTime() : null,
  };
}

/**
 * Rows created empty by {@link ensurePoolRows} are absent to the engine, which starts them its own
 * way; so is a row in a shape this version does not write (it starts afresh rather than misread).
 */
function toPoolStates(
  rows: ReadonlyArray<{ pool_id: string; state: unknown }>,
): Map<string, PoolState> {
  const out = new Map<string, PoolState>();
  for (const r of rows) if (isPoolState(r.state)) out.set(r.pool_id, r.state);
  return out;
}

function isPoolState(state: unknown): state is PoolState {
  if (!state || typeof state !== 'object') return false;
  const s = state as Record<string, unknown>;
  return (
    typeof s.cursor === 'number' &&
    Array.isArray(s.ownerIds) &&
    Array.isArray(s.currentWeights) &&
    Array.isArray(s.virtualShares)
  );
}

/** Fresh state of the rows a routing pass needs: some locked, some only read. */
export interface LockedState {
  pools: Map<string, PoolState>;
  owners: Map<string, OwnerState>;
  /** Read without a lock (candidates that may feed a choice but are not written). */
  unlocked: Map<string, OwnerState>;
}

/**
 * One statement: locks the pool rows, then the owner rows, each in id order (the global lock
 * order), and reads other owners' rows without locking. The branches of the UNION ALL run one
 * after the other, and each CTE is evaluated when its branch first reads it, so pools are locked
 * before owners.
 */
export async function lockAndReadStates(
  db: Db,
  lock: { pools: readonly string[]; owners: readonly string[] },
  read: readonly string[],
): Promise<LockedState> {
  const out: LockedState = { pools: new Map(), owners: new Map(), unlocked: new Map() };
  if (lock.pools.length + lock.owners.length + read.length === 0) return out;
  const pools = [...lock.pools].sort();
  const owners = [...lock.owners].sort();
  const rows = await sql<{
    kind: 'p' | 'o' | 'r';
    id: string;
    state: unknown;
    open: number | null;
    day_key: string | null;
    day_count: number | null;
    week_key: string | null;
    week_count: number | null;
    last_assigned_at: Date | null;
  }>`with p as (
        select pool_id, state from routing_pools where pool_id = any(${pools}::text[]) order by pool_id for update
      ), o as (
        select * from routing_owners where owner_id = any(${owners}::text[]) order by owner_id for update
      )
      select 'p' as kind, pool_id as id, state, null::int as open, null::text as day_key, null::int as day_count,
             null::text as week_key, null::int as week_count, null::timestamptz as last_assigned_at from p
      union all
      select 'o', owner_id, null, open, day_key, day_count, week_key, week_count, last_assigned_at from o
      union all
      select 'r', owner_id, null, open, day_key, day_count, week_key, week_count, last_assigned_at
        from routing_owners where owner_id = any(${[...read]}::text[])`.execute(db);
  for (const r of rows.rows) {
    if (r.kind === 'p') {
      if (isPoolState(r.state)) out.pools.set(r.id, r.state);
      continue;
    }
    const state: OwnerState = {
      open: r.open ?? 0,
      dayKey: r.day_key ?? '',
      dayCount: r.day_count ?? 0,
      weekKey: r.week_key ?? '',
      weekCount: r.week_count ?? 0,
      lastAssignedAt: r.last_assigned_at ? r.last_assigned_at.getTime() : null,
    };
    (r.kind === 'o' ? out.owners : out.unlocked).set(r.id, state);
  }
  return out;
}
