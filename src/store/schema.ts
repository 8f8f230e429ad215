/**
 * Table types for Kysely, matching src/store/migrations. JSON columns are written as JSON text
 * (node-postgres would turn a JS array into a PostgreSQL array) and read back parsed.
 */
import type { ColumnType, Generated } from 'kysely';
import type { AccessTables } from './schema-access.ts';
import type { LifecycleTables } from './schema-lifecycle.ts';

/** A timestamptz: read as a Date, written as a Date or an ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** A jsonb column: read parsed, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;
/** bigint comes back from node-postgres as a string (it may exceed 2^53). */
type BigIntColumn = ColumnType<string, number | string | undefined, number | string>;

export interface StoreVersionsTable {
  id: Generated<number>;
  owners: BigIntColumn;
  accounts: BigIntColumn;
  policies: BigIntColumn;
  /** Bumped by every webhook subscription change (migration 006). */
  webhooks: BigIntColumn;
  /** Bumped with every credential change (migration 002): instances drop their token cache. */
  credentials: BigIntColumn;
}

export interface OwnersTable {
  id: string;
  name: string;
  email: string | null;
  time_zone: string;
  active: boolean;
  paused: boolean;
  paused_until: NullableTimestamp;
  working_hours: NullableJson<unknown>;
  out_of_office: Json<unknown[]>;
  caps: NullableJson<unknown>;
  skills: NullableJson<unknown>;
  team: string | null;
  manager: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AccountsTable {
  id: string;
  name: string;
  domains: Json<string[]>;
  owner_id: string | null;
  tier: string | null;
  strategic: boolean;
  attributes: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PolicyVersionsTable {
  id: ColumnType<string, never, never>;
  status: 'draft' | 'published';
  name: string | null;
  source: string;
  format: 'yaml' | 'json';
  document: Json<unknown>;
  content_hash: string;
  effective_from: NullableTimestamp;
  author: string | null;
  note: string | null;
  based_on: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  published_at: NullableTimestamp;
}

export interface LeadsTable {
  id: string;
  external_id: string | null;
  attributes: Json<Record<string, unknown>>;
  derived: Json<Record<string, unknown>>;
  email_norm: string | null;
  status: string;
  owner_id: string | null;
  queue_id: string | null;
  account_id: string | null;
  retry_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  assigned_at: NullableTimestamp;
  /** The actor that created the lead (`token:<id>`, `user:<id>`), migration 002. */
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DecisionsTable {
  id: string;
  lead_id: string;
  trigger: string;
  outcome: string;
  owner_id: string | null;
  queue_id: string | null;
  rule_id: string | null;
  pool_id: string | null;
  policy_version: string | null;
  previous_owner_id: string | null;
  reason: string | null;
  actor: string | null;
  retry_at: NullableTimestamp;
  fallback_step: number | null;
  account_id: string | null;
  explanation: NullableJson<unknown>;
  latency_us: number | null;
  created_at: Timestamp;
}

export interface RoutingPoolsTable {
  pool_id: string;
  state: Json<unknown>;
  updated_at: Generated<Date>;
}

export interface RoutingOwnersTable {
  owner_id: string;
  open: number;
  day_key: string;
  day_count: number;
  week_key: string;
  week_count: number;
  last_assigned_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

export interface IdempotencyKeysTable {
  key: string;
  request_hash: string;
  lead_id: string;
  decision_id: string | null;
  created_at: Generated<Date>;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: Generated<Date>;
}

/** Every table, for `Kysely<Database>` (the access tables of migration 002 included). */
export interface Database extends AccessTables, LifecycleTables {
  store_versions: StoreVersionsTable;
  owners: OwnersTable;
  accounts: AccountsTable;
  policy_versions: PolicyVersionsTable;
  leads: LeadsTable;
  decisions: DecisionsTable;
  routing_pools: RoutingPoolsTable;
  routing_owners: RoutingOwnersTable;
  idempotency_keys: IdempotencyKeysTable;
  schema_migrations: SchemaMigrationsTable;
  // The lead's life after routing (migration 003): timers, SLA events, touches, the outbox.
  timers: LifecycleTables['timers'];
  sla_events: LifecycleTables['sla_events'];
  escalations: LifecycleTables['escalations'];
  touches: LifecycleTables['touches'];
  first_touches: LifecycleTables['first_touches'];
  outbox_events: LifecycleTables['outbox_events'];
  webhook_subscriptions: LifecycleTables['webhook_subscriptions'];
  webhook_deliveries: LifecycleTables['webhook_deliveries'];
}
