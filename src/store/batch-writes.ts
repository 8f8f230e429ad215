/**
 * The write half of a routing batch in one statement: the leads, their decisions and the routing
 * state rows they changed, as data-modifying CTEs. One round trip (and one parse and plan) instead
 * of four, on the hottest path of the service.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { OwnerState, PoolState } from '../engine/index.ts';
import {
  columnValue,
  DECISION_COLUMNS,
  LEAD_COLUMNS,
  type Column,
  type DecisionRecord,
  type NewLead,
} from './lead-rows.ts';
import type { Database } from './schema.ts';

/** What one routing batch writes: its leads and decisions (as records), and the state rows changed. */
export interface RoutedBatch {
  leads: readonly NewLead[];
  decisions: readonly DecisionRecord[];
  pools: ReadonlyMap<string, PoolState>;
  owners: ReadonlyMap<string, OwnerState>;
}

/**
 * Inserts the leads and decisions and upserts the changed state rows, in one statement. The SQL is
 * assembled directly (placeholders numbered by hand) rather than through the query builder: a
 * batch has a thousand parameters or more, and this is the hottest statement of the service.
 */
export async function writeRoutedBatch(db: Kysely<Database>, batch: RoutedBatch): Promise<void> {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value === undefined ? null : value);
    return `$${params.length}`;
  };
  // Column values repeat across the rows of a batch (status, trigger, outcome, policy version,
  // the batch's timestamp): one parameter per distinct value of a column, and NULL written as
  // such, keep the statement's parameters (each encoded on its own) to what varies.
  const seen = new Map<string, string>();
  const column = (name: string, value: unknown): string => {
    if (value === null || value === undefined) return 'null';
    const text =
      value instanceof Date ? String(value.getTime()) : typeof value === 'string' ? value : null;
    if (text === null || text.length > 64) return p(value);
    const key = `${name}\u0000${typeof value}\u0000${text}`;
    let placeholder = seen.get(key);
    if (placeholder === undefined) seen.set(key, (placeholder = p(value)));
    return placeholder;
  };
  const parts: string[] = [];
  if (batch.leads.length)
    parts.push(`l as (insert into leads ${values(LEAD_COLUMNS, batch.leads, column)} returning 1)`);
  if (batch.decisions.length) {
    parts.push(
      `d as (insert into decisions ${values(DECISION_COLUMNS, batch.decisions, column)} returning 1)`,
    );
  }
  if (batch.pools.size) {
    const rows = [...batch.pools].map(
      ([id, state]) => `(${p(id)}, ${p(JSON.stringify(state))}::jsonb, now())`,
    );
    parts.push(
      `p as (insert into routing_pools (pool_id, state, updated_at) values ${rows.join(', ')} ` +
        'on conflict (pool_id) do update set state = excluded.state, updated_at = excluded.updated_at returning 1)',
    );
  }
  if (batch.owners.size) {
    const rows = [...batch.owners].map(
      ([id, s]) =>
        `(${p(id)}, ${p(s.open)}::int, ${p(s.dayKey)}, ${p(s.dayCount)}::int, ${p(s.weekKey)}, ${p(s.weekCount)}::int, ` +
        `${p(s.lastAssignedAt === null ? null : new Date(s.lastAssignedAt))}::timestamptz, now())`,
    );
    parts.push(
      'o as (insert into routing_owners (owner_id, open, day_key, day_count, week_key, week_count, last_assigned_at, updated_at) ' +
        `values ${rows.join(', ')} on conflict (owner_id) do update set open = excluded.open, day_key = excluded.day_key, ` +
        'day_count = excluded.day_count, week_key = excluded.week_key, week_count = excluded.week_count, ' +
        'last_assigned_at = excluded.last_assigned_at, updated_at = excluded.updated_at returning 1)',
    );
  }
  if (parts.length === 0) return;
  // Every data-modifying CTE runs to completion whether or not the outer query reads it.
  await db.executeQuery(CompiledQuery.raw(`with ${parts.join(', ')} select 1`, params));
}

/** `(columns) values (…), (…)` for the records, each value through `column`. */
function values<R>(
  columns: ReadonlyArray<Column<R>>,
  records: readonly R[],
  column: (name: string, v: unknown) => string,
): string {
  const tuples = records.map(
    (record) => `(${columns.map((c) => column(c[0], columnValue(record, c))).join(', ')})`,
  );
  return `(${columns.map((c) => c[0]).join(', ')}) values ${tuples.join(', ')}`;
}
